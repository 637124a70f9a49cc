package com.imageserving;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import sun.misc.Signal;

/**
 * SIGTERM is how orchestrators ask a service to stop, so stopping on it is success: exit 0, not the
 * JVM's default 143. The JVM's own handler would run the shutdown hooks (Spring's graceful shutdown
 * included) and then exit 143, and a hook cannot change that status; so this replaces the handler:
 * close the context (stop accepting, finish in-flight requests within the grace period) and then
 * exit with Spring's exit code, 0 unless something failed.
 */
final class ExitOnTerm {
  private static final Logger log = LoggerFactory.getLogger(ExitOnTerm.class);

  private ExitOnTerm() {}

  static void install(ConfigurableApplicationContext context) {
    try {
      Signal.handle(
          new Signal("TERM"),
          signal -> {
            log.info("SIGTERM: finishing in-flight requests, then exiting");
            // SIGTERM handlers run on a thread of their own: closing here blocks nothing else.
            System.exit(SpringApplication.exit(context));
          });
    } catch (IllegalArgumentException unsupported) {
      // No SIGTERM on this platform (or -Xrs): the JVM's default behaviour stays.
      log.debug("cannot handle SIGTERM here: {}", unsupported.getMessage());
    }
  }
}
