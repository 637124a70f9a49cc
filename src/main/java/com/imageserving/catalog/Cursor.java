package com.imageserving.catalog;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * The opaque {@code next}/{@code after} of a listing: base64url of a kind marker and the storage's
 * position (a name, see ImageStore.Listing). The marker keeps a namespace listing's cursor from
 * being used on an image listing; anything that does not decode to what {@link #encode} makes is
 * refused, so no client string reaches storage unchecked.
 */
public enum Cursor {
  NAMESPACES("n:"),
  IMAGES("i:");

  // A position is a name or key from our own listing; S3 keys are at most 1,024 bytes.
  private static final int MAX_POSITION = 1100;
  private final String marker;

  Cursor(String marker) {
    this.marker = marker;
  }

  public String encode(String position) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((marker + position).getBytes(StandardCharsets.UTF_8));
  }

  /** The position, or empty when the cursor is not one this kind of listing made. */
  public Optional<String> decode(String cursor) {
    if (cursor.isEmpty() || cursor.length() > 2 * MAX_POSITION) {
      return Optional.empty();
    }
    String text;
    try {
      byte[] bytes = Base64.getUrlDecoder().decode(cursor);
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (IllegalArgumentException | CharacterCodingException e) {
      return Optional.empty();
    }
    if (!text.startsWith(marker) || text.length() == marker.length()) {
      return Optional.empty();
    }
    String position = text.substring(marker.length());
    if (position.length() > MAX_POSITION || position.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      return Optional.empty();
    }
    return Optional.of(position);
  }
}
