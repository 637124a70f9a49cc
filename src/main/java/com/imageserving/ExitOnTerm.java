package com.imageserving;

import org.jspecify.annotations.Nullable;
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
 *
 * <p>The handler is installed before the service starts: the port accepts connections before
 * start-up returns, and a SIGTERM in between must not get the JVM's 143 either. One that comes
 * while the service is still starting is carried out as soon as it has started.
 */
final class ExitOnTerm {
  private static final Logger log = LoggerFactory.getLogger(ExitOnTerm.class);

  private @Nullable ConfigurableApplicationContext context;
  private boolean requested;

  private ExitOnTerm() {}

  static ExitOnTerm install() {
    ExitOnTerm exit = new ExitOnTerm();
    try {
      Signal.handle(new Signal("TERM"), signal -> exit.requested());
    } catch (IllegalArgumentException unsupported) {
      // No SIGTERM on this platform (or -Xrs): the JVM's default behaviour stays.
      log.debug("cannot handle SIGTERM here: {}", unsupported.getMessage());
    }
    return exit;
  }

  /** The service has started: a SIGTERM from now on (or one already received) stops it. */
  void started(ConfigurableApplicationContext started) {
    boolean stopNow;
    synchronized (this) {
      context = started;
      stopNow = requested;
    }
    if (stopNow) {
      exit(started);
    }
  }

  private void requested() {
    log.info("SIGTERM: finishing in-flight requests, then exiting");
    ConfigurableApplicationContext running;
    synchronized (this) {
      requested = true;
      running = context;
    }
    if (running != null) {
      exit(running);
    }
  }

  private static void exit(ConfigurableApplicationContext context) {
    // Graceful: stop accepting, let in-flight requests finish, then exit with Spring's code.
    System.exit(SpringApplication.exit(context));
  }
}
