package io.statestore.daemon.backup;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.statestore.client.StrictJson;
import io.statestore.client.spi.ClusterNodes;
import io.statestore.daemon.files.PrivateFiles;
import io.statestore.daemon.redis.RedisAdmin;
import io.statestore.daemon.redis.Shard;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A backup of a Redis Cluster: one backup set, a directory {@code statestore-cluster-<time>/}
 * holding the RDB of every primary (taken over the replication protocol, as {@code redis-cli
 * --rdb} does, so it is a fresh snapshot whatever the node's persistence) and {@code
 * manifest.json}: per file the node, its address, its slot ranges, size, SHA-256 and what
 * verified it, and the time. It is built in a hidden {@code .partial-set} directory and moved
 * into place only when every file was verified, so a set in the backup directory is complete.
 */
public final class ClusterBackup {
    public static final String MANIFEST = "manifest.json";
    static final String PREFIX = "statestore-cluster-";
    private static final String PARTIAL = ".partial-set";
    private static final Logger LOG = LoggerFactory.getLogger(ClusterBackup.class);

    private final RedisAdmin redis;
    private final RdbFetcher fetcher;
    private final RdbVerifier verifier;
    private final Path dir;
    private final int keep;

    ClusterBackup(RedisAdmin redis, RdbFetcher fetcher, RdbVerifier verifier, Path dir, int keep) {
        this.redis = redis;
        this.fetcher = fetcher;
        this.verifier = verifier;
        this.dir = dir;
        this.keep = keep;
    }

    /** One file of a set, as the manifest records it. */
    public record Entry(String file, String nodeId, String address, String slots, long size, String sha256) {}

    BackupResult backupNow(Duration timeout, BooleanSupplier aborted)
            throws BackupException, IOException, InterruptedException {
        long t0 = System.nanoTime();
        Instant at = Instant.now();
        PrivateFiles.directory(dir);
        removePartials();
        String name =
                PREFIX + BackupNames.name(at).substring("statestore-".length()).replace(".rdb", "");
        Path work = PrivateFiles.directory(dir.resolve("." + name + PARTIAL));
        try {
            List<Entry> entries = new ArrayList<>();
            List<String> verifiedBy = new ArrayList<>();
            for (Shard shard : redis.shards()) {
                ClusterNodes.Node node = shard.node().orElseThrow();
                String file = "slots-" + node.slots().get(0)[0] + ".rdb";
                Path f = work.resolve(file);
                fetcher.replicate(shard.address(), f, (int) timeout.toMillis(), aborted);
                if (aborted.getAsBoolean()) {
                    throw new BackupException("backup aborted by shutdown");
                }
                PrivateFiles.file(f);
                verifiedBy.add(verifier.verify(f));
                entries.add(new Entry(
                        file, node.id(), shard.address().toString(), node.ranges(), Files.size(f), sha256(f)));
            }
            writeManifest(work.resolve(MANIFEST), at, entries);
            Path target = dir.resolve(name);
            Files.move(work, target, StandardCopyOption.ATOMIC_MOVE);
            long size = entries.stream().mapToLong(Entry::size).sum();
            List<Path> rotated = rotate();
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            LOG.info(
                    "backup: cluster set {} ({} primaries, {} bytes, verified by {}) in {} ms; rotated away {}",
                    target,
                    entries.size(),
                    size,
                    String.join(", ", new java.util.TreeSet<>(verifiedBy)),
                    took.toMillis(),
                    rotated.size());
            return new BackupResult(
                    target,
                    size,
                    "replication from " + entries.size() + " primaries",
                    String.join(", ", new java.util.TreeSet<>(verifiedBy)),
                    took,
                    rotated);
        } finally {
            deleteTree(work);
        }
    }

