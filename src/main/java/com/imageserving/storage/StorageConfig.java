package com.imageserving.storage;

import com.imageserving.config.StorageSettings;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Picks the storage backend named by {@code STORAGE_BACKEND}. */
@Configuration(proxyBeanMethods = false)
public class StorageConfig {

  @Bean
  ImageStore imageStore(StorageSettings settings) {
    return switch (settings.backend()) {
      case LOCAL -> new LocalImageStore(settings.uploadsPath());
      case S3 -> throw new IllegalStateException("the S3 backend arrives with issue 6");
    };
  }
}
