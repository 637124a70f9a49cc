package com.imageserving.variants;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.config.OutputFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keys remembered per distinct options: the same keys as computed each time, and bounded. */
class VariantKeysTest {
  private static final PathOptionsParser PARSER =
      new PathOptionsParser(Presets.of(java.util.Map.of()), false);

  private static VariantOptions resolved(String options) {
    return PARSER.parse(List.of(options.split("/")), "").with(OutputFormat.JPEG, 85);
  }

  @Test
  void rememberedKeysAreTheComputedOnes() {
    VariantKeys keys = new VariantKeys(4096);
    for (String options : List.of("w:200", "w:200/rt:fill", "w:201", "w:200/q:80", "g:sm/w:5")) {
      VariantOptions resolved = resolved(options);
      String first = keys.of(resolved);
      assertThat(first).isEqualTo(VariantKey.of(resolved, 4096));
      assertThat(keys.of(resolved(options))).isEqualTo(first); // remembered: the same
    }
    assertThat(new VariantKeys(2048).of(resolved("w:200")))
        .isEqualTo(VariantKey.of(resolved("w:200"), 2048))
        .isNotEqualTo(keys.of(resolved("w:200")));
  }

  @Test
  void urlOnlyPartsShareOneEntry() {
    VariantKeys keys = new VariantKeys(4096);
    String key = keys.of(resolved("w:200"));
    assertThat(keys.of(resolved("w:200/cb:1/exp:4102444800"))).isEqualTo(key);
    assertThat(keys.of(resolved("w:200/cb:2"))).isEqualTo(key);
    assertThat(keys.size()).isEqualTo(1);
  }

  @Test
  void boundedWhateverIsAsked() {
    VariantKeys keys = new VariantKeys(4096);
    for (int width = 1; width <= 3 * VariantKeys.MAX_ENTRIES; width++) {
      VariantOptions resolved = resolved("w:" + width);
      assertThat(keys.of(resolved)).isEqualTo(VariantKey.of(resolved, 4096));
      assertThat(keys.size()).isLessThanOrEqualTo(VariantKeys.MAX_ENTRIES);
    }
  }
}
