package com.imageserving.variants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.imageserving.config.ConfigException;
import com.imageserving.config.OutputFormat;
import com.imageserving.imaging.Anchor;
import com.imageserving.imaging.Crop;
import com.imageserving.imaging.Gravity;
import com.imageserving.imaging.ResizingType;
import com.imageserving.imaging.Rgb;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpStatus;

/** Both spellings of the options, short and long names, canonical form and key, and every 400. */
class OptionsParsingTest {
  private static final Presets PRESETS =
      Presets.of(Map.of("avatar", "rs:fill:96:96/g:sm", "card", "rs:fit:320:0/f:webp"));
  private static final PathOptionsParser PATH = new PathOptionsParser(PRESETS, false);
  private static final QueryOptionsParser QUERY = new QueryOptionsParser(PRESETS, false);

  static VariantOptions path(String options) {
    return PATH.parse(Arrays.asList(options.split("/")), "");
  }

  static VariantOptions query(String query) {
    QueryOptionsParser.Parsed parsed = QUERY.parse(query);
    assertThat(parsed).as(query).isNotNull();
    return parsed.options();
  }

  /** Short name, long name, the query spelling: one value, and the expected canonical form. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "rs:fill:300:200:1 | resize:fill:300:200:1 | rs=fill:300:200:1"
            + " | rt:fill/w:300/h:200/dpr:1/el:1/g:ce:0:0/c:-/f:auto/q:0/bl:0/sh:0/bg:ffffff",
        "rs::100:100:t | resize::100:100:t | resize=:100:100:t"
            + " | rt:fit/w:100/h:100/dpr:1/el:1/g:ce:0:0/c:-/f:auto/q:0/bl:0/sh:0/bg:ffffff",
        "s:300:200:true | size:300:200:true | s=300:200:true"
            + " | rt:fit/w:300/h:200/dpr:1/el:1/g:ce:0:0/c:-/f:auto/q:0/bl:0/sh:0/bg:ffffff",
        "rt:fill-down | resizing_type:fill-down | rt=fill-down"
            + " | rt:fill-down/w:0/h:0/dpr:1/el:0/g:ce:0:0/c:-/f:auto/q:0/bl:0/sh:0/bg:ffffff",
        "rt:force | resizing_type:force | resizing_type=force"
            + " | rt:force/w:0/h:0/dpr:1/el:0/g:ce:0:0/c:-/f:auto/q:0/bl:0/sh:0/bg:ffffff",
        "rt:auto | resizing_type:auto | rt=auto"
            + " | rt:auto/w:0/h:0/dpr:1/el:0/g:ce:0:0/c:-/f:auto/q:0/bl:0/sh:0/bg:ffffff",
        "w:320 | width:320 | w=320"
            + " | rt:fit/w:320/h:0/dpr:1/el:0/g:ce:0:0/c:-/f:auto/q:0/bl:0/sh:0/bg:ffffff",
        "h:240 | height:240 | height=240"
            + " | rt:fit/w:0/h:240/dpr:1/el:0/g:ce:0:0/c:-/f:auto/q:0/bl:0/sh:0/bg:ffffff",
        "el:t | enlarge:1 | el=true"
            + " | rt:fit/w:0/h:0/dpr:1/el:1/g:ce:0:0/c:-/f:auto/q:0/bl:0/sh:0/bg:ffffff",
        "dpr:2 | dpr:2.0 | dpr=2.00"
            + " | rt:fit/w:0/h:0/dpr:2/el:0/g:ce:0:0/c:-/f:auto/q:0/bl:0/sh:0/bg:ffffff",
        "g:noea:5:6 | gravity:noea:5:6 | g=noea:5:6"
            + " | rt:fit/w:0/h:0/dpr:1/el:0/g:noea:5:6/c:-/f:auto/q:0/bl:0/sh:0/bg:ffffff",
        "g:sm | gravity:sm | gravity=sm"
            + " | rt:fit/w:0/h:0/dpr:1/el:0/g:sm:0:0/c:-/f:auto/q:0/bl:0/sh:0/bg:ffffff",
        "g:fp:0.5:0.25 | gravity:fp:.5:.25 | g=fp:0.50:0.250"
            + " | rt:fit/w:0/h:0/dpr:1/el:0/g:fp:0.5:0.25/c:-/f:auto/q:0/bl:0/sh:0/bg:ffffff",
        "c:100:50 | crop:100:50 | c=100:50"
            + " | rt:fit/w:0/h:0/dpr:1/el:0/g:ce:0:0/c:100:50:-/f:auto/q:0/bl:0/sh:0/bg:ffffff",
        "c:0.5:0.5:sowe | crop:0.5:0.5:sowe | crop=0.5:0.5:sowe"
            + " | rt:fit/w:0/h:0/dpr:1/el:0/g:ce:0:0/c:0.5:0.5:sowe:0:0/f:auto/q:0/bl:0/sh:0/bg:ffffff",
        "q:80 | quality:80 | q=80"
            + " | rt:fit/w:0/h:0/dpr:1/el:0/g:ce:0:0/c:-/f:auto/q:80/bl:0/sh:0/bg:ffffff",
        "f:webp | format:webp | ext=webp"
            + " | rt:fit/w:0/h:0/dpr:1/el:0/g:ce:0:0/c:-/f:webp/q:0/bl:0/sh:0/bg:ffffff",
        "f:jpg | format:jpeg | f=jpeg"
            + " | rt:fit/w:0/h:0/dpr:1/el:0/g:ce:0:0/c:-/f:jpg/q:0/bl:0/sh:0/bg:ffffff",
        "ext:avif | f:avif | format=avif"
            + " | rt:fit/w:0/h:0/dpr:1/el:0/g:ce:0:0/c:-/f:avif/q:0/bl:0/sh:0/bg:ffffff",
        "f:png | format:png | f=png"
            + " | rt:fit/w:0/h:0/dpr:1/el:0/g:ce:0:0/c:-/f:png/q:0/bl:0/sh:0/bg:ffffff",
        "bl:2.5 | blur:2.5 | bl=2.5"
            + " | rt:fit/w:0/h:0/dpr:1/el:0/g:ce:0:0/c:-/f:auto/q:0/bl:2.5/sh:0/bg:ffffff",
        "sh:1 | sharpen:1.0 | sharpen=1"
            + " | rt:fit/w:0/h:0/dpr:1/el:0/g:ce:0:0/c:-/f:auto/q:0/bl:0/sh:1/bg:ffffff",
        "bg:ff0000 | background:255:0:0 | bg=f00"
            + " | rt:fit/w:0/h:0/dpr:1/el:0/g:ce:0:0/c:-/f:auto/q:0/bl:0/sh:0/bg:ff0000",
        "pr:avatar | preset:avatar | pr=avatar"
            + " | rt:fill/w:96/h:96/dpr:1/el:0/g:sm:0:0/c:-/f:auto/q:0/bl:0/sh:0/bg:ffffff",
        "pr:avatar:card | preset:avatar:card | preset=avatar:card"
            + " | rt:fit/w:320/h:0/dpr:1/el:0/g:sm:0:0/c:-/f:webp/q:0/bl:0/sh:0/bg:ffffff",
      })
  void everyOptionHasTwoNamesAndTwoSpellings(
      String shortForm, String longForm, String queryForm, String canonical) {
    VariantOptions expected = path(shortForm);
    assertThat(expected.canonical()).isEqualTo(canonical);
    assertThat(path(longForm)).isEqualTo(expected);
    assertThat(query(queryForm)).isEqualTo(expected);
  }

  @Test
  void fieldsCarryImgproxysMeanings() {
    VariantOptions o =
        path("rs:fill:300:200:1/g:sowe:3:4/c:0.5:100:fp:0.1:0.9/q:70/bl:1.5/sh:0.5/bg:10:20:30");
    assertThat(o.resizingType()).isEqualTo(ResizingType.FILL);
    assertThat(o.width()).isEqualTo(300);
    assertThat(o.height()).isEqualTo(200);
    assertThat(o.enlarge()).isTrue();
    assertThat(o.gravity()).isEqualTo(new Gravity(Anchor.SOUTH_WEST, 3, 4));
    assertThat(o.crop()).isEqualTo(new Crop(0.5, 100, new Gravity(Anchor.FOCUS_POINT, 0.1, 0.9)));
    assertThat(o.quality()).isEqualTo(70);
    assertThat(o.blur()).isEqualTo(1.5);
    assertThat(o.sharpen()).isEqualTo(0.5);
    assertThat(o.background()).isEqualTo(new Rgb(10, 20, 30));
    assertThat(path("cb:v2").cachebuster()).isEqualTo("v2");
    assertThat(path("cachebuster:v2")).isEqualTo(query("cb=v2"));
    assertThat(path("exp:4102444800").expires()).isEqualTo(4102444800L);
    assertThat(path("expires:4102444800")).isEqualTo(query("exp=4102444800"));
    assertThat(path("w:10").toRenderSpec(OutputFormat.WEBP, 77, 4096))
        .satisfies(spec -> {
          assertThat(spec.width()).isEqualTo(10);
          assertThat(spec.format()).isEqualTo(OutputFormat.WEBP);
          assertThat(spec.quality()).isEqualTo(77);
          assertThat(spec.maxDimension()).isEqualTo(4096);
          assertThat(spec.background()).isEqualTo(Rgb.WHITE);
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"1", "t", "T", "true", "TRUE", "True"})
  void imgproxyBooleansAreTrue(String value) {
    assertThat(path("el:" + value).enlarge()).isTrue();
    assertThat(path("el:1/el:" + value.replace("1", "0")).enlarge()).isEqualTo(!value.equals("1"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "f", "F", "false", "FALSE", "False"})
  void imgproxyBooleansAreFalse(String value) {
    assertThat(path("el:1/el:" + value).enlarge()).isFalse();
  }

  @Test
  void laterOptionsOverrideEarlierOnesAndEmptyMetaArgumentsKeepValues() {
    assertThat(path("w:100/rs:fit:200").width()).isEqualTo(200);
    assertThat(path("rs:fill:200:100/w:50").width()).isEqualTo(50);
    assertThat(path("rt:fill/rs::300").resizingType()).isEqualTo(ResizingType.FILL);
    assertThat(path("h:40/s:300").height()).isEqualTo(40);
    assertThat(query("w=100&w=200").width()).isEqualTo(200);
    assertThat(path("bg:ff0000/bg:").background()).isEqualTo(Rgb.WHITE);
  }

  @Test
  void theUrlExtensionWinsOverTheFormatOption() {
    assertThat(PATH.parse(List.of("f:png"), "webp").format()).isEqualTo(OutputFormat.WEBP);
    assertThat(PATH.parse(List.of("pr:card"), "jpg").format()).isEqualTo(OutputFormat.JPEG);
    assertThat(PATH.parse(List.of(), "").format()).isNull();
  }

  @Test
  void everySpellingOfOneVariantHasOneKey() {
    String key = key(query("width=200"));
    assertThat(key(path("rs:fit:200:0"))).isEqualTo(key);
    assertThat(key(path("w:200/rt:fit"))).isEqualTo(key);
    assertThat(key(path("size:200:0:0"))).isEqualTo(key);
    assertThat(key(path("w:200/g:ce:0:0/c:0:0/dpr:1.0/q:0/bg:fff/el:f"))).isEqualTo(key);
    // The cache buster and the expiry change the URL, not the image.
    assertThat(key(path("w:200/cb:123/exp:4102444800"))).isEqualTo(key);
    assertThat(key).matches("[0-9a-f]{32}");
    // Anything that changes the pixels or the encoding is another variant.
    assertThat(key(path("w:201"))).isNotEqualTo(key);
    assertThat(key(path("w:200/q:80"))).isNotEqualTo(key);
    assertThat(key(path("w:200/rt:fill"))).isNotEqualTo(key);
    assertThat(VariantKey.of(path("w:200").with(OutputFormat.WEBP, 85), 4096)).isNotEqualTo(key);
    assertThat(VariantKey.of(path("w:200").with(OutputFormat.JPEG, 85), 2048)).isNotEqualTo(key);
  }

  private static String key(VariantOptions options) {
    return VariantKey.of(
        options.with(OutputFormat.JPEG, options.quality() > 0 ? options.quality() : 85), 4096);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "zoom:2 | Unknown option: zoom",
        "W:100 | Unknown option: W",
        "rot:90 | Unknown option: rot",
        "w:abc | Invalid w: width must be a whole number from 0 to 100000, got 'abc'",
        "width:-1 | Invalid width: width must be a whole number from 0 to 100000, got '-1'",
        "h:100001 | Invalid h: height must be a whole number from 0 to 100000, got '100001'",
        "w: | Invalid w: expected a value",
        "w:1:2 | Invalid w: expected 1 argument, got 2",
        "rs:zoom:100 | Invalid rs: resizing type must be one of fit, fill, fill-down, force, auto,"
            + " got 'zoom'",
        "rs:fit:1:2:0:0:9 | Invalid rs: expected at most 5 arguments, got 6",
        "rs:fit:100:100:0:1 | Invalid rs: extend is not supported",
        "s:1:2:3:4:5 | Invalid s: expected at most 4 arguments, got 5",
        "s:10:x | Invalid s: height must be a whole number from 0 to 100000, got 'x'",
        "rt:cover | Invalid rt: resizing type must be one of fit, fill, fill-down, force, auto,"
            + " got 'cover'",
        "el:yes | Invalid el: enlarge must be a boolean (1, t, true, 0, f, false), got 'yes'",
        "dpr:0.5 | Invalid dpr: dpr must be a number from 1 to 5, got '0.5'",
        "dpr:6 | Invalid dpr: dpr must be a number from 1 to 5, got '6'",
        "dpr:NaN | Invalid dpr: dpr must be a number from 1 to 5, got 'NaN'",
        "dpr:1e1 | Invalid dpr: dpr must be a number from 1 to 5, got '1e1'",
        "g:up | Invalid g: gravity must be one of no, so, ea, we, noea, nowe, soea, sowe, ce, sm,"
            + " fp, got 'up'",
        "g: | Invalid g: expected a gravity type",
        "g:sm:1:2 | Invalid g: smart gravity takes no offsets",
        "g:fp:0.5 | Invalid g: focus point gravity expects fp:x:y",
        "g:fp:1.5:0 | Invalid g: x must be a number from 0 to 1, got '1.5'",
        "g:no:a | Invalid g: x offset must be a number from -100000 to 100000, got 'a'",
        "g:no:1:2:3 | Invalid g: expected at most 3 arguments, got 4",
        "c: | Invalid c: expected width:height[:gravity]",
        "crop:-5:10 | Invalid crop: width must be a number from 0 to 100000, got '-5'",
        "c:10:10:xx | Invalid c: gravity must be one of no, so, ea, we, noea, nowe, soea, sowe, ce,"
            + " sm, fp, got 'xx'",
        "q:101 | Invalid q: quality must be a whole number from 0 to 100, got '101'",
        "quality:high | Invalid quality: quality must be a whole number from 0 to 100, got 'high'",
        "f:gif | Invalid f: format must be one of jpg, jpeg, png, webp, avif, got 'gif'",
        "format:WEBP | Invalid format: format must be one of jpg, jpeg, png, webp, avif, got 'WEBP'",
        "ext:bmp | Invalid ext: format must be one of jpg, jpeg, png, webp, avif, got 'bmp'",
        "bl:-1 | Invalid bl: sigma must be a number from 0 to 100, got '-1'",
        "sharpen:101 | Invalid sharpen: sigma must be a number from 0 to 100, got '101'",
        "bg:red | Invalid bg: background must be a hex colour (rrggbb) or r:g:b, got 'red'",
        "bg:1:2 | Invalid bg: background must be a hex colour (rrggbb) or r:g:b, got '1:2'",
        "background:1:2:256 | Invalid background: blue must be a whole number from 0 to 255, got"
            + " '256'",
        "pr:nope | Unknown preset: nope",
        "pr | Invalid pr: expected at least one preset name",
        "exp:soon | Invalid exp: expires must be a Unix time in seconds, got 'soon'",
      })
  void badOptionsAreA400NamingTheOptionAndTheProblem(String options, String detail) {
    assertThatThrownBy(() -> path(options))
        .isInstanceOfSatisfying(
            VariantException.class, e -> assertThat(e.status()).isEqualTo(HttpStatus.BAD_REQUEST))
        .hasMessage(detail);
    if (detail.startsWith("Unknown option")) {
      // In a query, names that are not options are ignored, as they always were.
      assertThat(QUERY.parse(options.replace(':', '='))).isNull();
      return;
    }
    // The query spelling says the same.
    int colon = options.indexOf(':');
    String asQuery =
        colon < 0 ? options : options.substring(0, colon) + "=" + options.substring(colon + 1);
    assertThatThrownBy(() -> query(asQuery)).hasMessage(detail);
  }

  @Test
  void longValuesAreCutShortInMessages() {
    assertThatThrownBy(() -> path("w:" + "9".repeat(500)))
        .hasMessage(
            "Invalid w: width must be a whole number from 0 to 100000, got '"
                + "9".repeat(40)
                + "...'");
  }

  @Test
  void queryParametersThatAreNotOptionsAreIgnored() {
    assertThat(QueryOptionsParser.hasOptions(null)).isFalse();
    assertThat(QueryOptionsParser.hasOptions("")).isFalse();
    assertThat(QueryOptionsParser.hasOptions("v=3&utm_source=x")).isFalse();
    assertThat(QueryOptionsParser.hasOptions("sig=abc")).isFalse();
    assertThat(QUERY.parse("v=3&utm_source=x&zoom=2")).isNull();
    assertThat(QueryOptionsParser.hasOptions("v=3&w=10")).isTrue();
    QueryOptionsParser.Parsed parsed = QUERY.parse("v=3&w=10&sig=SIG&h=5");
    assertThat(parsed).isNotNull();
    assertThat(parsed.options()).isEqualTo(path("w:10/h:5"));
    assertThat(parsed.signature()).isEqualTo("SIG");
    assertThat(parsed.signedQuery()).isEqualTo("v=3&w=10&h=5");
    assertThat(QUERY.parse("rs=fill%3A30%3A40").options()).isEqualTo(path("rs:fill:30:40"));
    assertThatThrownBy(() -> QUERY.parse("w=%zz")).hasMessageContaining("percent-encoding");
  }

  @Test
  void theDefaultPresetAppliesFirst() {
    Presets presets = Presets.of(Map.of("default", "q:60/f:webp"));
    PathOptionsParser parser = new PathOptionsParser(presets, false);
    assertThat(parser.parse(List.of("w:10"), "").quality()).isEqualTo(60);
    assertThat(parser.parse(List.of("q:90"), "").quality()).isEqualTo(90);
    assertThat(parser.parse(List.of(), "png").format()).isEqualTo(OutputFormat.PNG);
  }

  @Test
  void onlyPresetsRefusesEveryOtherOption() {
    PathOptionsParser only = new PathOptionsParser(PRESETS, true);
    QueryOptionsParser onlyQuery = new QueryOptionsParser(PRESETS, true);
    VariantOptions avatar = path("pr:avatar");
    assertThat(only.parse(List.of("avatar"), "")).isEqualTo(avatar);
    assertThat(only.parse(List.of("pr:avatar"), "")).isEqualTo(avatar);
    assertThat(only.parse(List.of("preset:avatar"), "")).isEqualTo(avatar);
    assertThat(only.parse(List.of("avatar:card"), "")).isEqualTo(path("pr:avatar:card"));
    assertThat(only.parse(List.of("avatar"), "png").format()).isEqualTo(OutputFormat.PNG);
    assertThat(onlyQuery.parse("pr=avatar&v=3").options()).isEqualTo(avatar);
    assertThatThrownBy(() -> only.parse(List.of("avatar", "w:10"), ""))
        .hasMessage("Only presets are allowed: w");
    assertThatThrownBy(() -> only.parse(List.of("rs:fill:1:1"), ""))
        .hasMessage("Only presets are allowed: rs");
    assertThatThrownBy(() -> only.parse(List.of("nope"), "")).hasMessage("Unknown preset: nope");
    assertThatThrownBy(() -> only.parse(List.of("avatar:nope"), ""))
        .hasMessage("Unknown preset: nope");
    assertThatThrownBy(() -> onlyQuery.parse("pr=avatar&w=10"))
        .hasMessage("Only presets are allowed: w");
    // Where the source begins: the first segment is always presets, bare or not.
    assertThat(only.sourceStart(List.of("avatar", "plain", "local:", "", "", "ns", "id")))
        .isEqualTo(1);
    assertThat(only.sourceStart(List.of("avatar", "pr:card", "bG9jYWw"))).isEqualTo(2);
    assertThat(only.sourceStart(List.of("plain", "x"))).isZero();
    assertThat(PATH.sourceStart(List.of("avatar", "bG9jYWw"))).isZero();
    assertThat(PATH.sourceStart(List.of("w:1", "h:2", "plain", "x"))).isEqualTo(2);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"a\": \"zoom:2\"} | PRESETS: preset 'a': Unknown option: zoom",
        "{\"a\": \"w:x\"} | PRESETS: preset 'a': Invalid w: width must be a whole number",
        "{\"a\": \"pr:b\", \"b\": \"w:1\"} | PRESETS: preset 'a' uses another preset",
        "{\"a b\": \"w:1\"} | PRESETS: preset name 'a b' must be",
      })
  void badPresetsStopStartUp(String json, String message) {
    Map<String, String> definitions =
        com.imageserving.config.Settings.from(Map.of("PRESETS", json)).variants().presets();
    assertThatThrownBy(() -> Presets.of(definitions))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void canonicalNormalisesWhatCannotChangeTheImage() {
    assertThat(path("g:sm").gravity()).isEqualTo(new Gravity(Anchor.SMART, 0, 0));
    assertThat(path("c:0:0").crop()).isNull();
    assertThat(path("c:0:0:no").crop()).isNull();
    @Nullable Crop crop = path("c:10").crop();
    assertThat(crop).isEqualTo(new Crop(10, 0, null));
  }
}
