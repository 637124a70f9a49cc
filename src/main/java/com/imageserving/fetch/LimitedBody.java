package com.imageserving.fetch;

import java.io.IOException;
import java.io.InputStream;
import okhttp3.Call;
import okhttp3.ResponseBody;

/**
 * Hands a response body to its {@link BodyReader} under a byte limit. A declared {@code
 * Content-Length} over the limit is refused before reading; otherwise the reader's stream fails at
 * the first byte past the limit, so at most {@code limit + 1} bytes are ever read. Cancelling the
 * call closes the socket at once instead of letting OkHttp drain the rest of the body to reuse the
 * connection.
 */
final class LimitedBody {

  private LimitedBody() {}

  /** What the reader threw that is neither the network's nor the limit's, passed on as it is. */
  static final class ReaderFailure extends RuntimeException {
    private final RuntimeException failure;

    ReaderFailure(RuntimeException failure) {
      super(failure.getMessage(), failure, false, false);
      this.failure = failure;
    }

    RuntimeException failure() {
      return failure;
    }
  }

  static <T> T read(Call call, ResponseBody body, long limit, BodyReader<T> reader)
      throws IOException, FetchException {
    long declared = body.contentLength();
    if (declared > limit) {
      call.cancel();
      throw tooLarge();
    }
    Limited in = new Limited(body.byteStream(), limit);
    try {
      return reader.read(in, declared, limit);
    } catch (IOException e) {
      if (in.passed) {
        call.cancel();
        throw tooLarge();
      }
      throw e;
    } catch (RuntimeException e) {
      call.cancel();
      if (in.passed) {
        throw tooLarge();
      }
      throw new ReaderFailure(e);
    }
  }

  private static FetchException tooLarge() {
    return new FetchException(
        FetchException.Kind.TOO_LARGE, "Image exceeds the maximum fetch size");
  }

  /** The body, failing at its {@code limit + 1}st byte. */
  private static final class Limited extends InputStream {
    private final InputStream in;
    private final long limit;
    private long count;
    boolean passed;

    Limited(InputStream in, long limit) {
      this.in = in;
      this.limit = limit;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      int n = in.read(b, off, (int) Math.min(len, limit + 1 - count));
      if (n > 0) {
        count += n;
        if (count > limit) {
          passed = true;
          throw new IOException("Body over " + limit + " bytes");
        }
      }
      return n;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
