package com.imageserving.imaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Base64 decoded into native memory as it arrives answers exactly what decoding the whole string
 * with java.util.Base64 answered before (TestInputs.decodedBefore is the code it replaced), on
 * random text cut into random pieces.
 */
class Base64InputTest {
  private static final InputBudget UNLIMITED = new InputBudget(Long.MAX_VALUE / 2);

  /** The same through Base64Input, the text given in random pieces, bytes where it can be. */
  static String streamed(String data, Random random) {
    try (Base64Input input = Base64Input.start(data.length(), UNLIMITED)) {
      feed(input, data, random);
      try (ImageInput image = input.finish()) {
        return TestInputs.describe(TestInputs.contents(image));
      }
    } catch (InvalidBase64Exception e) {
      return e.getMessage();
    }
  }

  private static void feed(Base64Input input, String data, Random random) {
    int i = 0;
    while (i < data.length()) {
      int n = 1 + random.nextInt(Math.min(data.length() - i, random.nextBoolean() ? 3 : 200));
      String piece = data.substring(i, i + n);
      boolean oneByteEach = piece.chars().allMatch(c -> c < 0x100);
      switch (random.nextInt(3)) {
        case 0 -> {
          if (oneByteEach) {
            byte[] bytes = ("xx" + piece + "yy").getBytes(StandardCharsets.ISO_8859_1);
            input.append(bytes, 2, n);
          } else {
            input.append(piece);
          }
        }
        case 1 -> input.append(piece);
        default -> piece.chars().forEach(c -> input.append((char) c));
      }
      i += n;
    }
  }

  private static final String[] PIECES = {
    "A",
    "B",
    "Q",
    "g",
    "z",
    "0",
    "9",
    "+",
    "/",
    "=",
    "==",
    "-",
    "_",
    " ",
    "\n",
    "\r\n",
    "\t",
    "!",
    "?",
    "é",
    "€",
    "\u0130",
    "\ud83d\ude00",
    "\ud800",
    "\u00a0",
    "\u2028",
    "\u3000",
    ",",
    "data:",
    "DaTa:",
    "image/png",
    "image/",
    "IMAGE/",
    ";base64",
    ";BASE64",
    ";charset=x",
    "text/",
    "AAAA",
    "QUJD",
    "/9j/",
    "iVBORw0KGgo",
    "AA==",
    "QQ=",
    "\u212a"
  };

  private static String randomText(Random random) {
    StringBuilder text = new StringBuilder();
    int pieces = random.nextInt(12);
    for (int i = 0; i < pieces; i++) {
      text.append(PIECES[random.nextInt(PIECES.length)]);
    }
    return text.toString();
  }

  @Test
  void answersAsDecodingTheWholeStringDidOnRandomText() {
    Random random = new Random(20_260_114);
    int decoded = 0;
    for (int i = 0; i < 200_000; i++) {
      String text = randomText(random);
      String expected = TestInputs.decodedBefore(text);
      assertThat(streamed(text, random)).as("%s", text).isEqualTo(expected);
      if (expected.startsWith("bytes")) {
        decoded++;
      }
    }
    assertThat(decoded).as("random texts that decode").isGreaterThan(20_000);
  }

  @Test
  void answersAsDecodingTheWholeStringDidOnImagesAndEdges() {
    Random random = new Random(7);
    byte[] image = new byte[100_000];
    random.nextBytes(image);
    String b64 = Base64.getEncoder().encodeToString(image);
    String mime = Base64.getMimeEncoder().encodeToString(image);
    String[] texts = {
      "",
      " ",
      "data:",
      "data:,",
      "data:;base64,",
      "data:;base64,QUJD",
      " \n data:image/png;base64," + b64 + "\n",
      "data:image/png;base64," + mime,
      "DATA:Image/PNG;Base64," + b64.substring(0, 1001),
      b64,
      mime,
      b64.replace('+', '-').replace('/', '_'),
      b64.substring(0, 4001),
      b64.substring(0, 4002),
      b64.substring(0, 4003),
      b64.substring(0, 4002) + "==",
      b64.substring(0, 4002) + "=",
      b64.substring(0, 4002) + "= =",
      b64.substring(0, 4003) + "=",
      b64.substring(0, 4003) + "==",
      b64.substring(0, 4000) + "=" + b64.substring(4000),
      b64.substring(0, 4003) + "=\n!é",
      b64.substring(0, 4003) + "=\nA",
      "data:image/" + "x".repeat(500) + ";base64," + b64,
      "data:" + "x".repeat(500) + ";base64," + b64,
      "data:" + "x".repeat(500) + ";base64",
      "data:" + "image/" + "x".repeat(60) + ";bAsE64,QUJD",
      "data:" + "y".repeat(57) + ";base64,QUJD",
      "data:" + "y".repeat(58) + ";base64,QUJD",
      "data:image/" + "\u0130".repeat(100) + ";base64,QUJD",
      "data:\u0130mage/png;base64,QUJD",
      "data:image/png;base64,data:image/png;base64,QUJD",
    };
    for (String text : texts) {
      for (int split = 0; split < 5; split++) {
        assertThat(streamed(text, random))
            .as("%.80s", text)
            .isEqualTo(TestInputs.decodedBefore(text));
      }
    }
  }

