package com.imageserving.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.imaging.ImageInput;
import com.imageserving.imaging.InputBudget;
import com.imageserving.imaging.TestInputs;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * A JSON upload body read as it streams answers exactly what reading it whole, parsing it with
 * Jackson and decoding its data string did before (the old calls are still there: RequestBodies
 * reads the bodies of the fetch endpoints so, and TestInputs.decodedBefore is the old decoding), on
 * random hostile bodies handed over in random pieces, with and without a declared length.
 */
class JsonImageBodyTest {
  private static final InputBudget UNLIMITED = new InputBudget(Long.MAX_VALUE / 2);

  /** A request whose body arrives in pieces of random sizes. */
  private static MockHttpServletRequest request(byte[] body, long declared, Random random) {
    long seed = random.nextLong();
    MockHttpServletRequest request =
        new MockHttpServletRequest("POST", "/images/ns") {
          @Override
          public long getContentLengthLong() {
            return declared;
          }

          @Override
          public ServletInputStream getInputStream() {
            return trickle(body, new Random(seed));
          }
        };
    request.setContentType("application/json");
    return request;
  }

  private static ServletInputStream trickle(byte[] body, Random random) {
    return new ServletInputStream() {
      private int pos;

      @Override
      public int read() {
        return pos < body.length ? body[pos++] & 0xff : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (pos == body.length) {
          return -1;
        }
        int most = random.nextInt(4) == 0 ? 1 + random.nextInt(7) : 1 + random.nextInt(40_000);
        int n = Math.min(Math.min(len, most), body.length - pos);
        System.arraycopy(body, pos, b, off, n);
        pos += n;
        return n;
      }

      @Override
      public boolean isFinished() {
        return pos == body.length;
      }

      @Override
      public boolean isReady() {
        return true;
      }

      @Override
      public void setReadListener(ReadListener listener) {
        throw new UnsupportedOperationException();
      }
    };
  }

