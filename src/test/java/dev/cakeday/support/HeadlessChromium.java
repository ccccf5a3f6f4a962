package dev.cakeday.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * A headless Chromium driven through chromedriver, both Debian's ({@code apt-get install chromium
 * chromium-driver}); {@code CAKEDAY_CHROMIUM} and {@code CAKEDAY_CHROMEDRIVER} name others. Where
 * either is missing the test fails, never skips: a browser test that silently did not run proves
 * nothing. Selenium Manager is never asked to download a browser or a driver.
 */
public final class HeadlessChromium implements AutoCloseable {

    private static final String INSTALL = "apt-get install chromium chromium-driver";

    private final ChromeDriver driver;

    private HeadlessChromium(ChromeDriver driver) {
        this.driver = driver;
    }

    /** Starts the browser with a 1280×800 window. */
    public static HeadlessChromium start() {
        Path browser = executable("CAKEDAY_CHROMIUM", "/usr/bin/chromium", "Chromium");
        Path chromedriver =
                executable("CAKEDAY_CHROMEDRIVER", "/usr/bin/chromedriver", "chromedriver");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(browser.toFile());
        options.addArguments(
                "--headless=new",
                // The sandbox needs user namespaces, which containers and root often lack.
                "--no-sandbox",
                "--disable-dev-shm-usage",
                "--disable-gpu",
                "--disable-extensions",
                "--no-first-run",
                "--lang=en-US",
                "--window-size=1280,800",
                "--force-device-scale-factor=1");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service =
                new ChromeDriverService.Builder()
                        .usingDriverExecutable(chromedriver.toFile())
                        .usingAnyFreePort()
                        .withTimeout(Duration.ofSeconds(30))
                        .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
        HeadlessChromium chromium = new HeadlessChromium(driver);
        chromium.viewport(1280, 800, 1, false);
        return chromium;
    }

    private static Path executable(String variable, String fallback, String what) {
        String configured = System.getenv(variable);
        Path path = Path.of(configured == null || configured.isBlank() ? fallback : configured);
        if (!Files.isExecutable(path)) {
            throw new AssertionError(
                    what
                            + " is missing at "
                            + path
                            + " ("
                            + variable
                            + " names another): the console's browser tests need it; on Debian"
                            + " or Ubuntu: "
                            + INSTALL);
        }
        return path;
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** Lays the page out as a screen of this size would (a phone: {@code mobile} true). */
    public void viewport(int width, int height, double scale, boolean mobile) {
        driver.executeCdpCommand(
                "Emulation.setDeviceMetricsOverride",
                Map.of(
                        "width",
                        width,
                        "height",
                        height,
                        "deviceScaleFactor",
                        scale,
                        "mobile",
                        mobile));
    }

    /**
     * Saves a PNG of the page from its top, as tall as the page up to {@code maxHeight} CSS pixels.
     */
    public Path screenshot(Path file, int maxHeight) {
        @SuppressWarnings("unchecked")
        Map<String, Object> size =
                (Map<String, Object>)
                        driver.executeCdpCommand("Page.getLayoutMetrics", Map.of())
                                .get("cssContentSize");
        @SuppressWarnings("unchecked")
        Map<String, Object> viewport =
                (Map<String, Object>)
                        driver.executeCdpCommand("Page.getLayoutMetrics", Map.of())
                                .get("cssLayoutViewport");
        double width = ((Number) viewport.get("clientWidth")).doubleValue();
        double height = Math.min(maxHeight, ((Number) size.get("height")).doubleValue());
        Map<String, Object> shot =
                driver.executeCdpCommand(
                        "Page.captureScreenshot",
                        Map.of(
                                "format",
                                "png",
                                "captureBeyondViewport",
                                true,
                                "clip",
                                Map.of(
                                        "x", 0, "y", 0, "width", width, "height", height, "scale",
                                        1)));
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, Base64.getDecoder().decode((String) shot.get("data")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** The browser's console messages since the last call. */
    public List<String> consoleMessages() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .map(LogEntry::toString)
                .toList();
    }

    @Override
    public void close() {
        driver.quit();
    }
}
