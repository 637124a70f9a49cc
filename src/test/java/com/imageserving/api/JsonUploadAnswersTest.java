package com.imageserving.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.support.TestImages;
import com.imageserving.support.TestServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every answer to a JSON upload, hostile ones above all, exactly as the service gave them before
 * JSON bodies were streamed (recorded on that code): status and whole body for every refusal, the
 * image's size for every success. The body of a request is sent with a Content-Length or chunked,
 * and some cases are sent both ways.
 */
class JsonUploadAnswersTest {
  private static final int LIMIT = 1024 * 1024;
  private static final byte[] JPEG = TestImages.jpeg(64, 48);
  private static final String B64 = Base64.getEncoder().encodeToString(JPEG);
  private static final String OK = "64x48";
  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of("MAX_UPLOAD_BYTES", Integer.toString(LIMIT)));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static final String MISSING_BODY =
      "{\"detail\":[{\"loc\":[\"body\"],\"msg\":\"Field required\",\"type\":\"missing\"}]}";
  private static final String JSON_INVALID =
      "{\"detail\":[{\"loc\":[\"body\"],\"msg\":\"JSON decode error\",\"type\":\"json_invalid\"}]}";
  private static final String NOT_OBJECT =
      "{\"detail\":[{\"loc\":[\"body\"],\"msg\":\"Input should be a valid dictionary or object to"
          + " extract fields from\",\"type\":\"model_attributes_type\"}]}";
  private static final String MISSING_DATA =
      "{\"detail\":[{\"loc\":[\"body\",\"data\"],\"msg\":\"Field required\",\"type\":\"missing\"}]}";
  private static final String NOT_STRING =
      "{\"detail\":[{\"loc\":[\"body\",\"data\"],\"msg\":\"Input should be a valid string\","
          + "\"type\":\"string_type\"}]}";
  private static final String INVALID_BASE64 = "{\"detail\":\"Invalid base64 data\"}";
  private static final String EMPTY_BASE64 = "{\"detail\":\"Invalid base64 data: empty\"}";
  private static final String NOT_BASE64_URL = "{\"detail\":\"Invalid data URL: expected base64\"}";
  private static final String NOT_IMAGE_URL =
      "{\"detail\":\"Invalid data URL: not an image type\"}";
  private static final String NOT_AN_IMAGE = "{\"detail\":\"Data is not a recognised image\"}";
  private static final String TOO_LARGE = "{\"detail\":\"Request body too large\"}";
  private static final String UNSUPPORTED = "{\"detail\":\"Unsupported Media Type\"}";

  /** One request and the answer it got. {@code expected} is {@link #OK} for a 64x48 image. */
  record Case(String type, byte[] body, int status, String expected) {}

  private static Named<Case> json(String name, String body, int status, String expected) {
    return Named.of(
        name,
        new Case("application/json", body.getBytes(StandardCharsets.UTF_8), status, expected));
  }

  private static Named<Case> bytes(
      String name, String type, byte[] body, int status, String expected) {
    return Named.of(name, new Case(type, body, status, expected));
  }

  private static String data(String value) {
    return "{\"data\": \"" + value + "\"}";
  }

  /** base64 with a line break (escaped, as JSON requires) every {@code width} characters. */
  private static String wrapped(String b64, int width, String lineBreak) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < b64.length(); i += width) {
      out.append(b64, i, Math.min(b64.length(), i + width)).append(lineBreak);
    }
    return out.toString();
  }

  /** Every character as a JSON \\u escape. */
  private static String unicodeEscaped(String text) {
    StringBuilder out = new StringBuilder();
    for (char c : text.toCharArray()) {
      out.append(String.format("\\u%04x", (int) c));
    }
    return out.toString();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  static Stream<Named<Case>> cases() {
    List<Named<Case>> cases = new ArrayList<>();
    // Good bodies, in every spelling the original accepted.
    cases.add(json("plain base64", data(B64), 200, OK));
    cases.add(json("data URL", data("data:image/jpeg;base64," + B64), 200, OK));
    cases.add(json("data URL in capitals", data("DATA:IMAGE/JPEG;BASE64," + B64), 200, OK));
    cases.add(json("data URL without a type", data("data:;base64," + B64), 200, OK));
    cases.add(json("data URL with parameters", data("data:image/x;a=b;base64," + B64), 200, OK));
    cases.add(json("surrounding whitespace", data(" \\n\\t " + B64 + " \\r\\n "), 200, OK));
    cases.add(
        json("whitespace before a data URL", data("\\n data:image/png;base64," + B64), 200, OK));
    cases.add(json("MIME line breaks", data(wrapped(B64, 76, "\\r\\n")), 200, OK));
    cases.add(json("LF line breaks", data(wrapped(B64, 64, "\\n")), 200, OK));
    cases.add(json("spaces inside", data(wrapped(B64, 3, " ")), 200, OK));
    cases.add(json("escaped slashes, as PHP writes them", data(B64.replace("/", "\\/")), 200, OK));
    cases.add(json("all unicode escapes", data(unicodeEscaped(B64)), 200, OK));
    cases.add(json("stray characters", data(wrapped(B64, 10, "!*-_.é\\u20ac")), 200, OK));
    cases.add(json("lone surrogate escapes", data(wrapped(B64, 100, "\\ud800\\udfff")), 200, OK));
    cases.add(json("emoji inside", data(wrapped(B64, 100, "😀")), 200, OK));
    cases.add(json("padding removed", data(B64.replace("=", "")), 200, OK));
    cases.add(json("a key spelled with an escape", "{\"d\\u0061ta\": \"" + B64 + "\"}", 200, OK));
    cases.add(
        json(
            "extra fields",
            "{\"x\": [1, {\"y\": null}], \"data\": \""
                + B64
                + "\", \"z\": \"s\", \"n\": -1.5e3, \"t\": true}",
            200,
            OK));
    cases.add(
        json(
            "duplicate key: the last counts",
            "{\"data\": \"!!\", \"data\": \"" + B64 + "\"}",
            200,
            OK));
    cases.add(
        json(
            "duplicate key after an invalid first",
            "{\"data\": 5, \"data\": \"" + B64 + "\"}",
            200,
            OK));
    cases.add(json("no space at all", "{\"data\":\"" + B64 + "\"}", 200, OK));
    cases.add(
        json("whitespace around the document", "\r\n\t {\"data\":\"" + B64 + "\"} \n", 200, OK));
    cases.add(
        bytes(
            "byte order mark",
            "application/json",
            concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, data(B64).getBytes()),
            200,
            OK));
    cases.add(
        bytes(
            "UTF-16 body",
            "application/json",
            data(B64).getBytes(StandardCharsets.UTF_16LE),
            200,
            OK));
    cases.add(
        bytes(
            "UTF-16 body with escapes",
            "application/json",
            data(B64.replace("/", "\\/")).getBytes(StandardCharsets.UTF_16BE),
            200,
            OK));
    cases.add(bytes("no content type", "", data(B64).getBytes(), 200, OK));
    cases.add(
        bytes(
            "a +json type",
            "application/vnd.upload+json; charset=utf-8",
            data(B64).getBytes(),
            200,
            OK));

    // The body is not a JSON object.
    cases.add(json("empty body", "", 422, MISSING_BODY));
    cases.add(json("only whitespace", "  \n ", 422, NOT_OBJECT));
    cases.add(json("an array", "[1, 2]", 422, NOT_OBJECT));
    cases.add(json("a string", "\"" + B64 + "\"", 422, NOT_OBJECT));
    cases.add(json("null", "null", 422, NOT_OBJECT));
    cases.add(json("a number", "12", 422, NOT_OBJECT));
    cases.add(json("an array then more", "[1] [2]", 422, JSON_INVALID));
    cases.add(json("deeply nested arrays", "[".repeat(10_000), 422, JSON_INVALID));
    cases.add(
        json("nested past the depth limit", "[".repeat(600) + "]".repeat(600), 422, JSON_INVALID));

    // Broken JSON, wherever it breaks.
    cases.add(
        json(
            "truncated in the string", "{\"data\": \"" + B64.substring(0, 100), 422, JSON_INVALID));
    cases.add(json("truncated after the string", "{\"data\": \"" + B64 + "\"", 422, JSON_INVALID));
    cases.add(json("truncated after the colon", "{\"data\": ", 422, JSON_INVALID));
    cases.add(json("truncated in the key", "{\"da", 422, JSON_INVALID));
    cases.add(json("an opening brace only", "{", 422, JSON_INVALID));
    cases.add(json("trailing comma", "{\"data\": \"" + B64 + "\", }", 422, JSON_INVALID));
    cases.add(json("two objects", data(B64) + " {}", 422, JSON_INVALID));
    cases.add(json("garbage after the object", data(B64) + " x", 422, JSON_INVALID));
    cases.add(json("a closing brace too many", data(B64) + "}", 422, JSON_INVALID));
    cases.add(
        json("no comma between fields", "{\"data\": \"" + B64 + "\" \"x\": 1}", 422, JSON_INVALID));
    cases.add(json("single quotes", "{'data': '" + B64 + "'}", 422, JSON_INVALID));
    cases.add(json("a comment", "{\"data\": \"" + B64 + "\" /* c */}", 422, JSON_INVALID));
    cases.add(
        json("NaN in another field", "{\"data\": \"" + B64 + "\", \"x\": NaN}", 422, JSON_INVALID));
    cases.add(
        json(
            "a number too long",
            "{\"x\": " + "1".repeat(1001) + ", \"data\": \"" + B64 + "\"}",
            422,
            JSON_INVALID));
    cases.add(
        json(
            "a key too long",
            "{\"" + "k".repeat(50_001) + "\": 1, \"data\": \"" + B64 + "\"}",
            422,
            JSON_INVALID));
    cases.add(
        json(
            "nested too deep in another field",
            "{\"x\": " + "[".repeat(600) + "]".repeat(600) + ", \"data\": \"" + B64 + "\"}",
            422,
            JSON_INVALID));
    cases.add(
        json(
            "a raw line break in the string",
            data(B64.substring(0, 40) + "\n" + B64.substring(40)),
            422,
            JSON_INVALID));
    cases.add(
        json(
            "a raw tab in the string",
            data(B64.substring(0, 40) + "\t" + B64.substring(40)),
            422,
            JSON_INVALID));
    cases.add(
        json(
            "an unknown escape",
            data(B64.substring(0, 40) + "\\q" + B64.substring(40)),
            422,
            JSON_INVALID));
    cases.add(
        json(
            "a short unicode escape",
            data(B64.substring(0, 40) + "\\u12G4" + B64.substring(40)),
            422,
            JSON_INVALID));
    cases.add(json("an escape at the very end", "{\"data\": \"AAAA\\", 422, JSON_INVALID));
    cases.add(
        bytes(
            "invalid UTF-8 in the string",
            "application/json",
            concat(
                "{\"data\": \"AAAA".getBytes(),
                new byte[] {(byte) 0xC3, 0x41},
                (B64 + "\"}").getBytes()),
            422,
            JSON_INVALID));
    cases.add(
        bytes(
            "a lone continuation byte",
            "application/json",
            concat(
                "{\"data\": \"AAAA".getBytes(), new byte[] {(byte) 0x80}, (B64 + "\"}").getBytes()),
            422,
            JSON_INVALID));
    cases.add(
        bytes(
            "invalid UTF-8 after the object",
            "application/json",
            concat(data(B64).getBytes(), new byte[] {(byte) 0xFF}),
            422,
            JSON_INVALID));
    cases.add(
        bytes(
            "a NUL after the object",
            "application/json",
            concat(data(B64).getBytes(), new byte[] {0}),
            422,
            JSON_INVALID));
    cases.add(
        json(
            "broken JSON after invalid base64",
            "{\"data\": \"!!!\", \"x\": ]}",
            422,
            JSON_INVALID));

    // The data field.
    cases.add(json("no data", "{}", 422, MISSING_DATA));
    cases.add(json("data in capitals", "{\"Data\": \"" + B64 + "\"}", 422, MISSING_DATA));
    cases.add(
        json("data nested deeper", "{\"x\": {\"data\": \"" + B64 + "\"}}", 422, MISSING_DATA));
    cases.add(json("data null", "{\"data\": null}", 422, NOT_STRING));
    cases.add(json("data a number", "{\"data\": 12}", 422, NOT_STRING));
    cases.add(json("data true", "{\"data\": true}", 422, NOT_STRING));
    cases.add(json("data an array", "{\"data\": [\"" + B64 + "\"]}", 422, NOT_STRING));
    cases.add(json("data an object", "{\"data\": {\"data\": \"" + B64 + "\"}}", 422, NOT_STRING));
    cases.add(
        json("data deeply nested", "{\"data\": " + "[".repeat(10_000) + "}", 422, JSON_INVALID));
    cases.add(
        json(
            "a later data that is not a string",
            "{\"data\": \"" + B64 + "\", \"data\": 5}",
            422,
            NOT_STRING));

    // The string's content.
    cases.add(json("empty", data(""), 400, EMPTY_BASE64));
    cases.add(json("whitespace", data(" \\n "), 400, EMPTY_BASE64));
    cases.add(json("only stray characters", data("!!!***"), 400, EMPTY_BASE64));
    cases.add(json("one stray character", data("?"), 400, EMPTY_BASE64));
    cases.add(json("one character", data("A"), 400, INVALID_BASE64));
    cases.add(json("five characters", data("AAAAA"), 400, INVALID_BASE64));
    cases.add(json("padding only", data("===="), 400, INVALID_BASE64));
    cases.add(json("too much padding", data("AAA=="), 400, NOT_AN_IMAGE));
    cases.add(json("padding then a space", data("AA= ="), 400, INVALID_BASE64));
    cases.add(json("padding in the middle", data("AAAA=AAAA"), 400, INVALID_BASE64));
    cases.add(
        json(
            "padding mid-image",
            data(B64.substring(0, 8) + "==" + B64.substring(8)),
            400,
            INVALID_BASE64));
    cases.add(json("data after the padding", data("AA==AAAA"), 400, INVALID_BASE64));
    cases.add(json("stray characters after the padding", data("AA==!! \\n"), 400, NOT_AN_IMAGE));
    cases.add(json("text, not an image", data("aGVsbG8gd29ybGQ="), 400, NOT_AN_IMAGE));
    cases.add(
        json(
            "URL-safe alphabet", data(B64.replace('+', '-').replace('/', '_')), 400, NOT_AN_IMAGE));
    cases.add(json("a long string of A", data("A".repeat(900_000)), 400, NOT_AN_IMAGE));
    cases.add(
        json("a long string of stray characters", data("!".repeat(900_000)), 400, EMPTY_BASE64));
    cases.add(json("a long string of escapes", data("\\u0041".repeat(150_000)), 400, NOT_AN_IMAGE));
    cases.add(
        json(
            "a data URL of another type",
            data("data:text/html;base64," + B64),
            400,
            NOT_IMAGE_URL));
    cases.add(json("a data URL not in base64", data("data:image/png," + B64), 400, NOT_BASE64_URL));
    cases.add(
        json("a data URL without a comma", data("data:image/png;base64"), 400, NOT_BASE64_URL));
    cases.add(json("a data URL and nothing else", data("data:"), 400, NOT_BASE64_URL));
    cases.add(
        json(
            "a data URL with an empty payload", data("data:image/png;base64,"), 400, EMPTY_BASE64));
    cases.add(
        json(
            "a data URL with a long header",
            data("data:image/" + "x".repeat(100_000) + ";base64," + B64),
            200,
            OK));
    cases.add(
        json(
            "a data URL with a long other header",
            data("data:" + "x".repeat(100_000) + ";base64," + B64),
            400,
            NOT_IMAGE_URL));
    cases.add(
        json(
            "a data URL with an escaped comma",
            data("data:image/png;base64\\u002c" + B64),
            200,
            OK));
    cases.add(
        json("a data URL after an escape", data("\\u0020data:image/png;base64," + B64), 200, OK));
    cases.add(
        json(
            "a dotted capital I in the type",
            data("data:\\u0130mage/png;base64," + B64),
            400,
            NOT_IMAGE_URL));
    cases.add(
        json("a data URL of only spaces", data("data:   ;base64," + B64), 400, NOT_IMAGE_URL));

    // Not JSON at all.
    cases.add(bytes("text/plain", "text/plain", data(B64).getBytes(), 415, UNSUPPORTED));
    cases.add(bytes("application/xml", "application/xml", "<data/>".getBytes(), 415, UNSUPPORTED));
    cases.add(
        bytes(
            "form-encoded",
            "application/x-www-form-urlencoded",
            "data=x".getBytes(),
            415,
            UNSUPPORTED));
    cases.add(
        bytes("JSON sent as an image", "image/jpeg", data(B64).getBytes(), 400, NOT_AN_IMAGE));
    return cases.stream();
  }

  @ParameterizedTest
  @MethodSource("cases")
  void withAContentLength(Case c) {
    check(c, BodyPublishers.ofByteArray(c.body()));
  }

  /** The same without a length, which the service only learns at the end of the body. */
  @ParameterizedTest
  @MethodSource("cases")
  void chunked(Case c) {
    check(c, BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(c.body())));
  }

  private static void check(Case c, BodyPublisher body) {
    var request = server.request("/images/answers").POST(body);
    if (!c.type().isEmpty()) {
      request.header("Content-Type", c.type());
    }
    HttpResponse<String> response = server.send(request.build());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(c.status());
    if (c.expected().equals(OK)) {
      assertThat(response.body()).contains("\"width\":64,\"height\":48");
    } else {
      assertThat(response.body()).isEqualTo(c.expected());
      assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    }
  }

  /** The client declares more than it sends and closes its side: Tomcat's own 400. */
  @ParameterizedTest
  @MethodSource("cutShort")
  void aBodyCutShortIsA400(String sent) throws IOException {
    byte[] body = sent.getBytes(StandardCharsets.UTF_8);
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /images/answers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  + "Content-Length: "
                  + (body.length + 1000)
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      socket.shutdownOutput();
      String answer =
          new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(answer).startsWith("HTTP/1.1 400").contains("{\"detail\":\"Bad Request\"}");
    }
  }

  static Stream<Named<String>> cutShort() {
    return Stream.of(
        Named.of("in the data string", "{\"data\": \"" + B64.substring(0, 500)),
        Named.of("after the data string", data(B64).substring(0, B64.length() + 11)),
        Named.of("in another field", "{\"x\": [1, 2"),
        Named.of("broken JSON", "{\"data\": ]"),
        Named.of("nothing", ""));
  }

  // Bodies over the limit: raw sockets, since the service answers and closes without reading the
  // rest, which an HTTP client library reports as a broken pipe instead of reading the answer.

  @ParameterizedTest
  @MethodSource("oversized")
  void oversizedBodiesAre413WhateverTheyContain(String start) throws IOException {
    // Declared: refused before the body is read.
    String declared =
        "POST /images/answers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + "Content-Length: "
            + (LIMIT + 1)
            + "\r\n\r\n"
            + start;
    assertThat(answer(declared.getBytes(StandardCharsets.UTF_8), new byte[0])).endsWith(TOO_LARGE);
    // Chunked: known only once past the limit, even when the JSON broke long before.
    byte[] head =
        ("POST /images/answers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8);
    byte[] first = start.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream chunks = new ByteArrayOutputStream();
    chunks.writeBytes((Integer.toHexString(first.length) + "\r\n").getBytes());
    chunks.writeBytes(first);
    chunks.writeBytes("\r\n".getBytes());
    byte[] block = "A".repeat(0x10000).getBytes();
    for (int sent = 0; sent <= LIMIT; sent += block.length) {
      chunks.writeBytes("10000\r\n".getBytes());
      chunks.writeBytes(block);
      chunks.writeBytes("\r\n".getBytes());
    }
    chunks.writeBytes("0\r\n\r\n".getBytes());
    assertThat(answer(head, chunks.toByteArray())).endsWith(TOO_LARGE);
  }

  static Stream<Named<String>> oversized() {
    return Stream.of(
        Named.of("a data string", "{\"data\": \""),
        Named.of("broken JSON", "{\"data\": ]"),
        Named.of("a whole object, then more", data(B64) + " "),
        Named.of("another field", "{\"x\": \""),
        Named.of("not an object", "\""),
        Named.of("invalid base64", "{\"data\": \"==\", \"x\": \""));
  }

  /** The status line to the end of the answer to {@code head} and then {@code body}. */
  private static String answer(byte[] head, byte[] body) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      Thread writer =
          Thread.ofVirtual()
              .start(() -> {
                try {
                  out.write(head);
                  out.write(body);
                  out.flush();
                } catch (IOException closed) {
                  // expected: the service stops reading once the body is too large
                }
              });
      // Until the answer is complete: the service need not close the connection at once.
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      InputStream in = socket.getInputStream();
      try {
        for (int b;
            !answer.toString(StandardCharsets.UTF_8).endsWith("}") && (b = in.read()) != -1; ) {
          answer.write(b);
        }
      } catch (SocketException reset) {
        // a reset after the answer still leaves the answer
      }
      try {
        writer.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      String text = answer.toString(StandardCharsets.UTF_8);
      assertThat(text).startsWith("HTTP/1.1 413");
      return text;
    }
  }
}