  /** The answer before: the whole body read, parsed into a tree, its data string decoded. */
  private static String before(byte[] body, long declared, long limit, Random random) {
    try {
      MockHttpServletRequest request = request(body, declared, random);
      String data =
          RequestBodies.requiredString(
              RequestBodies.jsonObject(RequestBodies.read(request, limit)), "data");
      String decoded = TestInputs.decodedBefore(data);
      return decoded.startsWith("bytes") ? decoded : "400 " + decoded;
    } catch (ValidationError e) {
      return "422 " + e.items();
    } catch (ApiException e) {
      return e.status().value() + " " + e.getMessage();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** The answer now. */
  private static String now(byte[] body, long declared, long limit, Random random) {
    try (ImageInput image = JsonImageBody.read(request(body, declared, random), limit, UNLIMITED)) {
      return TestInputs.describe(TestInputs.contents(image));
    } catch (ValidationError e) {
      return "422 " + e.items();
    } catch (ApiException e) {
      return e.status().value() + " " + e.getMessage();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static final String[] TEXT = {
    "QUJD",
    "AAAA",
    "/9j/",
    "+",
    "=",
    "==",
    " ",
    "!",
    "-",
    "_",
    "\\n",
    "\\r\\n",
    "\\/",
    "\\\\",
    "\\\"",
    "\\t",
    "\\b",
    "\\f",
    "\\u0041",
    "\\u00e9",
    "\\ud83d\\ude00",
    "\\ud800",
    "\\u002c",
    "\\u002C",
    "é",
    "€",
    "😀",
    "data:",
    "DaTa:",
    "image/png;base64,",
    "data:image/png;base64,",
    "data:text/plain;base64,",
    ",",
    ";base64",
    ":",
    "{",
    "}",
    "[",
    "]",
    "'"
  };

  /** Escapes Jackson refuses. */
  private static final String[] BAD_ESCAPES = {"\\q", "\\u12G4", "\\u", "\\", "\\U0041", "\\x41"};

  private static final byte[][] BYTES = {
    {(byte) 0xC3, 0x41},
    {(byte) 0xC3},
    {(byte) 0x80},
    {(byte) 0xE2, (byte) 0x82},
    {(byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80},
    {(byte) 0xC1, (byte) 0x81},
    {(byte) 0xC0, (byte) 0xA2},
    {(byte) 0xFF},
    {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
    {0x00},
    {0x01},
    {'\t'},
    {'\n'},
    {0x7F}
  };

  private static final String[] KEYS = {
    "data", "data", "data", "data", "x", "d\\u0061ta", "Data", "", "url"
  };

  /** A document, mostly well formed, of objects with data strings and other values. */
  private static byte[] document(Random random) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (random.nextInt(30) == 0) {
      out.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
    }
    whitespace(out, random);
    if (random.nextInt(10) == 0) {
      value(out, random, 0);
    } else {
      object(out, random, 0);
    }
    whitespace(out, random);
    byte[] doc = out.toByteArray();
    switch (random.nextInt(8)) {
      case 0 -> {
        return java.util.Arrays.copyOf(doc, random.nextInt(doc.length + 1));
      }
      case 1 -> {
        int at = random.nextInt(doc.length + 1);
        ByteArrayOutputStream mutated = new ByteArrayOutputStream();
        mutated.write(doc, 0, at);
        junk(mutated, random);
        mutated.write(doc, at, doc.length - at);
        return mutated.toByteArray();
      }
      default -> {
        return doc;
      }
    }
  }

  private static void object(ByteArrayOutputStream out, Random random, int depth) {
    out.write('{');
    int members = random.nextInt(8) == 0 ? 0 : 1 + random.nextInt(3);
    for (int i = 0; i < members; i++) {
      if (i > 0) {
        out.write(',');
      }
      whitespace(out, random);
      ascii(out, "\"" + KEYS[random.nextInt(KEYS.length)] + "\"");
      whitespace(out, random);
      out.write(':');
      whitespace(out, random);
      if (random.nextInt(3) > 0) {
        string(out, random);
      } else {
        value(out, random, depth + 1);
      }
      whitespace(out, random);
    }
    out.write('}');
  }

  private static void value(ByteArrayOutputStream out, Random random, int depth) {
    switch (depth > 2 ? random.nextInt(5) : random.nextInt(7)) {
      case 0 -> string(out, random);
      case 1 -> ascii(out, "null");
      case 2 -> ascii(out, random.nextBoolean() ? "true" : "-12.5e3");
      case 3 ->
          ascii(out, random.nextBoolean() ? "[" + "1,".repeat(random.nextInt(3)) + "2]" : "[]");
      case 4 -> ascii(out, random.nextBoolean() ? "NaN" : "[[[]]]");
      case 5 -> object(out, random, depth);
      default -> {
        out.write('[');
        value(out, random, depth + 1);
        out.write(']');
      }
    }
  }

  private static void string(ByteArrayOutputStream out, Random random) {
    out.write('"');
    if (random.nextInt(8) == 0) {
      // A long one, so that reads and odd characters fall across buffer boundaries.
      byte[] image = new byte[10_000 + random.nextInt(40_000)];
      random.nextBytes(image);
      String b64 = Base64.getMimeEncoder().encodeToString(image).replace("\r\n", "\\r\\n");
      int at = 0;
      while (at < b64.length()) {
        int n = Math.min(b64.length() - at, random.nextInt(20_000));
        ascii(out, b64.substring(at, at + n));
        at += n;
        if (random.nextInt(3) == 0) {
          text(out, random);
        }
      }
    } else {
      int pieces = random.nextInt(10);
      for (int i = 0; i < pieces; i++) {
        text(out, random);
      }
    }
    if (random.nextInt(40) > 0) {
      out.write('"');
    }
  }

  private static void text(ByteArrayOutputStream out, Random random) {
    int odd = random.nextInt(40);
    if (odd == 0) {
      out.writeBytes(BYTES[random.nextInt(BYTES.length)]);
    } else if (odd == 1) {
      ascii(out, BAD_ESCAPES[random.nextInt(BAD_ESCAPES.length)]);
    } else {
      ascii(out, TEXT[random.nextInt(TEXT.length)]);
    }
  }

  private static void junk(ByteArrayOutputStream out, Random random) {
    String[] junk = {"}", "{", "]", "[", ",", ":", "\"", "x", " ", "\"data\":", "/*", "\\"};
    if (random.nextBoolean()) {
      ascii(out, junk[random.nextInt(junk.length)]);
    } else {
      out.writeBytes(BYTES[random.nextInt(BYTES.length)]);
    }
  }

  private static void whitespace(ByteArrayOutputStream out, Random random) {
    if (random.nextInt(4) == 0) {
      ascii(out, new String[] {" ", "\n", "\r\n\t ", "\f"}[random.nextInt(4)]);
    }
  }

  private static void ascii(ByteArrayOutputStream out, String text) {
    out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void answersAsReadingTheWholeBodyDidOnRandomBodies() {
    Random random = new Random(20_260_115);
    Map<String, Integer> answers = new TreeMap<>();
    for (int i = 0; i < 20_000; i++) {
      byte[] body = document(random);
      long declared = random.nextBoolean() ? body.length : -1;
      long limit = random.nextInt(10) == 0 ? random.nextInt(body.length + 2) : 1 << 20;
      long seed = random.nextLong();
      String expected = before(body, declared, limit, new Random(seed));
      String actual = now(body, declared, limit, new Random(seed));
      assertThat(actual)
          .as(
              "body %s declared %d limit %d",
              body.length > 300
                  ? body.length + " bytes"
                  : HexFormat.of().formatHex(body) + " " + new String(body, StandardCharsets.UTF_8),
              declared,
              limit)
          .isEqualTo(expected);
      String kind = expected.startsWith("bytes") ? "image" : expected.replaceAll(", loc=.*", "");
      answers.merge(kind, 1, Integer::sum);
    }
    // The corpus reaches every answer, the decoder's included, not only the parser's refusals.
    System.out.println(answers);
    assertThat(answers)
        .containsKeys(
            "image",
            "413 Request body too large",
            "400 Invalid base64 data",
            "400 Invalid base64 data: empty",
            "400 Invalid data URL: expected base64",
            "400 Invalid data URL: not an image type");
    assertThat(answers.get("image")).isGreaterThan(500);
    assertThat(answers.keySet()).filteredOn(k -> k.startsWith("422")).hasSize(5);
  }

  @Test
  void stringsAreHeldToJacksonsLengthLimitAsBefore() throws IOException {
    // The default limit is 100,000,000 characters; the same rule with a limit of 1,000.
    JsonMapper strict =
        JsonMapper.builder(
                JsonFactory.builder()
                    .streamReadConstraints(
                        StreamReadConstraints.builder().maxStringLength(1000).build())
                    .build())
            .build();
    for (String unit : new String[] {"A", "\\n", "é", "😀"}) {
      for (int length = 996; length <= 1003; length++) {
        StringBuilder text = new StringBuilder();
        while (text.length() < length) {
          text.append(unit.equals("\\n") ? "\n" : unit);
        }
        String string = text.substring(0, length);
        String quoted = JsonMapper.builder().build().writeValueAsString(string);
        byte[] body = ("{\"data\":" + quoted + "}").getBytes(StandardCharsets.UTF_8);
        boolean acceptedBefore;
        try {
          strict.readTree(body);
          acceptedBefore = true;
        } catch (JacksonException e) {
          acceptedBefore = false;
        }
        BodySource source = new BodySource(new ByteArrayInputStream(body, 9, body.length), 1 << 20);
        boolean accepted;
        try {
          accepted = new JsonStringReader(strict).read(source, null) == string.length();
        } catch (JsonStringReader.MalformedException e) {
          accepted = false;
        }
        assertThat(accepted).as("%d of %s", length, unit).isEqualTo(acceptedBefore);
        assertThat(acceptedBefore).isEqualTo(length <= 1000);
      }
    }
  }
}
