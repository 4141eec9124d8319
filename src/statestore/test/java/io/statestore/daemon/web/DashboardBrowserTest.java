package io.statestore.daemon.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium against a running daemon. Every wait is bounded and
 * generous (a loaded machine is slow, never wrong); none is a sleep.
 */
class DashboardBrowserTest {
    private static final Duration BOUND = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    static DashboardDaemon d;
    static WebDriver browser;
    static WebDriverWait wait;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        browser = Browser.start(dir.resolve("chromium-profile"));
        wait = new WebDriverWait(browser, BOUND);
        d = new DashboardDaemon(dir);
        base = "http://127.0.0.1:" + d.httpPort();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (d != null) {
            d.close();
        }
    }

    static void loginAs(String role) throws Exception {
        browser.manage().deleteAllCookies();
        browser.get(base + "/login.html");
        new Select(browser.findElement(By.id("role"))).selectByValue(role);
        browser.findElement(By.id("password")).sendKeys(d.password(role));
        browser.findElement(By.id("submit")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("who"), role));
    }

    static Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    @Test
    void theDocumentsPageListsADocumentAClientJustWrote() throws Exception {
        loginAs("reader");
        d.writer.put("web:fresh", Map.of("status", "new", "n", 7));
        browser.get(base + "/?prefix=web:");
        WebElement row =
                wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#keys [data-key='web:fresh']")));
        row.click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("json"), "\"status\": \"new\""));
        assertEquals("1", browser.findElement(By.id("revision")).getText());
    }

    @Test
    void aChangeAppearsOnTheLivePageWithoutAReload() throws Exception {
        loginAs("reader");
        openLive("");
        d.writer.put("live:one", Map.of("n", 1));
        wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#live [data-key='live:one'][data-rev='1']")));
    }

    @Test
    void theHistoryDiffShowsTheChangedField() throws Exception {
        loginAs("reader");
        d.writer.put("h:web", Map.of("status", "ok", "n", 1));
        d.writer.put("h:web", Map.of("status", "failed", "n", 1));
        browser.get(base + "/?key=h:web");
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#history [data-rev]"), 2));
        browser.findElement(By.id("diff-button")).click();
        WebElement changed = wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#diff-table tr.changed[data-path='$.status']")));
        assertTrue(changed.getText().contains("\"failed\""), changed.getText());
        assertEquals(
                1, browser.findElements(By.cssSelector("#diff-table tbody tr")).size(), "only the status changed");
    }

    @Test
    void afterAForcedDisconnectDuring500ChangesThePageShowsAll500() throws Exception {
        loginAs("reader");
        openLive("burst:");
        java.util.concurrent.CountDownLatch disconnected = new java.util.concurrent.CountDownLatch(1);
        Thread writes = new Thread(() -> {
            for (int i = 0; i < 500; i++) {
                if (i == 250) {
                    try {
                        disconnected.await(); // the second half is written while the page is away
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                d.writer.put("burst:" + (i % 10), Map.of("i", i));
            }
        });
        writes.start();
        wait.until(b -> browser.findElements(By.cssSelector("#live [data-key^='burst:']"))
                        .size()
                >= 50);
        d.daemon.http().orElseThrow().live().orElseThrow().disconnectAll();
        disconnected.countDown();
        writes.join();
        wait.until(b -> browser.findElements(By.cssSelector("#live [data-key^='burst:']"))
                        .size()
                >= 500);
        @SuppressWarnings("unchecked")
        List<String> ids = (List<String>)
                js("return [...document.querySelectorAll(\"#live [data-key^='burst:']\")]" + ".map(r => r.dataset.id)");
        Set<String> distinct = new HashSet<>(ids);
        assertEquals(500, ids.size(), "no change shown twice");
        assertEquals(500, distinct.size());
        assertTrue(browser.findElement(By.id("status")).getText().contains("connected"));
    }

    @Test
    void aReaderSeesNoRevertButtonAndAForgedRevertIsRefused() throws Exception {
        d.writer.put("h:guard", Map.of("v", 1));
        d.writer.put("h:guard", Map.of("v", 2));
        loginAs("writer");
        browser.get(base + "/?key=h:guard");
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#history [data-rev]"), 2));
        assertEquals(1, browser.findElements(By.cssSelector("button.revert")).size(), "a writer may revert");

        // another site's page (another origin) posts a revert with the writer's cookie and no CSRF token
        HttpServer evil = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] page = ("<!doctype html><form id=f method=POST enctype=text/plain action='" + base + "/api/revert'>"
                        + "<input name='{\"key\":\"h:guard\",\"revision\":1,\"x\":\"' value='\"}'></form>"
                        + "<script>document.getElementById('f').submit()</script>")
                .getBytes(StandardCharsets.UTF_8);
        evil.createContext("/", ex -> {
            ex.getResponseHeaders().set("Content-Type", "text/html");
            ex.sendResponseHeaders(200, page.length);
            ex.getResponseBody().write(page);
            ex.close();
        });
        evil.start();
        try {
            browser.get("http://127.0.0.1:" + evil.getAddress().getPort() + "/");
            wait.until(ExpectedConditions.urlContains("/api/revert"));
            wait.until(ExpectedConditions.presenceOfElementLocated(By.tagName("body")));
            assertTrue(browser.getPageSource().contains("refused"), browser.getPageSource());
        } finally {
            evil.stop(0);
        }
        assertEquals(2, d.writer.get("h:guard").orElseThrow().revision(), "the forged revert changed nothing");

        loginAs("reader");
        browser.get(base + "/?key=h:guard");
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#history [data-rev]"), 2));
        assertEquals(0, browser.findElements(By.cssSelector("button.revert")).size(), "a reader has no revert button");
    }

    @Test
    void theSeriesPageChartsWhatTheDaemonStored() throws Exception {
        // points stored in the running daemon's own series store, read back through its real
        // /api/series endpoints (the sampling job that stores them is SeriesJobTest's subject)
        io.statestore.daemon.series.SeriesStore series = d.daemon.series().orElseThrow();
        series.register("browser:depth", "a field sampled for this test");
        long now = System.currentTimeMillis();
        for (int i = 12; i >= 1; i--) {
            series.add("browser:depth", now - i * 60_000L, i * 7.0);
        }
        loginAs("reader");
        browser.get(base + "/series.html");
        By box = By.xpath("//label[contains(., 'browser:depth')]/input");
        wait.until(ExpectedConditions.presenceOfElementLocated(box));
        if (!browser.findElement(box).isSelected()) {
            browser.findElement(box).click(); // the page charts its first three series unless told
        }
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#chart canvas")));
        wait.until(b -> Boolean.TRUE.equals(
                js("return !!plot.chart && plot.chart.series.some(s => s.label === 'browser:depth')")));
        wait.until(b -> Long.valueOf(12)
                .equals(js("var i = plot.chart.series.findIndex(s => s.label === 'browser:depth');"
                        + " return plot.chart.data[i].filter(v => v != null).length")));
    }

    /** The series endpoints' contract, answered from fixed points: the page must chart what they return. */
    static final class FixedSeries implements WebRoutes {
        @Override
        public void register(Registry registry) {
            registry.get("/series", Access.READER, r -> List.of("queue_depth", "changes_per_s"));
            registry.get("/series/range", Access.READER, r -> {
                long to = Long.parseLong(r.query("to").orElseThrow());
                String name = r.query("name").orElseThrow();
                List<List<Number>> points = new java.util.ArrayList<>();
                for (int i = 10; i >= 1; i--) {
                    points.add(List.of(to - i * 60_000L, name.length() * i));
                }
                return Map.of("name", name, "points", points);
            });
        }
    }

    @Test
    void theSeriesPageChartsThePointsTheEndpointsReturn() throws Exception {
        Path secrets = java.nio.file.Files.createDirectories(dir.resolve("series-secrets"));
        java.nio.file.Files.writeString(secrets.resolve("reader.password"), "series-reader\n");
        try (io.statestore.daemon.status.Metrics metrics = new io.statestore.daemon.status.Metrics();
                WebServer server = new WebServer(new WebServer.Setup(
                        "127.0.0.1",
                        0,
                        List::of,
                        metrics,
                        new Credentials(r -> secrets.resolve(r.userName() + ".password"), java.util.Optional.empty()),
                        List.of(new FixedSeries()),
                        java.util.Optional.empty()))) {
            String other = "http://127.0.0.1:" + server.port();
            browser.manage().deleteAllCookies();
            browser.get(other + "/login.html");
            browser.findElement(By.id("password")).sendKeys("series-reader");
            browser.findElement(By.id("submit")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("who"), "reader"));
            browser.get(other + "/series.html");
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#chart canvas")));
            wait.until(b -> Long.valueOf(10).equals(js("return plot.chart ? plot.chart.data[0].length : 0")));
            assertEquals(
                    List.of("queue_depth", "changes_per_s"), js("return plot.chart.series.slice(1).map(s => s.label)"));
            assertEquals(110L, js("return plot.chart.data[1][0]"), "the first point of queue_depth: 11 * 10");
        }
    }

    /** Opens the live page (filtered by {@code prefix}) and waits until it knows its feed position. */
    private static void openLive(String prefix) {
        browser.get(base + "/live.html");
        if (!prefix.isEmpty()) {
            wait.until(b -> js("return live.position") != null);
            browser.findElement(By.id("prefix")).sendKeys(prefix);
            browser.findElement(By.cssSelector("#filter button[type=submit]")).click();
        }
        wait.until(b -> js("return live.position") != null);
    }
}
