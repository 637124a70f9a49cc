package com.imageserving;

import com.imageserving.config.Settings;

/** Checks that must pass before Spring starts; each failure is one line (a ConfigException). */
final class StartupChecks {
  private StartupChecks() {}

  static void run(Settings settings) {
    // The native image library is checked here once imaging lands (issue 3).
  }
}
