package io.statestore.daemon.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A headless Debian Chromium for the dashboard's browser tests, or a skipped test class with the
 * reason printed when there is none (scripts/test installs chromium and chromium-driver).
 */
final class Browser {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private Browser() {}

    static WebDriver start(Path profile) {
        String missing = !Files.isExecutable(CHROMIUM)
                ? CHROMIUM + " is missing (apt-get install chromium)"
                : !Files.isExecutable(DRIVER) ? DRIVER + " is missing (apt-get install chromium-driver)" : null;
        if (missing != null) {
            skip(missing);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // as root, with no network: no sandbox, no GPU, a fresh profile, nothing that calls out
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--user-data-dir=" + profile,
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--window-size=1280,900",
                "--no-first-run");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .build();
        try {
            WebDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
            return driver;
        } catch (RuntimeException e) {
            skip("Chromium would not start: "
                    + e.getMessage().lines().findFirst().orElse(""));
            return null;
        }
    }

    private static void skip(String reason) {
        System.out.println("SKIPPED dashboard browser tests: " + reason);
        Assumptions.abort("dashboard browser tests skipped: " + reason);
    }
}
