package com.imageserving.storage;

import com.imageserving.config.ImagingSettings;
import com.imageserving.config.S3Settings;
import com.imageserving.config.StorageSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;

/**
 * Picks the storage backend named by {@code STORAGE_BACKEND}. Spring calls {@code close()} on the
 * S3 store at shutdown, which releases the client's connection pool.
 */
@Configuration(proxyBeanMethods = false)
public class StorageConfig {

  @Bean
  ImageStore imageStore(
      StorageSettings settings,
      ImagingSettings imaging,
      MeterRegistry metrics,
      ObjectProvider<ExecutionInterceptor> interceptors) {
    return switch (settings.backend()) {
      case LOCAL -> new LocalImageStore(settings.uploadsPath());
      case S3 ->
          s3Store(
              settings.s3(),
              imaging.outputFormat().extension(),
              Stream.concat(Stream.of(new S3RequestMetrics(metrics)), interceptors.orderedStream())
                  .toList());
    };
  }

  /**
   * Uploads are stored in OUTPUT_FORMAT, so its extension is looked for first. Every S3 request is
   * counted in the metrics, and seen by any interceptor in the context (tests count them too).
   */
  private static S3ImageStore s3Store(
      S3Settings settings, String preferredExtension, List<ExecutionInterceptor> interceptors) {
    // Settings already refuse the s3 backend without a bucket.
    String bucket = Objects.requireNonNull(settings.bucket(), "S3_BUCKET");
    S3ImageStore store =
        new S3ImageStore(
            S3Clients.build(settings, interceptors),
            bucket,
            settings.prefix(),
            settings.variantsPrefix(),
            Region.of(settings.region()),
            preferredExtension);
    store.ensureBucket();
    return store;
  }
}