    private static void writeManifest(Path file, Instant at, List<Entry> entries) throws IOException {
        ObjectNode m = StrictJson.mapper().createObjectNode();
        m.put("format", "statestore-cluster-backup/1");
        m.put("time", at.toString());
        m.put("primaries", entries.size());
        ArrayNode files = m.putArray("files");
        for (Entry e : entries) {
            files.addObject()
                    .put("file", e.file())
                    .put("node", e.nodeId())
                    .put("address", e.address())
                    .put("slots", e.slots())
                    .put("size", e.size())
                    .put("sha256", e.sha256());
        }
        Files.writeString(file, m.toPrettyString() + "\n", StandardCharsets.UTF_8);
        PrivateFiles.file(file);
    }

    /** The entries of a set's manifest, each file's size and checksum checked again; throws naming what differs. */
    public static List<Entry> read(Path set) throws IOException, BackupException {
        Path manifest = set.resolve(MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            throw new BackupException(set + " is not a cluster backup set: it has no " + MANIFEST);
        }
        com.fasterxml.jackson.databind.JsonNode m;
        try {
            m = StrictJson.mapper().readTree(manifest.toFile());
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new BackupException(
                    "backup set " + set + ": " + MANIFEST + " is damaged (not JSON: " + e.getOriginalMessage() + ")");
        }
        if (m == null || !m.path("files").isArray() || m.path("files").isEmpty()) {
            throw new BackupException("backup set " + set + ": " + MANIFEST + " is damaged (no \"files\" list)");
        }
        List<Entry> out = new ArrayList<>();
        for (var f : m.get("files")) {
            for (String field : List.of("file", "node", "address", "slots", "size", "sha256")) {
                if (!f.hasNonNull(field)) {
                    throw new BackupException(
                            "backup set " + set + ": " + MANIFEST + " is damaged (an entry without \"" + field + "\")");
                }
            }
            Entry e = new Entry(
                    f.get("file").asText(),
                    f.get("node").asText(),
                    f.get("address").asText(),
                    f.get("slots").asText(),
                    f.get("size").asLong(),
                    f.get("sha256").asText());
            // a name with a directory in it would point the checks, and the printed cp, outside the set
            if (!e.file().matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                throw new BackupException("backup set " + set + ": " + MANIFEST + " names \"" + e.file()
                        + "\", which is not a file of the set (a plain file name)");
            }
            Path p = set.resolve(e.file());
            if (!Files.isRegularFile(p)) {
                throw new BackupException("backup set " + set + ": " + e.file() + " is missing");
            }
            if (Files.size(p) != e.size() || !sha256(p).equals(e.sha256())) {
                throw new BackupException("backup set " + set + ": " + e.file()
                        + " differs from the manifest (size or SHA-256): damaged or changed");
            }
            out.add(e);
        }
        return out;
    }

    /** Complete cluster backup sets in {@code dir}, newest first. */
    public static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p ->
                            p.getFileName().toString().startsWith(PREFIX) && Files.isRegularFile(p.resolve(MANIFEST)))
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString())
                            .reversed())
                    .toList();
        }
    }

    /** The bytes of a set's files (its manifest's sizes). */
    public static long size(Path set) throws IOException {
        long n = 0;
        for (var f :
                StrictJson.mapper().readTree(set.resolve(MANIFEST).toFile()).get("files")) {
            n += f.get("size").asLong();
        }
        return n;
    }

    /** Keeps the newest {@code backup.keep} sets (the daily and weekly tiers are not applied to sets yet). */
    private List<Path> rotate() throws IOException {
        List<Path> sets = list(dir);
        List<Path> removed = new ArrayList<>();
        for (int i = Math.max(1, keep); i < sets.size(); i++) {
            deleteTree(sets.get(i));
            removed.add(sets.get(i));
        }
        return removed;
    }

    private void removePartials() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p :
                    s.filter(p -> p.getFileName().toString().endsWith(PARTIAL)).toList()) {
                deleteTree(p);
            }
        }
    }

    static String sha256(Path f) throws IOException {
        try (InputStream in = Files.newInputStream(f)) {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                d.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
