package io.statestore.daemon.backup;

import io.statestore.daemon.redis.RedisAdmin;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLSocketFactory;
import redis.clients.jedis.HostAndPort;

/**
 * Obtains the server's RDB: by copying its file when the server is local, or over the
 * replication protocol ({@code REPLCONF rdb-only 1} + {@code SYNC}, as {@code redis-cli --rdb}
 * does) for a remote server. Either way the bytes land in {@code target}, fsync'd.
 */
public final class RdbFetcher {
    private final RedisAdmin redis;

    public RdbFetcher(RedisAdmin redis) {
        this.redis = redis;
    }

    /** The server's RDB file when its directory is on this machine (loopback server, readable dir), else null. */
    public Path localFile() {
        String host = redis.address().getHost();
        if (!(host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1"))) {
            return null;
        }
        try {
            Map<String, String> dir = redis.with(j -> j.configGet("dir"));
            Map<String, String> name = redis.with(j -> j.configGet("dbfilename"));
            Path p = Path.of(dir.get("dir")).resolve(name.get("dbfilename"));
            return Files.isDirectory(p.getParent()) && Files.isReadable(p.getParent()) ? p : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    public void copy(Path source, Path target, BooleanSupplier aborted) throws IOException, BackupException {
        try (InputStream in = Files.newInputStream(source);
                var out = java.nio.channels.FileChannel.open(
                        target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                if (aborted.getAsBoolean()) {
                    throw new BackupException("aborted while copying the RDB file");
                }
                out.write(java.nio.ByteBuffer.wrap(buf, 0, n));
            }
            out.force(true);
        }
    }

    public void replicate(Path target, int timeoutMillis, BooleanSupplier aborted) throws IOException, BackupException {
        replicate(redis.address(), target, timeoutMillis, aborted);
    }

    /** The same from one node ({@code node}: a primary of a cluster), with the daemon's credentials. */
    public void replicate(HostAndPort node, Path target, int timeoutMillis, BooleanSupplier aborted)
            throws IOException, BackupException {
        String host = node.getHost();
        int port = node.getPort();
        Socket socket = redis.ssl() ? SSLSocketFactory.getDefault().createSocket() : new Socket();
        try (socket) {
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
            if (redis.password().isPresent()) {
                List<String> auth = new ArrayList<>(List.of("AUTH"));
                redis.user().ifPresent(auth::add);
                auth.add(redis.password().get());
                command(out, auth);
                String reply = readLine(in);
                refusedCredential(node, reply);
                if (!reply.startsWith("+")) {
                    throw new BackupException("AUTH failed: " + reply);
                }
            }
            command(out, List.of("REPLCONF", "rdb-only", "1"));
            readLine(in); // older servers reply an error here; the full RDB is what we want anyway
            command(out, List.of("SYNC"));
            String header;
            do {
                header = readLine(in);
            } while (header.isEmpty());
            if (!header.startsWith("$")) {
                refusedCredential(node, header);
                throw new BackupException("replication SYNC refused: " + header);
            }
            try (OutputStream file =
                    Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                if (header.startsWith("$EOF:")) {
                    readUntilMark(in, file, header.substring(5).getBytes(StandardCharsets.US_ASCII), aborted);
                } else {
                    long len = Long.parseLong(header.substring(1));
                    byte[] buf = new byte[1 << 16];
                    while (len > 0) {
                        if (aborted.getAsBoolean()) {
                            throw new BackupException("aborted while receiving the RDB");
                        }
                        int n = in.read(buf, 0, (int) Math.min(buf.length, len));
                        if (n < 0) {
                            throw new BackupException("connection closed before the RDB was complete");
                        }
                        file.write(buf, 0, n);
                        len -= n;
                    }
                }
            }
            try (var ch = java.nio.channels.FileChannel.open(target, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
        }
    }

    private static void readUntilMark(InputStream in, OutputStream file, byte[] mark, BooleanSupplier aborted)
            throws IOException, BackupException {
        byte[] window = new byte[mark.length];
        int filled = 0;
        int b;
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        while ((b = in.read()) >= 0) {
            if (filled == window.length) {
                pending.write(window[0]);
                System.arraycopy(window, 1, window, 0, window.length - 1);
                filled--;
                if (pending.size() >= 1 << 16) {
                    if (aborted.getAsBoolean()) {
                        throw new BackupException("aborted while receiving the RDB");
                    }
                    pending.writeTo(file);
                    pending.reset();
                }
            }
            window[filled++] = (byte) b;
            if (filled == window.length && Arrays.equals(window, mark)) {
                pending.writeTo(file);
                return;
            }
        }
        throw new BackupException("connection closed before the RDB end mark");
    }

    private static void command(OutputStream out, List<String> args) throws IOException {
        StringBuilder sb = new StringBuilder("*").append(args.size()).append("\r\n");
        for (String a : args) {
            byte[] bytes = a.getBytes(StandardCharsets.UTF_8);
            sb.append('$').append(bytes.length).append("\r\n").append(a).append("\r\n");
        }
        out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void refusedCredential(HostAndPort node, String reply) {
        var credential = io.statestore.client.spi.Permissions.ofConnection(
                (redis.ssl() ? "rediss://" : "redis://") + node.getHost() + ":" + node.getPort(), redis.user(), reply);
        if (credential != null) {
            throw credential;
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                String s = line.toString(StandardCharsets.UTF_8);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            line.write(b);
        }
        throw new IOException("connection closed");
    }
}
