package com.imageserving;

import com.imageserving.config.ConfigException;
import com.imageserving.config.ImagingSettings;
import com.imageserving.config.OutputFormat;
import com.imageserving.config.Settings;
import com.imageserving.fetch.ProxyPools;
import com.imageserving.imaging.vips.Saver;
import com.imageserving.imaging.vips.Vips;
import com.imageserving.imaging.vips.VipsUnavailableException;
import com.imageserving.variants.Presets;

/** Checks that must pass before Spring starts; each failure is one line (a ConfigException). */
final class StartupChecks {
  private StartupChecks() {}

  static void run(Settings settings) {
    checkVips(settings.imaging());
    ProxyPools.validate(settings.fetch());
    Presets.of(settings.variants().presets());
    if (settings.variants().autoAvif()) {
      checkAvif(settings.imaging(), "AUTO_AVIF");
    }
  }

  /** AVIF answers need libvips' heifsave, as an AVIF OUTPUT_FORMAT does. */
  static void checkAvif(ImagingSettings imaging, String variable) {
    Vips vips = Vips.load(imaging.vipsLibrary());
    if (!vips.hasOperation(Saver.AVIF.nickname())) {
      throw new ConfigException(
          variable,
          "avif needs libvips built with libheif (heifsave), which libvips "
              + vips.version()
              + " here lacks");
    }
  }

  /** libvips must load, be recent enough, and be able to write the configured output format. */
  static void checkVips(ImagingSettings imaging) {
    Vips vips;
    try {
      vips = Vips.load(imaging.vipsLibrary());
    } catch (VipsUnavailableException e) {
      throw new ConfigException("VIPS_LIBRARY", String.valueOf(e.getMessage()));
    }
    if (imaging.outputFormat() == OutputFormat.AVIF && !vips.hasOperation(Saver.AVIF.nickname())) {
      throw new ConfigException(
          "OUTPUT_FORMAT",
          "avif needs libvips built with libheif (heifsave), which libvips "
              + vips.version()
              + " here lacks; choose jpeg, webp or png");
    }
  }
}
