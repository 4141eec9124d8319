package io.statestore.daemon.redis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a start never load an AOF older than the data Redis acknowledged. While the AOF cannot be
 * written, Redis keeps the acknowledged writes in memory only; once a snapshot taken after the
 * failure succeeded, {@link #mark} records the AOF files as they were ({@code aof-stale}: names
 * and sizes). Before the next launch, {@link #recoverIfStale} compares: if the AOF is unchanged
 * (still missing those writes), it is set aside as {@code appendonlydir.stale-<ms>} (never
 * deleted) and the AOF is rebuilt from {@code dump.rdb}; if the AOF was written since (Redis
 * recovered and flushed its buffer, or rewrote it), the AOF is the newer file and is kept.
 */
public final class StaleAofRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(StaleAofRecovery.class);
    static final String MARKER = "aof-stale";
    private static final String AOF_DIR = "appendonlydir";

    /** Loads dump.rdb with AOF off, switches AOF on and waits for the rewrite; returns the key count. */
    @FunctionalInterface
    public interface Rebuild {
        long fromRdb() throws Exception;
    }

    private final Path dir;
    private final Rebuild rebuild;

    public StaleAofRecovery(Path dir, Rebuild rebuild) {
        this.dir = dir;
        this.rebuild = rebuild;
    }

    /** Records that dump.rdb now holds writes the AOF files, as they are now, lack. */
    public static void mark(Path dir) throws IOException {
        Path tmp = dir.resolve(MARKER + ".tmp");
        Files.writeString(tmp, listing(dir.resolve(AOF_DIR)));
        Files.move(tmp, dir.resolve(MARKER), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    public static boolean marked(Path dir) {
        return Files.exists(dir.resolve(MARKER));
    }

    /** The AOF was written again (it holds everything): the mark no longer applies. */
    public static void clear(Path dir) throws IOException {
        Files.deleteIfExists(dir.resolve(MARKER));
    }

    /** Run before each launch of the embedded server (first start and restarts). */
    public void recoverIfStale() throws IOException, InterruptedException {
        Path marker = dir.resolve(MARKER);
        if (!Files.exists(marker)) {
            return;
        }
        Path aof = dir.resolve(AOF_DIR);
        if (Files.isDirectory(aof) && !listing(aof).equals(Files.readString(marker))) {
            LOG.info("the AOF in {} was written after the failure that left dump.rdb newer; loading the AOF", aof);
            clear(dir);
            return;
        }
        if (!Files.exists(dir.resolve("dump.rdb"))) {
            LOG.error("{} says dump.rdb is newer than the AOF, but there is no dump.rdb; loading the AOF", marker);
            clear(dir);
            return;
        }
        if (Files.isDirectory(aof)) {
            Path aside = aof.resolveSibling(AOF_DIR + ".stale-" + System.currentTimeMillis());
            Files.move(aof, aside);
            LOG.warn(
                    "the AOF lacks writes that failed to reach it (disk full or write error); dump.rdb has them: "
                            + "loading dump.rdb and rebuilding the AOF from it (the old AOF is kept as {})",
                    aside);
        }
        long keys;
        try {
            keys = rebuild.fromRdb();
        } catch (IOException | InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("rebuilding the AOF from dump.rdb failed: " + e.getMessage(), e);
        }
        clear(dir); // only now: a failure above leaves the mark, so the next launch tries again
        LOG.warn("AOF rebuilt from dump.rdb: {} keys", keys);
    }

    private static String listing(Path aof) throws IOException {
        if (!Files.isDirectory(aof)) {
            return "";
        }
        try (Stream<Path> files = Files.list(aof)) {
            return files.sorted()
                    .map(f -> {
                        try {
                            return f.getFileName() + " " + Files.size(f);
                        } catch (IOException e) {
                            return f.getFileName() + " ?";
                        }
                    })
                    .collect(Collectors.joining("\n", "", "\n"));
        }
    }
}
