package com.imageserving.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.support.Browser;
import com.imageserving.support.Json;
import com.imageserving.support.TestImages;
import com.imageserving.support.TestServer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import tools.jackson.databind.JsonNode;

/**
 * The console in Debian's Chromium against the real service: upload (with a failure among the
 * files), the grid and its paging, the image panel's variant playground, delete, fetch from the
 * web, errors shown, keyboard use, and phone width. One browser and one server for the class; each
 * test works in a namespace of its own, so the order does not matter.
 */
class ConsoleBrowserTest {
  private static final Dimension DESKTOP = new Dimension(1280, 900);

  private static TestServer server;
  private static Browser browser;
  private static ChromeDriver driver;

  @BeforeAll
  static void start() {
    Browser.requireChromium();
    // Private networks allowed: the fetch test fetches from this very server on 127.0.0.1.
    server = TestServer.start(Map.of("FETCH_ALLOW_PRIVATE_NETWORKS", "true"));
    browser = Browser.start(DESKTOP.width, DESKTOP.height);
    driver = browser.driver();
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @AfterEach
  void desktopSize(org.junit.jupiter.api.TestInfo test) {
    if (browser != null) {
      browser.printBrowserLog(test.getDisplayName());
    }
    if (driver != null && !driver.manage().window().getSize().equals(DESKTOP)) {
      driver.manage().window().setSize(DESKTOP);
    }
  }

  private void open(String fragment) {
    // A page of its own each time (about:blank first: a change of fragment alone would not load).
    driver.get("about:blank");
    driver.get(server.base() + "/console/" + fragment);
  }

  private void openNamespace(String namespace) {
    open("#/n/" + namespace);
    browser.await().until(d -> namespace.equals(text("namespace-title")));
  }

  private String text(String id) {
    return driver.findElement(By.id(id)).getText();
  }

  private List<WebElement> tiles() {
    return driver.findElements(By.cssSelector("#grid .tile"));
  }

  /** Tiles whose thumbnail has been decoded by the browser. */
  private long loadedThumbnails() {
    return ((Number)
            browser.script(
                "return [...document.querySelectorAll('#grid .tile img')]"
                    + ".filter(i => i.complete && i.naturalWidth > 0).length"))
        .longValue();
  }

  private static HttpResponse<String> multipart(String path, String filename, byte[] content) {
    String boundary = "console-test-boundary";
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + filename
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    body.writeBytes(content);
    body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return server.send(
        server
            .request(path)
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
            .build());
  }

  @Test
  void uploadOfThreeFilesShowsTwoThumbnailsAndTheServersDetailForTheThird(@TempDir Path dir)
      throws IOException {
    Path jpeg = Files.write(dir.resolve("photo.jpg"), TestImages.jpeg(800, 600));
    Path png = Files.write(dir.resolve("drawing.png"), TestImages.png(300, 200));
    byte[] notAnImage = "this is a shopping list, not an image\n".getBytes(StandardCharsets.UTF_8);
    Path text = Files.write(dir.resolve("notes.txt"), notAnImage);
    // What the server says about that file, asked directly in a scratch namespace.
    HttpResponse<String> refused = multipart("/images/scratch-refused", "notes.txt", notAnImage);
    assertThat(refused.statusCode()).isBetween(400, 499);
    String detail = Json.read(refused.body()).get("detail").asString();

    openNamespace("upload-three");
    assertThat(driver.findElement(By.id("grid-empty")).isDisplayed()).isTrue();
    driver
        .findElement(By.id("file-input"))
        .sendKeys(jpeg.toString() + "\n" + png.toString() + "\n" + text.toString());

    browser
        .await()
        .until(d ->
            d.findElements(By.cssSelector("#upload-list .upload.done, #upload-list .upload.failed"))
                    .size()
                == 3);
    List<WebElement> failed = driver.findElements(By.cssSelector("#upload-list .upload.failed"));
    assertThat(failed).hasSize(1);
    assertThat(failed.get(0).findElement(By.className("upload-name")).getText())
        .isEqualTo("notes.txt");
    assertThat(failed.get(0).findElement(By.className("upload-status")).getText())
        .isEqualTo(detail);
    assertThat(driver.findElements(By.cssSelector("#upload-list .upload.done"))).hasSize(2);

    browser.await().until(d -> loadedThumbnails() == 2);
    assertThat(tiles()).hasSize(2);
    assertThat(driver.findElement(By.id("grid-empty")).isDisplayed()).isFalse();
    browser.screenshot("upload-three-files");

    // Stored for real: the listing has the two images, and a fresh page shows them too.
    JsonNode listing = Json.read(server.get("/images/upload-three").body());
    assertThat(listing.get("images").size()).isEqualTo(2);
    openNamespace("upload-three");
    browser.await().until(d -> loadedThumbnails() == 2);
  }

  @Test
  void theVariantPlaygroundPreviewHasTheSizeTheControlsAskFor() throws Exception {
    String id = server.uploadedId("playground", TestImages.photo(1200, 900));
    openNamespace("playground");
    browser.await().until(d -> loadedThumbnails() == 1);
    tiles().get(0).findElement(By.tagName("button")).click();
    WebElement panel = driver.findElement(By.id("panel"));
    browser.await().until(d -> panel.isDisplayed());
    assertThat(text("panel-title")).isEqualTo(id);
    browser.await().until(d -> text("info-dimensions").equals("1200 × 900"));
    assertThat(text("info-type")).isEqualTo("image/jpeg");
    assertThat(driver.findElement(By.id("info-url")).getDomProperty("value"))
        .isEqualTo(server.base() + "/images/playground/" + id);

    // The default: 320 wide, height from the aspect ratio.
    awaitPreview(320, 240);
    assertThat(text("variant-size")).contains("bytes").contains("smaller than the original");

    setNumber("v-width", "300");
    awaitPreview(300, 225);

    setNumber("v-width", "100");
    setNumber("v-height", "100");
    new Select(driver.findElement(By.id("v-type"))).selectByValue("fill");
    new Select(driver.findElement(By.id("v-gravity"))).selectByValue("sm");
    new Select(driver.findElement(By.id("v-format"))).selectByValue("png");
    awaitPreview(100, 100);
    browser.await().until(d -> text("variant-dims").equals("100 × 100 image/png"));
    String url = driver.findElement(By.id("variant-url")).getDomProperty("value");
    assertThat(url)
        .isEqualTo(server.base() + "/images/playground/" + id + "?rt=fill&w=100&h=100&g=sm&f=png");
    browser.screenshot("variant-playground");

    // The URL shown is one a client can use: the same pixels outside the browser.
    HttpResponse<byte[]> variant =
        server.sendForBytes(HttpRequest.newBuilder(URI.create(url)).GET().build());
    assertThat(variant.statusCode()).isEqualTo(200);
    BufferedImage decoded = TestImages.decode(variant.body());
    assertThat(decoded.getWidth()).isEqualTo(100);
    assertThat(decoded.getHeight()).isEqualTo(100);
    assertThat(text("variant-size"))
        .contains(String.format(Locale.ENGLISH, "%,d bytes", variant.body().length));

    // A bad value gets the service's 400 detail beside the preview.
    setNumber("v-quality", "101");
    browser.await().until(d -> d.findElement(By.id("variant-error")).isDisplayed());
    assertThat(text("variant-error")).containsIgnoringCase("q");
    driver.findElement(By.id("panel-close")).click();
  }

  private void setNumber(String id, String value) {
    WebElement input = driver.findElement(By.id(id));
    input.sendKeys(Keys.chord(Keys.CONTROL, "a"), value);
  }

  private void awaitPreview(int width, int height) {
    browser
        .await()
        .until(d ->
            Boolean.TRUE.equals(
                browser.script(
                    "const p = document.getElementById('variant-preview');"
                        + " return p.complete && p.naturalWidth === arguments[0]"
                        + " && p.naturalHeight === arguments[1]"
                        + " && !p.classList.contains('busy');",
                    width,
                    height)));
  }

  @Test
  void deleteFromTheKeyboardRemovesTheImageFromTheGridAndTheApi() {
    String keep = server.uploadedId("deleting", TestImages.jpeg(200, 150));
    String doomed = server.uploadedId("deleting", TestImages.jpeg(300, 150));
    openNamespace("deleting");
    browser.await().until(d -> loadedThumbnails() == 2);

    WebElement tile =
        driver.findElement(By.cssSelector("#grid .tile[data-id='" + doomed + "'] button"));
    tile.sendKeys(Keys.ENTER);
    WebElement panel = driver.findElement(By.id("panel"));
    browser.await().until(d -> panel.isDisplayed());
    // Escape closes the panel; Enter on the tile opens it again.
    driver.switchTo().activeElement().sendKeys(Keys.ESCAPE);
    browser.await().until(d -> !panel.isDisplayed());
    tile.sendKeys(Keys.ENTER);
    browser.await().until(d -> panel.isDisplayed());
    browser.await().until(d -> text("panel-title").equals(doomed));

    driver.findElement(By.id("delete-button")).sendKeys(Keys.ENTER);
    WebElement confirm = driver.findElement(By.id("delete-confirm"));
    browser.await().until(ExpectedConditions.visibilityOf(confirm));
    // Cancel is where the focus lands: Enter right away deletes nothing.
    assertThat(driver.switchTo().activeElement().getDomAttribute("id")).isEqualTo("delete-no");
    browser.screenshot("delete-confirmation");
    driver.findElement(By.id("delete-yes")).sendKeys(Keys.ENTER);

    browser.await().until(d -> !panel.isDisplayed());
    browser.await().until(d -> tiles().size() == 1);
    assertThat(tiles().get(0).getDomAttribute("data-id")).isEqualTo(keep);
    assertThat(server.get("/images/deleting/" + doomed).statusCode()).isEqualTo(404);
    assertThat(server.get("/images/deleting/" + keep).statusCode()).isEqualTo(200);
    assertThat(server.get("/images/deleting").body()).doesNotContain(doomed);
  }

  @Test
  void theGridPagesOnAsItScrollsAndShowsEachImageOnce() {
    List<String> ids = new ArrayList<>();
    byte[] small = TestImages.jpeg(40, 30);
    for (int i = 0; i < 130; i++) {
      ids.add(server.uploadedId("paging", small));
    }
    openNamespace("paging");
    // One page of 60 first.
    browser.await().until(d -> tiles().size() == 60);
    // Scrolled to the end again and again, as a reader does, until the last page is in.
    browser
        .await()
        .until(d -> {
          browser.script("window.scrollTo(0, document.documentElement.scrollHeight)");
          return tiles().size() >= 130;
        });
    List<String> shown = new ArrayList<>();
    for (WebElement tile : tiles()) {
      shown.add(tile.getDomAttribute("data-id"));
    }
    assertThat(shown).hasSize(130).doesNotHaveDuplicates();
    assertThat(new HashSet<>(shown)).isEqualTo(new HashSet<>(ids));
    browser.await().until(d -> !d.findElement(By.id("grid-more")).isDisplayed());
    assertThat(text("grid-status")).isEqualTo("130 images shown");
  }

  @Test
  void fetchFromTheWebShowsWhatWasStoredAndEachError() {
    String source = server.uploadedId("fetch-source", TestImages.jpeg(320, 240));
    String good = server.base() + "/images/fetch-source/" + source;
    String refused = "http://localhost/never.jpg";
    openNamespace("fetched");
    driver.findElement(By.cssSelector("#fetch-section summary")).click();
    driver.findElement(By.id("fetch-urls")).sendKeys(good + "\n" + refused);
    driver.findElement(By.id("fetch-submit")).click();
    browser
        .await()
        .until(d -> d.findElement(By.id("fetch-result")).getText().contains("1 stored, 1 failed"));
    assertThat(driver.findElements(By.cssSelector("#fetch-result .fetch-stored"))).hasSize(1);
    List<WebElement> errors = driver.findElements(By.cssSelector("#fetch-result .fetch-error"));
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0).getText()).startsWith(refused + ": ").contains("Invalid url");
    browser.await().until(d -> loadedThumbnails() == 1);
    browser.screenshot("fetch-from-the-web");
    assertThat(Json.read(server.get("/images/fetched").body()).get("images").size()).isEqualTo(1);

