package io.statestore.daemon.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Writes a screenshot of each dashboard page into a directory (docs/screenshots), from a daemon
 * with a few sample documents, in headless Chromium. Not a test: run by hand when the pages
 * change, from the test classpath:
 * {@code M=src/statestore/target; java -cp $M/test-classes:$M/classes:src/client/target/classes:$(cat $M/bench-classpath.txt) io.statestore.daemon.web.DashboardScreenshots docs/screenshots}
 */
public final class DashboardScreenshots {
    private DashboardScreenshots() {}

    public static void main(String[] args) throws Exception {
        Path out = Files.createDirectories(Path.of(args.length > 0 ? args[0] : "docs/screenshots"));
        Path tmp = Files.createTempDirectory("dashboard-screenshots");
        WebDriver browser = Browser.start(tmp.resolve("profile"));
        try (DashboardDaemon d = new DashboardDaemon(tmp)) {
            for (int i = 0; i < 12; i++) {
                d.writer.put(
                        "quantum:job:" + i,
                        Map.of(
                                "state",
                                i % 3 == 0 ? "running" : "done",
                                "attempt",
                                i % 4,
                                "owner",
                                "worker-" + (i % 5)));
            }
            d.writer.put("h:quantum:status", Map.of("queue_depth", 17, "healthy", true, "workers", List.of("a", "b")));
            d.writer.put(
                    "h:quantum:status", Map.of("queue_depth", 23, "healthy", false, "workers", List.of("a", "b", "c")));
            d.writer.put("ops:maintenance", Map.of("window", "02:00-03:00"));
            String base = "http://127.0.0.1:" + d.httpPort();
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
            browser.get(base + "/login.html");
            shot(browser, out, "login");
            new Select(browser.findElement(By.id("role"))).selectByValue("writer");
            browser.findElement(By.id("password")).sendKeys(d.password("writer"));
            browser.findElement(By.id("submit")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("who"), "writer"));
            browser.get(base + "/?key=h:quantum:status");
            wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#history [data-rev]"), 2));
            browser.findElement(By.id("diff-button")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("diff-table")));
            shot(browser, out, "documents");
            browser.get(base + "/live.html");
            wait.until(b -> ((org.openqa.selenium.JavascriptExecutor) b).executeScript("return live.position") != null);
            for (int i = 0; i < 15; i++) {
                d.writer.merge("quantum:job:" + (i % 6), Map.of("attempt", i));
            }
            wait.until(b -> b.findElements(By.cssSelector("#live [data-rev]")).size() >= 15);
            shot(browser, out, "live");
            io.statestore.daemon.series.SeriesStore series = d.daemon.series().orElseThrow();
            series.register("quantum:queue_depth", "$.queue_depth of quantum:status");
            long now = System.currentTimeMillis();
            for (int i = 60; i >= 1; i--) {
                series.add("quantum:queue_depth", now - i * 60_000L, 20 + 8 * Math.sin(i / 6.0));
            }
            browser.get(base + "/series.html");
            By box = By.xpath("//label[contains(., 'quantum:queue_depth')]/input");
            wait.until(ExpectedConditions.presenceOfElementLocated(box));
            if (!browser.findElement(box).isSelected()) {
                browser.findElement(box).click();
            }
            // one scale for all: the daemon's memory in bytes would flatten the sampled field
            for (org.openqa.selenium.WebElement other :
                    browser.findElements(By.xpath("//label[not(contains(., 'quantum:queue_depth'))]/input"))) {
                if (other.isSelected()) {
                    other.click();
                }
            }
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#chart canvas")));
            shot(browser, out, "series");
            for (int i = 0; i < 40; i++) {
                d.writer
                        .events()
                        .publish(
                                i % 3 == 0 ? "asset.discovered" : "scan.finished",
                                "scanner",
                                io.statestore.client.StrictJson.parse("{\"n\":" + i + "}"));
            }
            browser.get(base + "/events.html");
            wait.until(b -> b.findElements(By.cssSelector("table tr")).size() > 2);
            shot(browser, out, "events");
            io.statestore.client.events.TaskProducer task =
                    d.writer.tasks().producer("nightly-scan", Duration.ofHours(1));
            for (int i = 0; i < 5; i++) {
                task.append("scanned batch " + i + "\n");
            }
            task.done("5 batches");
            browser.get(base + "/tasks.html");
            wait.until(b -> b.findElements(By.cssSelector("table tr")).size() > 1);
            shot(browser, out, "tasks");
            browser.get(base + "/daemon.html");
            wait.until(b -> b.findElements(By.cssSelector("table tr")).size() > 2);
            shot(browser, out, "daemon");
        } finally {
            browser.quit();
        }
    }

    private static void shot(WebDriver browser, Path dir, String name) throws Exception {
        Path png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(png, dir.resolve("dashboard-" + name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        System.out.println("wrote " + dir.resolve("dashboard-" + name + ".png"));
    }
}
