package io.statestore.daemon.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Checks an RDB file: with {@code redis-check-rdb} when it is installed, otherwise
 * structurally (the {@code REDIS00nn} header, the EOF opcode and the CRC-64 trailer).
 */
public final class RdbVerifier {
    private final String checkBinary;

    public RdbVerifier(String checkBinary) {
        this.checkBinary = checkBinary;
    }

    /** Returns how the file was checked; throws when it is not a sound RDB file. */
    public String verify(Path file) throws BackupException, InterruptedException {
        String structural = verifyStructure(file);
        if (checkBinary == null || checkBinary.isBlank()) {
            return structural;
        }
        Process p;
        try {
            p = new ProcessBuilder(checkBinary, file.toString())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException notInstalled) {
            return structural;
        }
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            out = "";
        }
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new BackupException("redis-check-rdb did not finish on " + file);
        }
        if (out.contains("Can't handle RDB format version")) {
            // An older checker (Debian's 7.0 tools) next to a newer server (Redis 8, Valkey 8):
            // it cannot judge this format, so the structural check is what we have.
            return structural + " (redis-check-rdb is older than this RDB format)";
        }
        if (p.exitValue() != 0 || !out.contains("RDB looks OK")) {
            throw new BackupException("redis-check-rdb rejected " + file + ": " + checkerReason(out));
        }
        return "redis-check-rdb";
    }

    /** The checker's own diagnosis: the line after "RDB ERROR DETECTED", else its last line. */
    private static String checkerReason(String out) {
        String[] lines = out.strip().split("\r?\n");
        for (int i = 0; i + 1 < lines.length; i++) {
            if (lines[i].contains("RDB ERROR DETECTED")) {
                return lines[i + 1].strip();
            }
        }
        return lines[lines.length - 1].strip();
    }

    /** Header, EOF opcode and CRC-64 checks without any external tool. */
    public static String verifyStructure(Path file) throws BackupException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long size = f.length();
            if (size < 9 + 1 + 8) {
                throw new BackupException(file + " is too short to be an RDB file (" + size + " bytes)");
            }
            byte[] header = new byte[9];
            f.readFully(header);
            String h = new String(header, StandardCharsets.US_ASCII);
            if (!h.matches("REDIS\\d{4}")) {
                throw new BackupException(file + " has no RDB header");
            }
            Crc64 crc = new Crc64();
            crc.update(header, 0, 9);
            byte[] buf = new byte[1 << 16];
            long remaining = size - 9 - 8;
            byte lastByte = 0;
            while (remaining > 0) {
                int n = f.read(buf, 0, (int) Math.min(buf.length, remaining));
                crc.update(buf, 0, n);
                lastByte = buf[n - 1];
                remaining -= n;
            }
            if ((lastByte & 0xff) != 0xFF) {
                throw new BackupException(file + " is truncated (no EOF marker)");
            }
            byte[] trailer = new byte[8];
            f.readFully(trailer);
            long stored = 0;
            for (int i = 7; i >= 0; i--) {
                stored = (stored << 8) | (trailer[i] & 0xff);
            }
            if (stored == 0) {
                return "header (checksum disabled on the server)";
            }
            if (stored != crc.value()) {
                throw new BackupException(file + " fails its CRC-64 check");
            }
            return "header and CRC-64";
        } catch (IOException e) {
            throw new BackupException("cannot read " + file + ": " + reason(e), e);
        }
    }

    /**
     * An I/O failure in our words: the JDK says "/x.rdb (No such file or directory)" (the file
     * again, the OS text in parentheses) or names only the file (NoSuchFileException).
     */
    static String reason(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        String m = e.getMessage() == null ? "" : e.getMessage();
        java.util.regex.Matcher os =
                java.util.regex.Pattern.compile(".*\\(([^()]+)\\)$").matcher(m);
        String text = os.matches() ? os.group(1) : m;
        return switch (text) {
            case "No such file or directory" -> "no such file";
            case "Permission denied" -> "permission denied";
            case "Is a directory" -> "is a directory";
            case "" -> e.getClass().getSimpleName();
            default -> text.substring(0, 1).toLowerCase(java.util.Locale.ROOT) + text.substring(1);
        };
    }

    static boolean exists(Path file) {
        return Files.exists(file);
    }
}
