package io.statestore.client.internal.events;

import io.statestore.client.UnavailableException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a bus that does not own a spool directory (its {@code events.lock} is held by another
 * process, typically the daemon) still spools: one file per event in {@code <dir>/inbox}, which
 * the owner moves into its spool, oldest first, and forwards. Appending needs no lock: a file
 * is written under a dot name, fsynced and renamed, so the owner sees it whole or not at all.
 *
 * <p>Names are the event IDs (milliseconds, then a per-process sequence), so sorting them keeps
 * each publisher's order. The owner appends a file to its spool before deleting it: a crash in
 * between spools the event twice, and {@code ev_publish} drops the second copy by its ID.
 *
 * <p>Files are 0644: the owner may run as another user than the guest (root's CLI dropping into
 * the daemon's spool) and must read them; the spool directory's own mode keeps others out.
 */
final class SpoolInbox {
    private static final Logger LOG = LoggerFactory.getLogger(SpoolInbox.class);
    private static final String SUFFIX = ".event";

    private final Path dir;
    private final Deque<Path> mine = new ArrayDeque<>();

    SpoolInbox(Path spoolDir) {
        this.dir = spoolDir.resolve("inbox");
    }

    /** Hands {@code ev} to the spool's owner; durable when this returns. */
    synchronized void drop(SpooledEvent ev) {
        Path target = dir.resolve(ev.id() + SUFFIX);
        Path tmp = dir.resolve("." + ev.id() + ".tmp");
        try {
            Spool.createPrivately(dir);
            try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(Spool.encode(ev));
                while (b.hasRemaining()) {
                    c.write(b);
                }
                c.force(true);
            }
            setReadableByOwner(tmp);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory();
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // a stray dot file, ignored by the owner
            }
            throw new UnavailableException(
                    "cannot write event " + ev.id() + " of type " + ev.type() + " to the event spool inbox " + dir
                            + ": " + reason(e),
                    false,
                    e);
        }
        mine.addLast(target);
    }

    /** Events this bus dropped that the owner has not taken into its spool yet. */
    synchronized int pending() {
        while (!mine.isEmpty() && !Files.exists(mine.peekFirst())) {
            mine.removeFirst();
        }
        return mine.size();
    }

    /** What the owner finds waiting, oldest first. */
    List<Path> waiting() {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path p : ds) {
                out.add(p);
            }
        } catch (NoSuchFileException e) {
            return out;
        } catch (IOException e) {
            LOG.warn("cannot list the event spool inbox {}: {}", dir, e.getMessage());
        }
        out.sort(null);
        return out;
    }

    /** The event in {@code file}, or null when it is unreadable (kept aside, never deleted unread). */
    SpooledEvent read(Path file) {
        try {
            return Spool.decode(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | RuntimeException e) {
            Path aside = file.resolveSibling(file.getFileName() + ".unreadable");
            LOG.warn("event spool inbox: {} is not a spooled event ({}); moved to {}", file, e.getMessage(), aside);
            try {
                Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException moveFailed) {
                LOG.warn("cannot move {} aside: {}", file, moveFailed.getMessage());
            }
            return null;
        }
    }

    static void taken(Path file) throws IOException {
        Files.deleteIfExists(file);
    }

    private void syncDirectory() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException notSupported) {
            // some file systems cannot fsync a directory; the rename is still atomic
        }
    }

    private static void setReadableByOwner(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException notPosix) {
            // no modes on this file system
        }
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
