package io.statestore.daemon.web.ops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Renders a page in Debian's headless Chromium and returns its DOM once its scripts have run
 * (a virtual-time budget: timers and fetches settle without the test sleeping). The flags are
 * the ones issue 21 names for root on machines without network.
 */
public final class HeadlessChromium {
    private HeadlessChromium() {}

    /** The browser's path, or null when none is installed. */
    public static String binary() {
        for (String name : List.of("chromium", "chromium-browser")) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return p.toString();
                }
            }
        }
        return null;
    }

    public static String dom(String url) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("statestore-chromium-");
        try {
            Process p = new ProcessBuilder(
                            binary(),
                            "--headless",
                            "--no-sandbox",
                            "--disable-gpu",
                            "--user-data-dir=" + profile,
                            "--disable-background-networking",
                            "--disable-component-update",
                            "--disable-sync",
                            "--virtual-time-budget=8000",
                            "--dump-dom",
                            url)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String dom = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("chromium did not finish rendering " + url);
            }
            return dom;
        } finally {
            try (Stream<Path> walk = Files.walk(profile)) {
                walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
