package io.statestore.client.internal.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.statestore.client.StrictJson;
import io.statestore.client.UnavailableException;
import io.statestore.client.events.SpoolOptions;
import io.statestore.client.events.SpoolStatus;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable outage spool: an append-only file of records, and a position file saying how far
 * the forwarder got (docs/events.md, "Outage spool").
 *
 * <p>{@code events.spool}: records {@code [u32 length][u32 CRC32C of payload][payload]}, payload
 * the UTF-8 JSON {@code {"id","type","src","time","data"}} ({@code data} as a JSON string holding
 * the event's JSON text). {@code events.pos}: 8 bytes, the offset of the first record not yet
 * forwarded. A torn or corrupt tail (a crash in the middle of an append) is cut off at open. When
 * everything is forwarded, the position is reset to 0 first and then the file is truncated, so a
 * crash in between only re-sends events, which the publish function drops as duplicates.
 *
 * <p>One owner per directory: {@code events.lock} is held while open. Other buses, in this
 * process or another, hand their events to the owner through {@link SpoolInbox}. Thread-safe.
 */
final class Spool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Spool.class);
    private static final int HEADER = 8;

    private final SpoolOptions options;
    private final Path file;
    private final FileChannel data;
    private final FileChannel pos;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private long readOffset;
    private long writeOffset;
    private long depth;
    private long forwarded; // since open
    private boolean dirty;
    private long lastSync = System.nanoTime();

    /**
     * The spool in {@code options.directory()} for this process alone, or null when another bus
     * (in this process or another) holds {@code events.lock} or the lock file is not ours to
     * write: then this bus is a guest and hands its events to the holder through the inbox.
     */
    static Spool tryOpen(SpoolOptions options) {
        Path dir = options.directory();
        FileChannel lockChannel;
        try {
            createPrivately(dir);
            lockChannel =
                    openPrivately(dir.resolve("events.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (java.nio.file.AccessDeniedException e) {
            return null;
        } catch (IOException e) {
            throw new UnavailableException("cannot open the event spool in " + dir + ": " + e.getMessage(), false, e);
        }
        FileLock l;
        try {
            l = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null;
        } catch (IOException e) {
            closeQuietly(lockChannel);
            throw new UnavailableException("cannot lock the event spool in " + dir + ": " + e.getMessage(), false, e);
        }
        if (l == null) {
            closeQuietly(lockChannel);
            return null;
        }
        try {
            return new Spool(options, lockChannel, l);
        } catch (RuntimeException e) {
            closeQuietly(lockChannel); // releases the lock too
            throw e;
        }
    }

    private Spool(SpoolOptions options, FileChannel lockChannel, FileLock lock) {
        this.options = options;
        Path dir = options.directory();
        this.file = dir.resolve("events.spool");
        this.lockChannel = lockChannel;
        this.lock = lock;
        try {
            data = openPrivately(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            pos = openPrivately(
                    dir.resolve("events.pos"),
                    StandardOpenOption.CREATE,
                    StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            recover();
        } catch (IOException e) {
            throw new UnavailableException("cannot open the event spool in " + dir + ": " + e.getMessage(), false, e);
        }
    }

    /**
     * Whether the spool in {@code dir} holds events its owner has not forwarded yet, read without
     * the lock: a hint for guests, who queue behind such events to keep their own order.
     */
    static boolean hasBacklog(Path dir) {
        try (FileChannel p = FileChannel.open(dir.resolve("events.pos"), StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(8);
            long forwardedUpTo = p.read(b, 0) == 8 ? b.flip().getLong() : 0;
            return Files.size(dir.resolve("events.spool")) > forwardedUpTo;
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            return true; // cannot tell: queueing is the side that keeps order
        }
    }

    /** Events are data: a spool directory this makes is its user's alone (0700), whatever the umask. */
    static void createPrivately(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectories(
                    dir,
                    java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                            java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createDirectories(dir);
        }
    }

    /** A file this makes is 0600 from its first byte; one that exists keeps its mode and owner. */
    private static FileChannel openPrivately(Path f, StandardOpenOption... options) throws IOException {
        java.util.Set<StandardOpenOption> set = java.util.EnumSet.noneOf(StandardOpenOption.class);
        set.addAll(java.util.List.of(options));
        try {
            return FileChannel.open(
                    f,
                    set,
                    java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            return FileChannel.open(f, set);
        }
    }

    private static void closeQuietly(FileChannel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing was written through it
        }
    }

    private void recover() throws IOException {
        long size = data.size();
        ByteBuffer b = ByteBuffer.allocate(8);
        readOffset = pos.read(b, 0) == 8 ? b.flip().getLong() : 0;
        if (readOffset < 0 || readOffset > size) {
            readOffset = 0; // the file was emptied after the position was written: start over
        }
        long at = readOffset;
        long n = 0;
        while (at < size) {
            long next = validRecordEnd(at, size);
            if (next < 0) {
                LOG.warn(
                        "event spool {}: cutting a torn or corrupt record at offset {} ({} bytes dropped)",
                        file,
                        at,
                        size - at);
                data.truncate(at);
                data.force(true);
                break;
            }
            at = next;
            n++;
        }
        writeOffset = at;
        depth = n;
        if (n > 0) {
            LOG.info("event spool {}: {} events waiting to be forwarded", file, n);
        }
    }

    /** The end offset of a valid record at {@code at}, or -1. */
    private long validRecordEnd(long at, long size) throws IOException {
        if (at + HEADER > size) {
            return -1;
        }
        ByteBuffer h = ByteBuffer.allocate(HEADER);
        data.read(h, at);
        h.flip();
        int len = h.getInt();
        int crc = h.getInt();
        if (len <= 0 || at + HEADER + len > size) {
            return -1;
        }
        ByteBuffer p = ByteBuffer.allocate(len);
        data.read(p, at + HEADER);
        CRC32C c = new CRC32C();
        c.update(p.array());
        return (int) c.getValue() == crc ? at + HEADER + len : -1;
    }

    /** A record's payload; the inbox's files hold the same. */
    static byte[] encode(SpooledEvent ev) {
        ObjectNode o = StrictJson.mapper().createObjectNode();
        o.put("id", ev.id())
                .put("type", ev.type())
                .put("src", ev.source())
                .put("time", ev.time())
                .put("data", ev.data());
        return StrictJson.write(o).getBytes(StandardCharsets.UTF_8);
    }

    // A record is the spool's own framing, checked by its CRC, not a document: the document
    // limits (16 MiB) would refuse the record of a large event, whose data is in it as an
    // escaped string.
    static SpooledEvent decode(byte[] payload) throws IOException {
        JsonNode o = StrictJson.mapper().readTree(payload);
        return new SpooledEvent(
                o.get("id").asText(),
                o.get("type").asText(),
                o.get("src").asText(),
                o.get("time").asLong(),
                o.get("data").asText());
    }

    synchronized void append(SpooledEvent ev) {
        byte[] payload = encode(ev);
        if (writeOffset + HEADER + payload.length > options.maxBytes()) {
            throw new UnavailableException(
                    "event spool " + file + " is full (" + writeOffset + " of " + options.maxBytes()
                            + " bytes, " + depth + " events waiting for Redis); event " + ev.id() + " of type "
                            + ev.type()
                            + " was not published",
                    false,
                    null);
        }
        CRC32C c = new CRC32C();
        c.update(payload);
        ByteBuffer buf = ByteBuffer.allocate(HEADER + payload.length);
        buf.putInt(payload.length).putInt((int) c.getValue()).put(payload).flip();
        // FileChannel I/O on an interrupted thread would close the channel for everyone: hold the flag back.
        boolean interrupted = Thread.interrupted();
        try {
            while (buf.hasRemaining()) {
                data.write(buf, writeOffset + buf.position());
            }
            if (options.syncEveryEvent()) {
                data.force(false);
            } else {
                dirty = true;
                if (System.nanoTime() - lastSync >= options.syncInterval().toNanos()) {
                    sync();
                }
            }
        } catch (IOException e) {
            throw new UnavailableException("cannot write the event spool " + file + ": " + e.getMessage(), false, e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        writeOffset += HEADER + payload.length;
        depth++;
    }

    /** fsync if anything was written since the last one (the batch mode's timer calls this). */
    synchronized void sync() throws IOException {
        if (dirty) {
            data.force(false);
            dirty = false;
        }
        lastSync = System.nanoTime();
    }

    /** A record and the offset just after it. */
    record Entry(SpooledEvent event, long end) {}

    /** Up to {@code max} records from the forwarding position, oldest first. */
    synchronized List<Entry> peek(int max) {
        List<Entry> out = new ArrayList<>();
        long at = readOffset;
        try {
            while (at < writeOffset && out.size() < max) {
                ByteBuffer h = ByteBuffer.allocate(HEADER);
                data.read(h, at);
                int len = h.flip().getInt();
                ByteBuffer p = ByteBuffer.allocate(len);
                data.read(p, at + HEADER);
                at += HEADER + len;
                out.add(new Entry(decode(p.array()), at));
            }
        } catch (IOException e) {
            throw new UnavailableException("cannot read the event spool " + file + ": " + e.getMessage(), false, e);
        }
        return out;
    }

    /** Marks everything before {@code end} as forwarded ({@code count} records). */
    synchronized void advance(long end, int count) {
        try {
            depth -= count;
            forwarded += count;
            if (depth == 0 && end == writeOffset) {
                writePosition(0);
                pos.force(false);
                data.truncate(0);
                data.force(true);
                readOffset = 0;
                writeOffset = 0;
                dirty = false;
            } else {
                writePosition(end);
                readOffset = end;
            }
        } catch (IOException e) {
            throw new UnavailableException(
                    "cannot update the event spool position " + file + ": " + e.getMessage(), false, e);
        }
    }

    private void writePosition(long offset) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8).putLong(offset).flip();
        while (b.hasRemaining()) {
            pos.write(b, b.position());
        }
    }

    /** Depth, size and forwarded count in one consistent reading. */
    synchronized SpoolStatus status(long maxBytes, boolean online, long spooled) {
        return new SpoolStatus(true, file, depth, bytes(), maxBytes, online, forwarded, spooled, true);
    }

    synchronized long depth() {
        return depth;
    }

    synchronized long bytes() {
        return writeOffset;
    }

    Path file() {
        return file;
    }

    @Override
    public synchronized void close() {
        try {
            sync();
            data.close();
            pos.close();
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            LOG.warn("closing the event spool {}: {}", file, e.getMessage());
        }
    }
}
