package com.imageserving.imaging;

import static com.imageserving.imaging.Specs.spec;
import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.imaging.Layout.Region;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The render geometry (imgproxy's rules) as plain arithmetic; the pixel tests in {@link RenderTest}
 * check that libvips makes what it plans.
 */
class LayoutTest {

  /** Result sizes of a 1200×900 source: every resizing type with width, height or both. */
  @ParameterizedTest(name = "{0} {1}x{2} -> {3}x{4}")
  @CsvSource({
    "FIT, 320, 0, 320, 240",
    "FIT, 0, 240, 320, 240",
    "FIT, 320, 320, 320, 240",
    "FIT, 320, 100, 133, 100",
    "FIT, 0, 0, 1200, 900",
    "FILL, 320, 320, 320, 320",
    "FILL, 320, 0, 320, 240",
    "FILL, 0, 240, 320, 240",
    "FILL, 100, 300, 100, 300",
    "FILL_DOWN, 320, 320, 320, 320",
    "FILL_DOWN, 320, 0, 320, 240",
    "FORCE, 320, 100, 320, 100",
    "FORCE, 320, 0, 320, 900",
    "FORCE, 0, 100, 1200, 100",
    "AUTO, 400, 300, 400, 300",
    "AUTO, 400, 200, 400, 200",
    "AUTO, 300, 400, 300, 225",
    "AUTO, 320, 0, 320, 240",
  })
  void resizingTypes(ResizingType type, int width, int height, int outWidth, int outHeight) {
    Layout layout = Layout.of(spec(type, width, height).build(), 1200, 900);
    assertThat(layout.width()).isEqualTo(outWidth);
    assertThat(layout.height()).isEqualTo(outHeight);
  }

  @Test
  void fillResizesToCoverThenCropsTheBox() {
    Layout layout = Layout.of(spec(ResizingType.FILL, 300, 300).build(), 1200, 900);
    assertThat(layout.crop()).isNull();
    assertThat(layout.scaledWidth()).isEqualTo(400);
    assertThat(layout.scaledHeight()).isEqualTo(300);
    assertThat(layout.resultCrop()).isEqualTo(new Region(50, 0, 300, 300, false));
  }

  @ParameterizedTest(name = "{0}: {1}x{2} of 100x50 -> {3}x{4}")
  @CsvSource({
    "FIT, 400, 0, false, 100, 50",
    "FIT, 400, 0, true, 400, 200",
    "FIT, 400, 400, true, 400, 200",
    "FILL, 200, 200, false, 100, 50",
    "FILL, 200, 200, true, 200, 200",
    "FILL_DOWN, 200, 200, false, 50, 50",
    "FILL_DOWN, 200, 100, false, 100, 50",
    "FILL_DOWN, 400, 100, false, 100, 25",
    "FORCE, 400, 100, false, 100, 25",
    "FORCE, 400, 100, true, 400, 100",
  })
  void smallSourcesAreEnlargedOnlyWhenAsked(
      ResizingType type, int width, int height, boolean enlarge, int outWidth, int outHeight) {
    Specs specs = spec(type, width, height);
    if (enlarge) {
      specs.enlarge();
    }
    Layout layout = Layout.of(specs.build(), 100, 50);
    assertThat(layout.width()).isEqualTo(outWidth);
    assertThat(layout.height()).isEqualTo(outHeight);
  }

  @ParameterizedTest(name = "{0}x{1} dpr {2} enlarge {3} -> {4}x{5}")
  @CsvSource({
    "160, 0, 2, false, 320, 240",
    "160, 120, 2, false, 320, 240",
    "800, 0, 2, false, 1200, 900",
    "800, 0, 2, true, 1600, 1200",
    "0, 0, 2, false, 1200, 900",
    "0, 0, 2, true, 2400, 1800",
  })
  void dprMultipliesTheBoxButNeverEnlargesUnlessAsked(
      int width, int height, double dpr, boolean enlarge, int outWidth, int outHeight) {
    Specs specs = spec(ResizingType.FIT, width, height).dpr(dpr);
    if (enlarge) {
      specs.enlarge();
    }
    Layout layout = Layout.of(specs.build(), 1200, 900);
    assertThat(layout.width()).isEqualTo(outWidth);
    assertThat(layout.height()).isEqualTo(outHeight);
  }

  @Test
  void dprOnFillKeepsTheBoxShapeWhenTheSourceIsTooSmall() {
    // 2 × 400×400 cannot be had from 600×450 without enlarging: the box shrinks, shape kept.
    Layout layout = Layout.of(spec(ResizingType.FILL, 400, 400).dpr(2).build(), 600, 450);
    assertThat(layout.width()).isEqualTo(450);
    assertThat(layout.height()).isEqualTo(450);
  }

  @ParameterizedTest(name = "{0}x{1} enlarge, max {2} -> {3}x{4}")
  @CsvSource({
    "0, 0, 1000, 1000, 750",
    "5000, 0, 4096, 4096, 3072",
    "2000, 500, 1000, 1000, 250",
    "600, 0, 1000, 600, 450",
  })
  void neverAboveMaxDimension(int width, int height, int max, int outWidth, int outHeight) {
    Specs specs =
        spec(height == 0 ? ResizingType.FIT : ResizingType.FILL, width, height)
            .enlarge()
            .dpr(width == 0 ? 5 : 1)
            .maxDimension(max);
    Layout layout = Layout.of(specs.build(), 1200, 900);
    assertThat(layout.width()).isEqualTo(outWidth);
    assertThat(layout.height()).isEqualTo(outHeight);
    assertThat(layout.scaledWidth()).isGreaterThanOrEqualTo(layout.width());
  }

  @Test
  void cropInPixelsAndFractionsBeforeResizing() {
    Layout pixels =
        Layout.of(
            spec(ResizingType.FIT, 0, 0).crop(300, 200).gravity(Anchor.NORTH_WEST).build(),
            1200,
            900);
    assertThat(pixels.crop()).isEqualTo(new Region(0, 0, 300, 200, false));
    assertThat(pixels.width()).isEqualTo(300);
    assertThat(pixels.height()).isEqualTo(200);

    Layout fractions =
        Layout.of(
            spec(ResizingType.FIT, 0, 0).crop(0.5, 0.25).gravity(Anchor.SOUTH_EAST).build(),
            1200,
            900);
    assertThat(fractions.crop()).isEqualTo(new Region(600, 675, 600, 225, false));

    Layout wholeHeight = Layout.of(spec(ResizingType.FIT, 0, 0).crop(400, 0).build(), 1200, 900);
    assertThat(wholeHeight.crop()).isEqualTo(new Region(400, 0, 400, 900, false));

    Layout tooLarge = Layout.of(spec(ResizingType.FIT, 0, 0).crop(5000, 5000).build(), 1200, 900);
    assertThat(tooLarge.crop()).isNull();

    // The crop's own gravity wins over the render's; the resize applies to the cropped area.
    Layout both =
        Layout.of(
            spec(ResizingType.FIT, 150, 0)
                .gravity(Anchor.EAST)
                .crop(600, 600, Anchor.NORTH_WEST, 10, 20)
                .build(),
            1200,
            900);
    assertThat(both.crop()).isEqualTo(new Region(10, 20, 600, 600, false));
    assertThat(both.width()).isEqualTo(150);
    assertThat(both.height()).isEqualTo(150);
  }

  @ParameterizedTest(name = "{0} {1},{2}")
  @CsvSource({
    "NORTH, 0, 0, 100, 0",
    "SOUTH, 0, 0, 100, 100",
    "EAST, 0, 0, 200, 50",
    "WEST, 0, 0, 0, 50",
    "NORTH_EAST, 0, 0, 200, 0",
    "NORTH_WEST, 0, 0, 0, 0",
    "SOUTH_EAST, 0, 0, 200, 100",
    "SOUTH_WEST, 0, 0, 0, 100",
    "CENTER, 0, 0, 100, 50",
    "NORTH_WEST, 30, 40, 30, 40",
    "SOUTH_EAST, 30, 40, 170, 60",
    "CENTER, 30, -40, 130, 10",
    "WEST, 0.1, 0, 30, 50",
    "NORTH_WEST, 500, 500, 200, 100",
    "FOCUS_POINT, 0.5, 0.5, 100, 50",
    "FOCUS_POINT, 0.9, 0.1, 200, 0",
    "FOCUS_POINT, 0.4, 0.6, 70, 70",
  })
  void gravityPlacesTheKeptArea(Anchor anchor, double x, double y, int left, int top) {
    Region region = Layout.place(300, 200, 100, 100, new Gravity(anchor, x, y), 1);
    assertThat(region).isEqualTo(new Region(left, top, 100, 100, false));
  }

  @Test
  void resultCropOffsetsAreMultipliedByDpr() {
    // 1200×900 fill 200×200 dpr 2: 533×400 cropped to 400×400; 10 px west offset -> 20 px.
    Layout layout =
        Layout.of(
            spec(ResizingType.FILL, 200, 200).dpr(2).gravity(Anchor.WEST, 10, 0).build(),
            1200,
            900);
    assertThat(layout.resultCrop()).isEqualTo(new Region(20, 0, 400, 400, false));
  }

  @Test
  void smartGravityLeavesThePlaceToLibvips() {
    Layout layout =
        Layout.of(spec(ResizingType.FILL, 96, 96).gravity(Anchor.SMART).build(), 1200, 900);
    assertThat(layout.resultCrop()).isEqualTo(new Region(0, 0, 96, 96, true));
  }

  @Test
  void shrinkOnLoadKeepsTwiceTheTargetForLanczos() {
    // 320 px from 4000: a reduction of 12.5 -> shrink 4 (1000 px, Lanczos does the last 3.1x).
    Layout fit = Layout.of(spec(ResizingType.FIT, 320, 0).build(), 4000, 3000);
    assertThat(Pipeline.shrinkOnLoad(fit.reduction(4000, 3000), 3000)).isEqualTo(4);
    // fill 96×96: the shorter side decides (3000 / 96 = 31) -> 8.
    Layout fill = Layout.of(spec(ResizingType.FILL, 96, 96).build(), 4000, 3000);
    assertThat(Pipeline.shrinkOnLoad(fill.reduction(4000, 3000), 3000)).isEqualTo(8);
    // force 3000×10: the less reduced axis (4000 / 3000) decides: no shrink.
    Layout force = Layout.of(spec(ResizingType.FORCE, 3000, 10).build(), 4000, 3000);
    assertThat(Pipeline.shrinkOnLoad(force.reduction(4000, 3000), 3000)).isEqualTo(1);
    // A crop first: what matters is the cropped area's reduction.
    Layout crop = Layout.of(spec(ResizingType.FIT, 100, 0).crop(400, 400).build(), 4000, 3000);
    assertThat(Pipeline.shrinkOnLoad(crop.reduction(4000, 3000), 3000)).isEqualTo(2);
  }

  @Test
  void theLayoutFollowsShrinkOnLoadWithoutChangingTheResult() {
    Layout source =
        Layout.of(
            spec(ResizingType.FIT, 100, 0).crop(400, 400, Anchor.SOUTH_EAST, 0, 0).build(),
            4000,
            3000);
    Layout loaded = source.onLoaded(4000, 3000, 2000, 1500);
    assertThat(loaded.crop()).isEqualTo(new Region(1800, 1300, 200, 200, false));
    assertThat(loaded.width()).isEqualTo(100);
    assertThat(loaded.height()).isEqualTo(100);
  }

  @Test
  void uploadsFitTheLongerSideAndRoundTheShorterDown() {
    assertThat(Layout.fitWithin(4001, 2999, 1200)).isEqualTo(new Layout(null, 1200, 899, null));
    assertThat(Layout.fitWithin(3000, 4000, 1200)).isEqualTo(new Layout(null, 900, 1200, null));
    assertThat(Layout.fitWithin(6344, 2, 64)).isEqualTo(new Layout(null, 64, 1, null));
    assertThat(Layout.fitWithin(100, 80, 1200)).isEqualTo(new Layout(null, 100, 80, null));
  }
}
