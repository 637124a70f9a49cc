package com.imageserving.support;

import java.util.Base64;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** JSON for tests: the upload body the API takes, and reading what it answers. */
public final class Json {
  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private Json() {}

  /** The JSON upload body {@code {"data": "<base64 of image>"}}. */
  public static String upload(byte[] image) {
    return "{\"data\": \"" + Base64.getEncoder().encodeToString(image) + "\"}";
  }

  public static JsonNode read(String json) {
    return MAPPER.readTree(json);
  }
}
