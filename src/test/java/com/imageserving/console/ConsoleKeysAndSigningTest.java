package com.imageserving.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.imageserving.support.Browser;
import com.imageserving.support.Json;
import com.imageserving.support.TestImages;
import com.imageserving.support.TestServer;
import java.net.http.HttpRequest;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The console against a locked-down service (API_KEYS and URL signing): it asks for a key when the
 * service answers 401, says so when a key is refused, keeps the key in sessionStorage (never in a
 * URL), and gets every variant URL (thumbnails, playground) signed by POST /variants/sign.
 */
class ConsoleKeysAndSigningTest {
  private static final String KEY = "console-key-4f1a2b3c4d5e6f70";
  private static final String SIGNING_KEY = "4f1a2b3c4d5e6f708192a3b4c5d6e7f8";
  private static final String SIGNING_SALT = "a1b2c3d4e5f60718";

  private static TestServer server;
  private static Browser browser;
  private static ChromeDriver driver;

  @BeforeAll
  static void start() {
    Browser.requireChromium();
    server =
        TestServer.start(
            Map.of(
                "API_KEYS", "another-client-key," + KEY,
                "URL_SIGNING_KEY", SIGNING_KEY,
                "URL_SIGNING_SALT", SIGNING_SALT));
    browser = Browser.start(1280, 900);
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
  void log(TestInfo test) {
    if (browser != null) {
      browser.printBrowserLog(test.getDisplayName());
    }
  }

  /** A fresh tab state: no key remembered from another test. */
  private void openConsole() {
    driver.get(server.base() + "/console/");
    browser.script("sessionStorage.clear()");
    driver.get("about:blank");
    driver.get(server.base() + "/console/");
  }

  private String storedKey() {
    return (String) browser.script("return sessionStorage.getItem('image-console.api-key')");
  }

  private String uploadWithKey(String namespace) {
    return uploadWithKey(namespace, TestImages.jpeg(64, 48));
  }

  private String uploadWithKey(String namespace, byte[] image) {
    String body = Json.upload(image);
    var response =
        server.send(
            server
                .request("/images/" + namespace)
                .header("Content-Type", "application/json")
                .header("X-API-Key", KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    assertThat(response.statusCode()).isEqualTo(200);
    return Json.read(response.body()).get("image_id").asString();
  }

  @Test
  void asksForAKeyShowsARefusedOneAndListsWithTheRightOne() {
    uploadWithKey("keyed");
    openConsole();
    WebElement dialog = driver.findElement(By.id("key-dialog"));
    browser.await().until(d -> dialog.isDisplayed());
    assertThat(driver.findElement(By.id("key-message")).getText())
        .isEqualTo("This service needs an API key.");
    assertThat(driver.findElement(By.id("key-error")).isDisplayed()).isFalse();
    browser.screenshot("key-prompt");

    // A wrong key: the service's refusal is shown and the prompt stays.
    driver.findElement(By.id("key-input")).sendKeys("not-the-key", Keys.ENTER);
    WebElement error = driver.findElement(By.id("key-error"));
    browser.await().until(d -> error.isDisplayed());
    assertThat(error.getText()).isEqualTo("The key was refused: Not authenticated");
    assertThat(dialog.isDisplayed()).isTrue();
    browser.screenshot("key-refused");

    driver.findElement(By.id("key-input")).sendKeys(KEY, Keys.ENTER);
    browser.await().until(d -> !dialog.isDisplayed());
    browser
        .await()
        .until(
            d -> !d.findElements(By.cssSelector("#namespace-list a[href='#/n/keyed']")).isEmpty());
    assertThat(driver.findElement(By.id("key-state")).getText()).isEqualTo("API key set");
    assertThat(storedKey()).isEqualTo(KEY);
    assertThat(driver.getCurrentUrl()).doesNotContain(KEY);
    browser.screenshot("key-accepted");

    // Uploads and deletes carry it too; it never appears in a URL the page requested.
    driver.findElement(By.cssSelector("#namespace-list a[href='#/n/keyed']")).click();
    browser.await().until(d -> d.findElements(By.cssSelector("#grid .tile")).size() == 1);
    Object urls =
        browser.script(
            "return performance.getEntriesByType('resource').map(e => e.name).join('\\n')");
    assertThat((String) urls).contains("/images/keyed").doesNotContain(KEY);
  }

  @Test
  void cancellingThePromptShowsThatAKeyIsNeeded() {
    openConsole();
    WebElement dialog = driver.findElement(By.id("key-dialog"));
    browser.await().until(d -> dialog.isDisplayed());
    driver.findElement(By.id("key-input")).sendKeys(Keys.ESCAPE);
    browser.await().until(d -> !dialog.isDisplayed());
    browser.await().until(d -> !d.findElements(By.cssSelector("#errors .error-item")).isEmpty());
    assertThat(driver.findElement(By.cssSelector("#errors .error-item span")).getText())
        .isEqualTo("An API key is needed for this.");
    assertThat(storedKey()).isNull();
    // The header's button asks again.
    driver.findElement(By.id("key-button")).click();
    browser.await().until(d -> dialog.isDisplayed());
    driver.findElement(By.id("key-input")).sendKeys(KEY, Keys.ENTER);
    browser.await().until(d -> !dialog.isDisplayed());
    assertThat(storedKey()).isEqualTo(KEY);
  }

  @Test
  void variantUrlsAreSignedThroughTheSignEndpoint() {
    String id = uploadWithKey("signed", TestImages.jpeg(800, 600));
    // Unsigned, the service refuses the variant: the console must not use that form.
    assertThat(server.get("/images/signed/" + id + "?w=320").statusCode()).isEqualTo(403);

    openConsole();
    WebElement dialog = driver.findElement(By.id("key-dialog"));
    browser.await().until(d -> dialog.isDisplayed());
    driver.findElement(By.id("key-input")).sendKeys(KEY, Keys.ENTER);
    driver.get(server.base() + "/console/#/n/signed");
    browser
        .await()
        .until(d ->
            Boolean.TRUE.equals(
                browser.script(
                    "const i = document.querySelector('#grid .tile img');"
                        + " return !!i && i.complete && i.naturalWidth > 0;")));
    String thumbnail = driver.findElement(By.cssSelector("#grid .tile img")).getDomAttribute("src");
    assertThat(thumbnail).startsWith("/variants/").doesNotContain("/insecure/");

    driver.findElement(By.cssSelector("#grid .tile button")).click();
    browser
        .await()
        .until(d ->
            Boolean.TRUE.equals(
                browser.script(
                    "const p = document.getElementById('variant-preview');"
                        + " return p.complete && p.naturalWidth === 320"
                        + " && p.naturalHeight === 240;")));
    String url = driver.findElement(By.id("variant-url")).getDomProperty("value");
    assertThat(url).startsWith(server.base() + "/variants/");
    assertThat(server.get(url.substring(server.base().length())).statusCode()).isEqualTo(200);
    browser.screenshot("signed-playground");
  }
}