    // An unknown pool is the server's 400, shown beside the form; nothing is stored.
    driver.findElement(By.id("fetch-pool")).sendKeys("no-such-pool");
    driver.findElement(By.id("fetch-submit")).click();
    browser.await().until(d -> !d.findElements(By.cssSelector("#fetch-result p.error")).isEmpty());
    assertThat(Json.read(server.get("/images/fetched").body()).get("images").size()).isEqualTo(1);
  }

  @Test
  void anEmptyServiceSaysSoAndANamespaceIsCreatedByName(@TempDir Path dir) throws IOException {
    // A service of its own: the class's server has other tests' namespaces.
    try (TestServer empty = TestServer.start(Map.of())) {
      driver.get("about:blank");
      driver.get(empty.base() + "/console");
      assertThat(driver.getCurrentUrl()).isEqualTo(empty.base() + "/console/");
      browser.await().until(d -> d.findElement(By.id("namespace-empty")).isDisplayed());
      browser.screenshot("empty-service");
      driver.findElement(By.id("namespace-name")).sendKeys("fresh", Keys.ENTER);
      browser.await().until(d -> "fresh".equals(text("namespace-title")));
      browser.await().until(d -> d.findElement(By.id("grid-empty")).isDisplayed());
      Path photo = Files.write(dir.resolve("first.jpg"), TestImages.jpeg(640, 480));
      driver.findElement(By.id("file-input")).sendKeys(photo.toString());
      browser.await().until(d -> loadedThumbnails() == 1);
      assertThat(driver.findElement(By.id("grid-empty")).isDisplayed()).isFalse();
      driver.findElement(By.linkText("Namespaces")).click();
      browser
          .await()
          .until(d ->
              !d.findElements(By.cssSelector("#namespace-list a[href='#/n/fresh']")).isEmpty());
      assertThat(driver.findElement(By.id("namespace-empty")).isDisplayed()).isFalse();
    }
  }

  @Test
  void serverErrorsAreShownAndDismissable() {
    open("#/n/bad%20name");
    browser.await().until(d -> !d.findElements(By.cssSelector("#errors .error-item")).isEmpty());
    String shown = driver.findElement(By.cssSelector("#errors .error-item span")).getText();
    String detail = Json.read(server.get("/images/bad%20name").body()).get("detail").asString();
    assertThat(shown).isEqualTo(detail);
    browser.screenshot("error-shown");
    driver.findElement(By.cssSelector("#errors .error-item button")).click();
    assertThat(driver.findElements(By.cssSelector("#errors .error-item"))).isEmpty();
  }

  @Test
  void atPhoneWidthNothingScrollsSidewaysAndTheControlsAreVisible() {
    String wide = server.uploadedId("phone", TestImages.photo(1200, 800));
    server.uploadedId("phone", TestImages.jpeg(600, 900));
    driver.manage().window().setSize(new Dimension(390, 844));
    openNamespace("phone");
    assertThat(((Number) browser.script("return window.innerWidth")).intValue()).isEqualTo(390);
    browser.await().until(d -> loadedThumbnails() == 2);
    assertNoSidewaysScroll();
    for (String selector :
        List.of(
            "label[for=file-input]",
            "#fetch-section summary",
            "#grid .tile button",
            "#key-button")) {
      assertWithinWidth(driver.findElement(By.cssSelector(selector)), selector);
    }
    browser.screenshot("phone-namespace");

    driver.findElement(By.cssSelector("#grid .tile[data-id='" + wide + "'] button")).click();
    browser.await().until(d -> d.findElement(By.id("panel")).isDisplayed());
    awaitPreview(320, 213);
    assertNoSidewaysScroll();
    for (String id :
        List.of(
            "v-width",
            "v-height",
            "v-type",
            "v-gravity",
            "v-format",
            "v-quality",
            "copy-variant",
            "panel-close")) {
      assertWithinWidth(driver.findElement(By.id(id)), id);
    }
    browser.screenshot("phone-panel");
    browser.script("document.getElementById('delete-button').scrollIntoView()");
    assertWithinWidth(driver.findElement(By.id("delete-button")), "delete-button");
    assertWithinWidth(driver.findElement(By.id("copy-url")), "copy-url");
    browser.screenshot("phone-panel-scrolled");
    driver.findElement(By.id("panel-close")).click();
  }

  private void assertNoSidewaysScroll() {
    Object widths =
        browser.script(
            "const panel = document.getElementById('panel');"
                + " return [document.documentElement.scrollWidth, window.innerWidth,"
                + " panel.open ? panel.scrollWidth - panel.clientWidth : 0];");
    @SuppressWarnings("unchecked")
    List<Number> w = (List<Number>) widths;
    assertThat(w.get(0).intValue())
        .as("page scroll width")
        .isLessThanOrEqualTo(w.get(1).intValue());
    assertThat(w.get(2).intValue()).as("panel overflow").isLessThanOrEqualTo(0);
  }

  private void assertWithinWidth(WebElement element, String name) {
    assertThat(element.isDisplayed()).as(name + " displayed").isTrue();
    var rect = element.getRect();
    assertThat(rect.getX()).as(name + " left").isGreaterThanOrEqualTo(0);
    assertThat(rect.getX() + rect.getWidth()).as(name + " right").isLessThanOrEqualTo(390);
    assertThat(rect.getWidth()).as(name + " width").isGreaterThan(10);
  }
}
