package com.imageserving.imaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.config.OutputFormat;
import com.imageserving.support.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * No output format carries the input's EXIF, GPS, XMP, IPTC or ICC data. Checked by reading the
 * output's container (ContainerMetadata), not by asking libvips.
 */
class MetadataStrippingTest {

  @Test
  void theInputCarriesEveryKindOfMetadata() {
    // gps.jpg: EXIF with GPS and Artist, XMP, IPTC (make-fixtures.sh); the reader must see them.
    assertThat(ContainerMetadata.found(TestImages.fixture("gps.jpg")))
        .contains("JPEG APP1 Exif", "JPEG APP1 http://ns.adobe.com/xap/1.0/", "JPEG APP13 (IPTC)");
  }

  @ParameterizedTest
  @EnumSource(OutputFormat.class)
  void everyOutputFormatIsFreeOfMetadata(OutputFormat format) {
    for (String input : new String[] {"gps.jpg", "orientation-6.jpg", "cmyk.jpg", "input.webp"}) {
      byte[] out =
          TestImages.processor(format)
              .process(ImageInput.copyOf(TestImages.fixture(input)), 1200)
              .data();
      assertThat(ContainerMetadata.found(out)).as(input + " as " + format).isEmpty();
      assertThat(TestImages.contains(out, "Secret")).as(input + " as " + format).isFalse();
    }
  }

  @Test
  void webpMetadataChunksAreRemovedAndTheRestKept() {
    byte[] out =
        TestImages.processor(OutputFormat.WEBP)
            .process(ImageInput.copyOf(TestImages.fixture("gps.jpg")), 1200)
            .data();
    // Still a valid, decodable WebP of the same size after the container was rewritten.
    byte[] again =
        TestImages.processor(OutputFormat.PNG).process(ImageInput.copyOf(out), 1200).data();
    assertThat(TestImages.decode(again).getWidth()).isEqualTo(64);
    assertThat(ContainerMetadata.found(out)).isEmpty();
  }
}
