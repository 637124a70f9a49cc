package com.imageserving.api;

import java.util.List;
import org.springframework.http.HttpStatus;

/**
 * A request-validation failure in the original's shape: {@code 422 {"detail": [{"loc", "msg",
 * "type"}]}}.
 */
public final class ValidationError extends ApiException {
  private final List<Item> items;

  public ValidationError(List<Item> items) {
    super(HttpStatus.UNPROCESSABLE_CONTENT, "validation error");
    this.items = List.copyOf(items);
  }

  public static ValidationError of(List<Object> loc, String msg, String type) {
    return new ValidationError(List.of(new Item(loc, msg, type)));
  }

  public List<Item> items() {
    return items;
  }

  /** One failed rule: where ({@code ["body", "data"]}), what, and a machine-readable type. */
  public record Item(List<Object> loc, String msg, String type) {}
}
