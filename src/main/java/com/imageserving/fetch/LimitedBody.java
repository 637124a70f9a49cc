package com.imageserving.fetch;

import java.io.IOException;
import okhttp3.Call;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;

/**
 * Reads a response body up to a byte limit. A declared {@code Content-Length} over the limit is
 * refused before reading; otherwise reading stops at the first byte past the limit, so at most
 * {@code limit + 1} bytes are ever held. Cancelling the call closes the socket at once instead of
 * letting OkHttp drain the rest of the body to reuse the connection.
 */
final class LimitedBody {

  private static final long CHUNK = 8192;

  private LimitedBody() {}

  static byte[] read(Call call, ResponseBody body, long limit) throws IOException, FetchException {
    if (body.contentLength() > limit) {
      call.cancel();
      throw tooLarge();
    }
    BufferedSource source = body.source();
    Buffer buffer = new Buffer();
    while (true) {
      long room = limit + 1 - buffer.size();
      if (source.read(buffer, Math.min(CHUNK, room)) == -1) {
        return buffer.readByteArray();
      }
      if (buffer.size() > limit) {
        call.cancel();
        throw tooLarge();
      }
    }
  }

  private static FetchException tooLarge() {
    return new FetchException(
        FetchException.Kind.TOO_LARGE, "Image exceeds the maximum fetch size");
  }
}
