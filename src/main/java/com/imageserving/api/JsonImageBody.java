package com.imageserving.api;

import com.imageserving.imaging.Base64Input;
import com.imageserving.imaging.ImageInput;
import com.imageserving.imaging.InputBudget;
import com.imageserving.imaging.InvalidBase64Exception;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.json.UTF8StreamJsonParser;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON form of an upload, {@code {"data": base64}}, read as it streams in: the {@code data}
 * string is decoded straight into native memory ({@link Base64Input}) and is never on the Java heap
 * whole, not as the body, the text, nor the decoded image.
 *
 * <p>The answers are those of reading the whole body and then parsing it: 413 past the limit (even
 * when the JSON broke early on), 422 for anything but a JSON object with a string {@code data} (the
 * last one when the key comes twice), 400 for text that is not base64 of an image.
 *
 * <p>How: Jackson's streaming parser reads the structure. At a string value of the top-level object
 * it has read only the opening quote (Jackson reads strings lazily); what it buffered beyond goes
 * back to the body, {@link JsonStringReader} reads the string, and a new parser goes on after it,
 * started on {@code {"":""} so that it is inside the object as the first one was. Other values are
 * read by Jackson's tree reader as before, so they are accepted and refused as before. A body in
 * UTF-16 or UTF-32 (Jackson detects those) is parsed by Jackson alone, its data string on the
 * heap: a slow path for what no client sends.
 */
final class JsonImageBody implements AutoCloseable {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** A whole document, as JsonMapper.readTree reads one. */
  private static final ObjectReader DOCUMENT = JSON.readerFor(JsonNode.class);

  /** One value inside the document. */
  private static final ObjectReader VALUE =
      DOCUMENT.without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** What a parser continuing after a string value of the top-level object starts on. */
  private static final byte[] INSIDE_OBJECT = "{\"\":\"\"".getBytes(StandardCharsets.US_ASCII);

  private enum Data {
    MISSING,
    STRING,
    NOT_A_STRING
  }

  private final BodySource body;
  private final long maxLength;
  private final InputBudget budget;
  private final JsonStringReader strings = new JsonStringReader(JSON);
  private @Nullable Base64Input data;
  private Data state = Data.MISSING;
  private boolean empty;
  private boolean object = true;

  private JsonImageBody(BodySource body, long maxLength, InputBudget budget) {
    this.body = body;
    this.maxLength = maxLength;
    this.budget = budget;
  }

  /**
   * The image of a JSON upload body, in native memory; the caller owns it.
   *
   * @param limit the most bytes the body may have (413 past it)
   * @param budget where the decoded image's memory is reserved (503 when spent)
   */
  static ImageInput read(HttpServletRequest request, long limit, InputBudget budget)
      throws IOException {
    long declared = request.getContentLengthLong();
    if (declared > limit) {
      throw RequestBodies.tooLarge(); // before the stream is even opened, as for every body
    }
    BodySource body = new BodySource(request.getInputStream(), limit);
    try (JsonImageBody reader = new JsonImageBody(body, declared >= 0 ? declared : limit, budget)) {
      reader.parse();
      return reader.image();
    } catch (BodySource.TooLargeException e) {
      throw RequestBodies.tooLarge();
    }
  }

  private void parse() throws IOException {
    try {
      document();
    } catch (JacksonException | JsonStringReader.MalformedException e) {
      IOException failure = body.failure();
      if (failure != null) {
        throw failure; // the body's own (too large, client gone), which Jackson wrapped
      }
      // The whole body was read before it was parsed: one over the limit was 413 whatever it held.
      body.drain();
      throw RequestBodies.jsonInvalid();
    }
  }

  private void document() throws IOException {
    JsonParser parser = JSON.createParser(body);
    try {
      JsonToken token = parser.nextToken();
      if (token == null) {
        empty = body.received() == 0; // else only whitespace: not an object
        object = false;
        return;
      }
      if (token != JsonToken.START_OBJECT) {
        DOCUMENT.readValue(parser); // checks it is valid JSON, trailing tokens included
        object = false;
        return;
      }
      while ((token = parser.nextToken()) != JsonToken.END_OBJECT) {
        if (token != JsonToken.PROPERTY_NAME) {
          throw new JsonStringReader.MalformedException();
        }
        boolean isData = "data".equals(parser.currentName());
        token = parser.nextToken();
        if (token == JsonToken.VALUE_STRING && parser instanceof UTF8StreamJsonParser) {
          parser = readString(parser, isData ? dataString() : null);
        } else if (token == JsonToken.VALUE_STRING) {
          String text = parser.getString();
          if (isData) {
            dataString().append(text);
          }
        } else {
          VALUE.readValue(parser);
          if (isData) {
            notAString();
          }
        }
      }
      if (parser.nextToken() != null) {
        throw new JsonStringReader.MalformedException(); // as FAIL_ON_TRAILING_TOKENS has it
      }
    } finally {
      parser.close();
    }
  }

  /**
   * Reads the string whose opening quote {@code parser} has just read; the parser to go on with.
   */
  private JsonParser readString(JsonParser parser, @Nullable Base64Input sink) throws IOException {
    ByteArrayOutputStream ahead = new ByteArrayOutputStream(8192);
    parser.releaseBuffered(ahead);
    parser.close();
    body.unread(ahead.toByteArray(), 0, ahead.size());
    strings.read(body, sink);
    body.unread(INSIDE_OBJECT, 0, INSIDE_OBJECT.length);
    JsonParser next = JSON.createParser(body);
    next.nextToken(); // {
    next.nextToken(); // "":
    next.nextToken(); // "", whose closing quote it reads next
    return next;
  }

  private Base64Input dataString() {
    Base64Input text = data;
    if (text == null) {
      text = data = Base64Input.start(maxLength, budget);
    } else {
      text.restart();
    }
    state = Data.STRING;
    return text;
  }

  private void notAString() {
    state = Data.NOT_A_STRING;
    if (data != null) {
      data.restart();
    }
  }

  private ImageInput image() {
    if (empty) {
      throw RequestBodies.missing();
    }
    if (!object) {
      throw RequestBodies.notAnObject();
    }
    return switch (state) {
      case MISSING -> throw RequestBodies.missing("data");
      case NOT_A_STRING -> throw RequestBodies.notAString("data");
      case STRING -> {
        try {
          yield Objects.requireNonNull(data).finish();
        } catch (InvalidBase64Exception e) {
          throw new ApiException(HttpStatus.BAD_REQUEST, String.valueOf(e.getMessage()));
        }
      }
    };
  }

  /** Frees the image's memory unless it was handed on. */
  @Override
  public void close() {
    if (data != null) {
      data.close();
    }
  }
}
