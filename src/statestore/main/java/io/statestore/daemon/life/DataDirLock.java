package io.statestore.daemon.life;

import io.statestore.daemon.files.PrivateFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One daemon per data directory: an exclusive lock on {@code <dataDir>/daemon.lock} holding the
 * owner's PID, taken before anything else and held (channel open) for the daemon's life. The OS
 * releases it when the process dies, however it dies, so a stale file never blocks a start.
 *
 * <p>The lock is a POSIX record lock, which belongs to the process: closing <em>any</em>
 * descriptor of the file in this JVM would drop it. So a second daemon in the same JVM (tests)
 * is refused from {@link #HELD} without opening the file at all.
 */
public final class DataDirLock implements AutoCloseable {
    public static final String FILE = "daemon.lock";
    /** Data directories (real paths) locked by this JVM; see the class comment for why it is static. */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(Path key, FileChannel channel, FileLock lock) {
        this.key = key;
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock or fails with one line naming the daemon that holds it. */
    public static DataDirLock acquire(Path dataDir) throws IOException {
        PrivateFiles.directory(dataDir);
        Path key = dataDir.toRealPath();
        Path file = key.resolve(FILE);
        long self = ProcessHandle.current().pid();
        if (!HELD.add(key)) {
            throw locked(dataDir, Long.toString(self) + ", in this process");
        }
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            PrivateFiles.file(file);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException sameJvm) {
                l = null;
            }
            if (l == null) {
                throw locked(dataDir, ownerOf(ch));
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((self + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            ch.force(true);
            return new DataDirLock(key, ch, l);
        } catch (IOException | RuntimeException e) {
            HELD.remove(key);
            if (ch != null) {
                ch.close();
            }
            throw e;
        }
    }

    private static String ownerOf(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(64);
        ch.read(b, 0);
        String pid = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).strip();
        return pid.isEmpty() ? "unknown" : pid;
    }

    private static IOException locked(Path dataDir, String pid) {
        return new IOException("another statestore daemon (pid " + pid + ") is running on data directory " + dataDir
                + " (it holds " + dataDir.resolve(FILE) + "); stop it first, or give this one its own dataDir");
    }

    /** The locked file (its content: the PID). */
    public Path file() {
        return key.resolve(FILE);
    }

    @Override
    public void close() throws IOException {
        try {
            // the PID stays in the file; the lock, not the content, says whether a daemon runs
            lock.release();
            channel.close();
        } finally {
            HELD.remove(key);
        }
    }
}
