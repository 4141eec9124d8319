package io.statestore.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.StrictJson;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15: the CLI, run by the daemon's user, finds the daemon through its connection file in
 * ~/.local/share/statestore with no flags and no STATESTORE_* variables, whatever port the
 * daemon was given; another Unix user is told in one line that it cannot read that file.
 */
class NoFlagsCliTest {
    @TempDir
    static Path dir;

    static Path home;
    static Daemon daemon;

    @BeforeAll
    static void start() throws Exception {
        home = dir.resolve("home");
        Path data = home.resolve(".local/share/statestore");
        // a port other than the default, so only the connection file can tell the CLI where to go
        int port = TestSupport.freePort();
        daemon = new Daemon(TestSupport.load(dir, """
                dataDir: %s
                embedded:
                  port: %d
                """.formatted(data, port)));
        daemon.start();
    }

    @AfterAll
    static void stop() {
        if (daemon != null) {
            daemon.stop();
        }
    }

    record Run(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    @Test
    void theDaemonsUserNeedsNoFlags() throws Exception {
        String doc = "{\"service\":\"up\",\"n\":3}";
        Run put = cli(List.of(), doc, "put", "x");
        assertEquals(0, put.exit(), put.toString());
        Run get = cli(List.of(), "", "get", "x");
        assertEquals(0, get.exit(), get.toString());
        assertEquals(StrictJson.mapper().readTree(doc), StrictJson.mapper().readTree(get.out()), get.toString());
        Run ls = cli(List.of(), "", "ls");
        assertEquals(0, ls.exit(), ls.toString());
        assertEquals("x\n", ls.out(), ls.toString());
    }

    @Test
    void anotherUnixUserIsToldInOneLineThatTheConnectionFileIsNotTheirs() throws Exception {
        String why = null;
        if (!"0".equals(run(List.of("id", "-u"), Map.of(), "").out().strip())) {
            why = "not running as root: cannot run the CLI as another Unix user";
        } else if (!Files.isExecutable(Path.of("/usr/sbin/runuser")) && !Files.isExecutable(Path.of("/sbin/runuser"))) {
            why = "no runuser on this machine";
        }
        if (why != null) {
            System.out.println("skipped: " + why);
            Assumptions.assumeTrue(false, why);
        }
        // nobody may walk down to the state directory: what refuses it must be that directory's own 0700
        for (Path p = home.resolve(".local/share"); !p.equals(dir.getParent()); p = p.getParent()) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Path cp = readableCopyOfClassPath();
        try {
            Run get = cli(List.of("runuser", "-u", "nobody", "--", "env", "HOME=" + home), "", cp, "get", "x");
            assertEquals(6, get.exit(), "permission denied: " + get);
            assertEquals("", get.out(), get.toString());
            String[] lines = get.err().split("\n");
            assertEquals(1, lines.length, get.toString());
            assertTrue(
                    lines[0].contains("cannot read the statestore connection file")
                            && lines[0].contains("permission denied"),
                    get.toString());
        } finally {
            deleteTree(cp);
        }
    }

    private Run cli(List<String> prefix, String stdin, String... args) throws Exception {
        return cli(prefix, stdin, null, args);
    }

    /** The CLI in its own JVM, with HOME in our temporary directory and no statestore variables. */
    private Run cli(List<String> prefix, String stdin, Path classPathCopy, String... args) throws Exception {
        String classPath =
                classPathCopy == null ? System.getProperty("java.class.path") : copiedClassPath(classPathCopy);
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classPath,
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "io.statestore.cli.Main"));
        cmd.addAll(List.of(args));
        return run(cmd, Map.of("HOME", home.toString()), stdin);
    }

    static Run run(List<String> cmd, Map<String, String> extraEnv, String stdin) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("STATESTORE_") || k.equals("CREDENTIALS_DIRECTORY"));
        pb.environment().putAll(extraEnv);
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        try (var in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        if (!p.waitFor(DaemonProcess.JVM_BOUND.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** The test's class path lives under root's home; nobody needs a copy it can read. */
    private static Path readableCopyOfClassPath() throws IOException {
        Path root = Files.createTempDirectory(Path.of("/tmp"), "statestore-cp-");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        String[] entries = System.getProperty("java.class.path").split(File.pathSeparator);
        for (int i = 0; i < entries.length; i++) {
            Path from = Path.of(entries[i]);
            if (!Files.exists(from)) {
                continue;
            }
            Path to = root.resolve(i + (Files.isDirectory(from) ? "" : ".jar"));
            try (Stream<Path> all = Files.walk(from)) {
                for (Path f : (Iterable<Path>) all::iterator) {
                    Path target = to.resolve(from.relativize(f).toString());
                    if (Files.isDirectory(f)) {
                        Files.createDirectories(target);
                        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
                    } else {
                        Files.copy(f, f.equals(from) ? to : target, StandardCopyOption.REPLACE_EXISTING);
                        Files.setPosixFilePermissions(
                                f.equals(from) ? to : target, PosixFilePermissions.fromString("rw-r--r--"));
                    }
                }
            }
        }
        return root;
    }

    /** The copy's entries, in the original order. */
    private static String copiedClassPath(Path root) {
        String[] entries = System.getProperty("java.class.path").split(File.pathSeparator);
        List<String> l = new ArrayList<>();
        for (int i = 0; i < entries.length; i++) {
            Path dirCopy = root.resolve(Integer.toString(i));
            Path jarCopy = root.resolve(i + ".jar");
            if (Files.isDirectory(dirCopy)) {
                l.add(dirCopy.toString());
            } else if (Files.exists(jarCopy)) {
                l.add(jarCopy.toString());
            }
        }
        return String.join(File.pathSeparator, l);
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
