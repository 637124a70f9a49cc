package com.imageserving;

import com.imageserving.config.ConfigException;
import com.imageserving.config.Settings;
import com.imageserving.config.SpringProperties;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;

/**
 * Entry point. Settings are read and validated before Spring starts, so a bad value stops the
 * process with one line naming the variable instead of a wall of stack traces.
 */
@SpringBootApplication
public class Application {

  public static void main(String[] args) {
    Settings settings;
    try {
      settings = Settings.fromEnvironment();
      StartupChecks.run(settings);
    } catch (ConfigException e) {
      System.err.println("Invalid configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    ExitOnTerm exit = ExitOnTerm.install();
    exit.started(start(settings, args));
  }

  /**
   * Runs the service. Spring would read the DEBUG variable as its own {@code debug} switch
   * (condition reports, debug-level framework logs); ours only means human-readable logs, and
   * LOG_LEVEL sets the level, so Spring's is turned off on the command line, which outranks it.
   */
  public static ConfigurableApplicationContext start(Settings settings, String... args) {
    return run(application(settings), args);
  }

  /** Runs an application made by {@link #application}, which tests may add beans to first. */
  public static ConfigurableApplicationContext run(SpringApplication application, String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--debug=false";
    all[1] = "--trace=false";
    System.arraycopy(args, 0, all, 2, args.length);
    return application.run(all);
  }

  /** The Spring application for these settings; tests start it the same way. */
  public static SpringApplication application(Settings settings) {
    SpringApplication app = new SpringApplication(Application.class);
    app.setDefaultProperties(SpringProperties.from(settings));
    app.addInitializers(context -> {
      GenericApplicationContext generic = (GenericApplicationContext) context;
      generic.registerBean(Settings.class, () -> settings);
      generic.registerBean(com.imageserving.config.ServerSettings.class, settings::server);
      generic.registerBean(com.imageserving.config.StorageSettings.class, settings::storage);
      generic.registerBean(com.imageserving.config.ImagingSettings.class, settings::imaging);
      generic.registerBean(com.imageserving.config.FetchSettings.class, settings::fetch);
      generic.registerBean(com.imageserving.config.VariantSettings.class, settings::variants);
    });
    return app;
  }
}