  /**
   * Long texts in long pieces, where whole blocks go to the JDK's strict decoder: with a stray
   * character, padding or an error here and there, at any distance from a block's edges.
   */
  @Test
  void answersAsDecodingTheWholeStringDidOnLongTextInLongPieces() {
    Random random = new Random(16_384);
    String[] odd = {" ", "!", "=", "==", "A", "AA==", "-", "\n", "é", "AAA=", "==A"};
    for (int i = 0; i < 300; i++) {
      byte[] image = new byte[30_000 + random.nextInt(60_000)];
      random.nextBytes(image);
      StringBuilder text = new StringBuilder(Base64.getEncoder().encodeToString(image));
      int changes = random.nextInt(4);
      for (int c = 0; c < changes; c++) {
        text.insert(random.nextInt(text.length() + 1), odd[random.nextInt(odd.length)]);
      }
      if (random.nextBoolean()) {
        text.insert(0, "data:image/jpeg;base64,");
      }
      String data = text.toString();
      String expected = TestInputs.decodedBefore(data);
      byte[] latin1 = data.getBytes(StandardCharsets.ISO_8859_1);
      String actual;
      try (Base64Input input = Base64Input.start(data.length(), UNLIMITED)) {
        for (int at = 0; at < latin1.length; ) {
          int n = Math.min(latin1.length - at, 1 + random.nextInt(70_000));
          input.append(latin1, at, n);
          at += n;
        }
        actual = TestInputs.describe(TestInputs.contents(input.finish()));
      } catch (InvalidBase64Exception e) {
        actual = e.getMessage();
      }
      assertThat(actual).as("text %d with %d changes", i, changes).isEqualTo(expected);
    }
  }

  /** Padding that ends a block the JDK decodes ends the text, as it does anywhere else. */
  @Test
  void paddingAtTheEndOfABlockEndsTheText() {
    for (int length = 4 * 1024 - 24; length <= 4 * 1024 + 24; length += 4) {
      String block = "A".repeat(length);
      for (String end : new String[] {"AA==", "AAA=", "AAAA"}) {
        for (String after : new String[] {"", "\n ", "QUJD", "=", "A"}) {
          check(block + end + after);
        }
      }
    }
  }

  private static void check(String data) {
    String actual;
    try (Base64Input input = Base64Input.start(data.length(), UNLIMITED)) {
      input.append(data.getBytes(StandardCharsets.US_ASCII), 0, data.length());
      actual = TestInputs.describe(TestInputs.contents(input.finish()));
    } catch (InvalidBase64Exception e) {
      actual = e.getMessage();
    }
    assertThat(actual)
        .as("%d: %s", data.length(), data.substring(data.length() - 12))
        .isEqualTo(TestInputs.decodedBefore(data));
  }

  @Test
  void theImageIsReservedFromTheStartAndFreedWithItsMemory() {
    InputBudget budget = new InputBudget(1000);
    byte[] image = "an image, or so".getBytes(StandardCharsets.US_ASCII);
    String text = Base64.getEncoder().encodeToString(image);
    Base64Input input = Base64Input.start(400, budget);
    // Four characters give three bytes: at most 303 bytes from 400 characters.
    assertThat(budget.reserved()).isEqualTo(303);
    assertThatThrownBy(() -> Base64Input.start(1000, budget))
        .isInstanceOf(ProcessingOverloadedException.class);
    assertThat(budget.reserved()).isEqualTo(303);
    input.append(text);
    ImageInput result = input.finish();
    input.close(); // handed on: does not free the result's memory
    assertThat(budget.reserved()).isEqualTo(303);
    assertThat(TestInputs.contents(result)).isEqualTo(image);
    assertThat(budget.reserved()).isZero();

    Base64Input refused = Base64Input.start(400, budget);
    refused.append("!!");
    assertThatThrownBy(refused::finish)
        .isInstanceOf(InvalidBase64Exception.class)
        .hasMessage("Invalid base64 data: empty");
    refused.close();
    assertThat(budget.reserved()).isZero();
  }

  @Test
  void restartingForgetsTheTextSoFar() {
    try (Base64Input input = Base64Input.start(100, UNLIMITED)) {
      input.append("data:text/plain;base64,QUJD");
      input.restart();
      input.append("data:image/png;base64,QU");
      input.restart();
      input.append("REVG");
      assertThat(TestInputs.contents(input.finish()))
          .isEqualTo("DEF".getBytes(StandardCharsets.US_ASCII));
    }
  }

  @Test
  void aLongImageInSmallPiecesIsWhole() {
    Random random = new Random(3);
    byte[] image = new byte[3_000_001];
    random.nextBytes(image);
    String text = Base64.getMimeEncoder().encodeToString(image);
    byte[] ascii = text.getBytes(StandardCharsets.US_ASCII);
    try (Base64Input input = Base64Input.start(ascii.length, UNLIMITED)) {
      for (int i = 0; i < ascii.length; ) {
        int n = Math.min(ascii.length - i, 1 + random.nextInt(20_000));
        input.append(ascii, i, n);
        i += n;
      }
      assertThat(Arrays.equals(TestInputs.contents(input.finish()), image)).isTrue();
    }
  }
}
