package com.imageserving.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The files this process has open, read from /proc/self/fd (Linux): for leak checks. */
public final class OpenFiles {
  private OpenFiles() {}

  /** The open files under {@code dir} (a real path: /proc shows links resolved). */
  public static List<Path> under(Path dir) throws IOException {
    List<Path> open = new ArrayList<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : fds.toList()) {
        try {
          Path target = Files.readSymbolicLink(fd);
          if (target.startsWith(dir)) {
            open.add(target);
          }
        } catch (IOException e) {
          // closed while listed
        }
      }
    }
    return open;
  }
}
