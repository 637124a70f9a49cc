package com.imageserving;

import com.imageserving.config.ConfigException;
import com.imageserving.config.Settings;
import com.imageserving.config.SpringProperties;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
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
    application(settings).run(args);
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
    });
    return app;
  }
}
