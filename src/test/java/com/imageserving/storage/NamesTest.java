package com.imageserving.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The allow-lists of API.md §1, checked by hand for speed: they must accept exactly what their
 * regexes (kept here as the reference) accept, on every short string over an alphabet of edge
 * characters and at the length limits.
 */
class NamesTest {
  private static final Pattern NAMESPACE =
      Pattern.compile("[A-Za-z0-9_\\-][A-Za-z0-9_.\\-]{0,127}");
  private static final Pattern IMAGE_ID = Pattern.compile("[A-Za-z0-9_\\-]{1,128}");
  private static final Pattern VARIANT_KEY = Pattern.compile("[0-9a-z_\\-]{1,64}");
  // Edges of every class, and what lies just outside them.
  private static final String ALPHABET = "AZaz09_-./@[`{:\u00e9\u0131\n%+ ";

  private static List<String> samples() {
    List<String> all = new ArrayList<>();
    all.add("");
    List<String> previous = List.of("");
    for (int length = 1; length <= 3; length++) {
      List<String> next = new ArrayList<>();
      for (String prefix : previous) {
        for (char c : ALPHABET.toCharArray()) {
          next.add(prefix + c);
        }
      }
      all.addAll(next);
      previous = next;
    }
    for (int length : new int[] {63, 64, 65, 127, 128, 129}) {
      for (String fill : new String[] {"a", "Z", "9", "-", "_", "."}) {
        all.add(fill.repeat(length));
        all.add("a" + fill.repeat(length - 1));
        all.add("a" + fill.repeat(length - 2) + "/");
      }
    }
    all.add("a\uD83D\uDE00b"); // a character outside the BMP
    return all;
  }

  @Test
  void namesAreCheckedExactlyAsTheirPatternsSay() {
    List<String> samples = samples();
    assertThat(samples).hasSizeGreaterThan(9_000);
    for (String s : samples) {
      assertThat(Names.validNamespace(s))
          .as("namespace %s", s)
          .isEqualTo(NAMESPACE.matcher(s).matches() && !s.contains(".."));
      assertThat(Names.validImageId(s))
          .as("image id %s", s)
          .isEqualTo(IMAGE_ID.matcher(s).matches());
      assertThat(Names.validVariantKey(s))
          .as("variant key %s", s)
          .isEqualTo(VARIANT_KEY.matcher(s).matches());
    }
  }
}
