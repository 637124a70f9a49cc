package com.imageserving.api;

import com.imageserving.imaging.ImageInput;
import com.imageserving.imaging.InputBudget;
import com.imageserving.imaging.InputTooLargeException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads request bodies with a hard cap (refused with 413 as soon as the cap is passed, without
 * reading the rest) and checks JSON bodies field by field, answering validation errors in the
 * original's 422 shape.
 */
final class RequestBodies {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private RequestBodies() {}

  /**
   * A raw image body, streamed into native memory without passing through a Java array (see {@link
   * ImageInput}); the same limits as {@link #read}. The caller owns the result.
   */
  static ImageInput readImage(HttpServletRequest request, long limit, InputBudget budget)
      throws IOException {
    long declared = request.getContentLengthLong();
    if (declared > limit) {
      throw tooLarge(); // before the stream is even opened, as for every body
    }
    return readImage(request.getInputStream(), declared, limit, budget);
  }

  /** An image from a stream of {@code declared} bytes (-1: unknown), with 413 past the limit. */
  static ImageInput readImage(InputStream in, long declared, long limit, InputBudget budget)
      throws IOException {
    try {
      return ImageInput.read(in, declared, limit, budget);
    } catch (InputTooLargeException e) {
      throw tooLarge();
    }
  }

  static byte[] read(HttpServletRequest request, long limit) throws IOException {
    long declared = request.getContentLengthLong();
    if (declared > limit) {
      throw tooLarge();
    }
    InputStream in = request.getInputStream();
    if (declared >= 0) {
      byte[] body = in.readNBytes((int) declared);
      if (in.read() != -1) {
        throw tooLarge();
      }
      return body;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    for (int n; (n = in.read(buffer)) != -1; ) {
      total += n;
      if (total > limit) {
        throw tooLarge();
      }
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }

  /** Parses a JSON object body; anything else is a 422 like the original's. */
  static JsonNode jsonObject(byte[] body) {
    if (body.length == 0) {
      throw missing();
    }
    JsonNode node;
    try {
      node = JSON.readTree(body);
    } catch (JacksonException e) {
      throw jsonInvalid();
    }
    if (node == null || !node.isObject()) {
      throw notAnObject();
    }
    return node;
  }

  static String requiredString(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null) {
      throw missing(field);
    }
    if (!value.isString()) {
      throw notAString(field);
    }
    return value.asString();
  }

  static @Nullable String optionalString(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isString()) {
      throw notAString(field);
    }
    return value.asString();
  }

  // The original's answers (FastAPI/pydantic), shared by every JSON body.

  /** An empty body. */
  static ValidationError missing() {
    return ValidationError.of(List.of("body"), "Field required", "missing");
  }

  static ValidationError missing(String field) {
    return ValidationError.of(List.of("body", field), "Field required", "missing");
  }

  static ValidationError jsonInvalid() {
    return ValidationError.of(List.of("body"), "JSON decode error", "json_invalid");
  }

  /** Valid JSON, but not an object. */
  static ValidationError notAnObject() {
    return ValidationError.of(
        List.of("body"),
        "Input should be a valid dictionary or object to extract fields from",
        "model_attributes_type");
  }

  static ValidationError notAString(String field) {
    return ValidationError.of(
        List.of("body", field), "Input should be a valid string", "string_type");
  }

  static ApiException tooLarge() {
    return new ApiException(HttpStatus.CONTENT_TOO_LARGE, "Request body too large");
  }
}
