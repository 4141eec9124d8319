package io.statestore.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * The legacy approach: one JSON file per document, updated by read-modify-write under an
 * exclusive lock on a sibling {@code .lock} file: read and parse with Jackson, change the tree,
 * write a temporary file, fsync it, rename it over the document atomically. A put skips the
 * read and parse. The directory is not fsynced after the rename (kind to the legacy side).
 *
 * <p>Java file locks are held per process, and a second channel of the same JVM locking the
 * same file throws instead of waiting; so threads of this JVM first take an in-process lock
 * per file, then the file lock, as a correct single-JVM legacy implementation must.
 */
final class LegacyFileContender implements Contender {
    private final Path root;
    private final ObjectMapper mapper = new ObjectMapper();
    private final ConcurrentHashMap<Path, ReentrantLock> jvmLocks = new ConcurrentHashMap<>();
    private Path dir;
    private ObjectNode[] docs;

    LegacyFileContender(Path root) {
        this.root = root;
    }

    @Override
    public boolean usesServer() {
        return false;
    }

    @Override
    public String name() {
        return "legacy";
    }

    @Override
    public void prepare(Workload w) throws IOException {
        deleteDir();
        dir = Files.createTempDirectory(root, "legacy-");
        docs = new ObjectNode[w.clients()];
        for (int c = 0; c < w.clients(); c++) {
            docs[c] = Documents.generate(w.targetBytes(), c, mapper);
        }
        for (int d = 0; d < w.documents(); d++) {
            Files.write(file(w, d), mapper.writeValueAsBytes(docs[d]));
        }
    }

    private Path file(Workload w, int client) {
        return dir.resolve(w.key(client).replace(':', '_') + ".json");
    }

    @Override
    public ClientOp client(Workload w, int client) {
        Path file = file(w, client);
        Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp." + client);
        ReentrantLock jvmLock = jvmLocks.computeIfAbsent(file, f -> new ReentrantLock());
        ObjectNode doc = docs[client];
        return seq -> {
            jvmLock.lock();
            try (FileChannel lc = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock ignored = lc.lock()) {
                byte[] next = switch (w.op()) {
                    case PUT -> {
                        doc.put("seq", seq);
                        yield mapper.writeValueAsBytes(doc);
                    }
                    case MERGE -> {
                        ObjectNode current = (ObjectNode) mapper.readTree(Files.readAllBytes(file));
                        Documents.applyMerge(current, Documents.patch(client, seq));
                        yield mapper.writeValueAsBytes(current);
                    }
                    case INCREMENT -> {
                        ObjectNode current = (ObjectNode) mapper.readTree(Files.readAllBytes(file));
                        Documents.increment(current);
                        yield mapper.writeValueAsBytes(current);
                    }
                };
                writeDurably(tmp, next);
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                jvmLock.unlock();
            }
        };
    }

    private static void writeDurably(Path tmp, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
    }

    /** The file system type the files live on (fsync cost depends on it). */
    String fileSystem() {
        try {
            return Files.getFileStore(root).type();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private void deleteDir() throws IOException {
        if (dir == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
        dir = null;
        jvmLocks.clear();
    }

    @Override
    public void close() throws IOException {
        deleteDir();
    }
}
