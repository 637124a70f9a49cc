package com.imageserving.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.imageserving.imaging.ImageInput;
import com.imageserving.imaging.InputBudget;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.mock.web.MockHttpServletRequest;

/** Raw image bodies stream into native memory under the same limits as every other body. */
class RequestBodiesTest {
  private static final InputBudget UNLIMITED = new InputBudget(Long.MAX_VALUE / 2);

  private static final long LIMIT = 300_000;

  /** A request whose declared length (-1: chunked) need not match what it sends. */
  private static MockHttpServletRequest request(byte[] body, long declared) {
    MockHttpServletRequest request =
        new MockHttpServletRequest("POST", "/images/ns") {
          @Override
          public long getContentLengthLong() {
            return declared;
          }

          @Override
          public int getContentLength() {
            return (int) declared;
          }
        };
    request.setContentType("image/png");
    request.setContent(body);
    return request;
  }

  private static byte[] body(int length) {
    byte[] data = new byte[length];
    new Random(length).nextBytes(data);
    return data;
  }

  private static void assert413(MockHttpServletRequest request) {
    ApiException e =
        catchThrowableOfType(
            ApiException.class, () -> RequestBodies.readImage(request, LIMIT, UNLIMITED).close());
    assertThat(e).as("refused").isNotNull();
    assertThat(e.status()).isEqualTo(HttpStatus.CONTENT_TOO_LARGE);
    assertThat(e.getMessage()).isEqualTo("Request body too large");
  }

  @Test
  void declaredAndChunkedBodiesWithinTheLimitAreRead() throws IOException {
    for (long declared : new long[] {200_000, -1}) {
      try (ImageInput input =
          RequestBodies.readImage(request(body(200_000), declared), LIMIT, UNLIMITED)) {
        assertThat(input.size()).isEqualTo(200_000);
      }
    }
  }

  @Test
  void aDeclaredLengthOverTheLimitIs413WithoutReading() throws IOException {
    MockHttpServletRequest request = request(body(10), LIMIT + 1);
    assert413(request);
    ServletInputStream in = request.getInputStream();
    assertThat(in.read()).as("the body is left unread").isNotEqualTo(-1);
  }

  @Test
  void chunkedBodiesPastTheLimitAre413() {
    assert413(request(body((int) LIMIT + 1), -1));
  }

  @Test
  void bodiesLongerThanDeclaredAre413() {
    assert413(request(body(1001), 1000));
  }

  @Test
  void anEmptyBodyIsAnEmptyInput() throws IOException {
    // The pipeline then answers 400 "Data is not a recognised image", as before.
    for (long declared : new long[] {0, -1}) {
      try (ImageInput input =
          RequestBodies.readImage(request(new byte[0], declared), LIMIT, UNLIMITED)) {
        assertThat(input.size()).isZero();
      }
    }
  }
}
