package io.statestore.testing;

import io.statestore.client.Role;
import io.statestore.client.StateStore;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.spi.KeyLayout;
import io.statestore.daemon.acl.AclRules;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * Starts a real redis-server for a test class, on a free loopback port in a temporary
 * directory, and stops it afterwards. Register it as a static field:
 * {@code @RegisterExtension static RedisServerExtension redis = RedisServerExtension.portable();}
 *
 * <p>The binary is {@code redis-server} from PATH or {@code STATESTORE_TEST_REDIS_SERVER}.
 * {@link #module()} loads the JSON module named by {@code STATESTORE_TEST_JSON_MODULE}; without
 * it the module-mode tests are skipped with the reason printed (Testcontainers takes over where
 * Docker exists, see {@link DockerRedis}).
 */
public final class RedisServerExtension implements BeforeAllCallback, AfterAllCallback, ExecutionCondition, TestRedis {
    public static final String SERVER_ENV = "STATESTORE_TEST_REDIS_SERVER";
    public static final String MODULE_ENV = "STATESTORE_TEST_JSON_MODULE";

    private final boolean moduleMode;
    private final List<String> extraArgs = new ArrayList<>();
    private final List<StateStore> stores = new ArrayList<>();
    private Path dir;
    private String host = "127.0.0.1";
    private int port;
    private Process process;
    private DockerRedis docker;
    private Role role;
    private Path rolePasswordFile;
    private UnifiedJedis commands;

    private RedisServerExtension(boolean moduleMode) {
        this.moduleMode = moduleMode;
    }

    /** A stock server: documents are stored as JSON strings. */
    public static RedisServerExtension portable() {
        return new RedisServerExtension(false);
    }

    /** A server with a RedisJSON-compatible module, or a skipped test class when none is available. */
    public static RedisServerExtension module() {
        return new RedisServerExtension(true);
    }

    /**
     * Stores from {@link #newStore} connect as this role's ACL user, made with the daemon's rules
     * (issue 15), so a whole contract runs with no more permission than that role has; the
     * default user stays open for the tests' own inspection.
     */
    public RedisServerExtension asRole(Role role) {
        this.role = role;
        return this;
    }

    /** Extra redis-server arguments, e.g. {@code "--appendonly", "yes"}. */
    public RedisServerExtension withArgs(String... args) {
        extraArgs.addAll(List.of(args));
        return this;
    }

    /** Module-mode classes are skipped, with the reason reported, when no module server can be had. */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (!moduleMode || System.getenv(MODULE_ENV) != null || DockerRedis.available()) {
            return ConditionEvaluationResult.enabled("a server for this mode is available");
        }
        String reason = "module-mode tests skipped: set " + MODULE_ENV + " to a RedisJSON-compatible module" + " (and "
                + SERVER_ENV + " to a server that loads it), or run where Docker is available";
        System.out.println("[SKIP] " + context.getDisplayName() + ": " + reason);
        return ConditionEvaluationResult.disabled(reason);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (moduleMode && System.getenv(MODULE_ENV) == null) {
            docker = DockerRedis.start();
            host = docker.host();
            port = docker.port();
            return;
        }
        startOnAFreePort(FreePorts::pick);
    }

    /** Where the first start takes its port from (a test of the harness hands it a taken one first). */
    interface PortSource {
        int next() throws IOException;
    }

    /** The first start: on a port from {@code ports}, and on the next one if another process took it meanwhile. */
    void startOnAFreePort(PortSource ports) throws IOException, InterruptedException {
        dir = Files.createTempDirectory("statestore-redis-");
        for (int attempt = 1; ; attempt++) {
            port = ports.next();
            try {
                start();
                return;
            } catch (PortTaken e) {
                // taken between the pick and the bind (another JVM on this machine): another port
                if (attempt == 3) {
                    throw e;
                }
                Files.deleteIfExists(dir.resolve("redis.log")); // appended to: the next try's own words only
            }
        }
    }

    /** redis-server could not bind its port: something else took it after it was picked. */
    private static final class PortTaken extends IOException {
        PortTaken(String message) {
            super(message);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        for (StateStore s : stores) {
            s.close();
        }
        stores.clear();
        if (commands != null) {
            commands.close();
            commands = null;
        }
        if (docker != null) {
            docker.close();
            return;
        }
        stop();
        if (dir != null) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    /**
     * A plain redis-server on {@code port} that is not an extension's (no persistence; data and
     * output in {@code dir}, created): the "someone else's server" that tests put on a port.
     * Caller stops it ({@code destroy()}).
     */
    public static Process startForeign(int port, Path dir, String... extraArgs) throws IOException {
        Files.createDirectories(dir);
        List<String> cmd = new ArrayList<>(List.of(
                serverBinary(),
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString()));
        cmd.addAll(List.of(extraArgs));
        return new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.out").toFile())
                .start();
    }

    public static String serverBinary() {
        String s = System.getenv(SERVER_ENV);
        return s == null || s.isBlank() ? "redis-server" : s;
    }

    /** Starts the server (again) on the same port and data directory. */
    public void start() throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                serverBinary(),
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--dir",
                dir.toString(),
                "--save",
                "",
                "--appendonly",
                "no",
                "--logfile",
                dir.resolve("redis.log").toString(),
                "--daemonize",
                "no"));
        if (moduleMode) {
            cmd.add("--loadmodule");
            cmd.add(System.getenv(MODULE_ENV));
        }
        cmd.addAll(extraArgs);
        process = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.out").toFile())
                .start();
        awaitPing(Duration.ofSeconds(20));
    }

    /** Stops the server gracefully (SHUTDOWN, saving if persistence is configured). */
    public void stop() throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        try (Jedis j = new Jedis("127.0.0.1", port)) {
            j.shutdown();
        } catch (RuntimeException e) {
            process.destroy();
        }
        process.waitFor();
    }

    /** Kills the server with SIGKILL, as a crash would. */
    public void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    private void awaitPing(Duration limit) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String output = Files.readString(dir.resolve("redis.out"))
                        + (Files.exists(dir.resolve("redis.log")) ? Files.readString(dir.resolve("redis.log")) : "");
                if (output.contains("Address already in use")) {
                    throw new PortTaken("redis-server could not bind port " + port + ": " + output);
                }
                throw new IOException("redis-server exited at start: " + output);
            }
            try (Jedis j = new Jedis("127.0.0.1", port)) {
                // the PID too: a server that took the port first would answer PING while ours
                // is still on its way to "Address already in use"
                if ("PONG".equals(j.ping()) && isOurs(j.info("server"))) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // server not accepting connections yet, or still loading its data
            }
            Thread.sleep(20);
        }
        throw new IOException("redis-server did not answer PING within " + limit);
    }

    private boolean isOurs(String infoServer) {
        return infoServer.lines().anyMatch(l -> l.strip().equals("process_id:" + process.pid()));
    }

    public int port() {
        return port;
    }

    @Override
    public String uri() {
        return "redis://" + host + ":" + port;
    }

    public Path dataDir() {
        return dir;
    }

    /** Installs the libraries as the default user (the daemon's part), then points {@code b} at the role's user. */
    private void asRoleUser(StateStoreOptions.Builder b) {
        try (StateStore installer = StateStore.connect(
                        StateStoreOptions.builder().uri(uri()).build());
                Jedis j = jedis()) {
            boolean json = j.aclCat().stream().anyMatch(c -> c.equalsIgnoreCase("json"));
            List<String> rules = new ArrayList<>(AclRules.rules(role, "ss:", List.of("*"), json));
            rules.add(">" + role.userName() + "-test-password");
            j.aclSetUser(role.userName(), rules.toArray(new String[0]));
            if (rolePasswordFile == null) {
                rolePasswordFile = Files.createTempFile("statestore-" + role.userName(), ".password");
                Files.writeString(rolePasswordFile, role.userName() + "-test-password\n");
                rolePasswordFile.toFile().deleteOnExit();
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        b.user(role.userName()).passwordFile(rolePasswordFile);
    }

    /** The password file of {@link #asRole}'s user, once a store has connected; null before or without a role. */
    public Path rolePasswordFile() {
        return rolePasswordFile;
    }

    @Override
    public boolean moduleMode() {
        return moduleMode;
    }

    @Override
    public boolean cluster() {
        return false;
    }

    @Override
    public KeyLayout layout() {
        return new KeyLayout("ss:");
    }

    /** Pooled, so it reconnects after {@link #stop}/{@link #start}; closed after the class. */
    @Override
    public synchronized UnifiedJedis commands() {
        if (commands == null) {
            commands = RedisClient.create(host, port);
        }
        return commands;
    }

    @Override
    public List<Jedis> primaries() {
        return List.of(jedis());
    }

    /** A plain Jedis connection for inspecting what the store wrote. Caller closes it. */
    public Jedis jedis() {
        return new Jedis(host, port);
    }

    /**
     * For tests that call the functions directly: flushes the server, installs the function
     * libraries (a store does that when it connects) and returns a plain connection to it.
     */
    public Jedis flushedWithLibraries() {
        flushAll();
        newStore();
        return jedis();
    }

    @Override
    public void flushAll() {
        try (Jedis j = jedis()) {
            j.flushAll();
        }
    }

    /** A store on this server, closed after the class. */
    @Override
    public StateStore newStore() {
        return newStore(b -> {});
    }

    @Override
    public StateStore newStore(Consumer<StateStoreOptions.Builder> custom) {
        StateStoreOptions.Builder b = StateStoreOptions.builder().uri(uri()).writer("test");
        if (role != null) {
            asRoleUser(b);
        }
        custom.accept(b);
        StateStore s = StateStore.connect(b.build());
        stores.add(s);
        return s;
    }
}
