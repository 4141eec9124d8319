package io.statestore.client.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import redis.clients.jedis.DefaultRedisCredentials;
import redis.clients.jedis.RedisCredentials;
import redis.clients.jedis.RedisCredentialsProvider;

/**
 * A user and the password in a file, read again when the file changes. A rotated password
 * (written to the same file) is used by the next connection a pool opens; connections already
 * authenticated keep working. A file that cannot be read now keeps the last password read.
 */
public final class PasswordFileCredentials implements RedisCredentialsProvider {
    private final String user;
    private final Path file;
    private volatile String password;
    private volatile FileTime readAt;

    public PasswordFileCredentials(String user, Path file, String password) {
        this.user = user == null || user.isEmpty() ? null : user;
        this.file = file;
        this.password = password;
        this.readAt = modified();
    }

    @Override
    public RedisCredentials get() {
        FileTime now = modified();
        if (now != null && !now.equals(readAt)) {
            try {
                password = Files.readString(file).strip();
                readAt = now;
            } catch (IOException keepLast) {
                // a rotation writes the file atomically (rename), so this is a removed file or a
                // permission change: the password read before is still the best guess
            }
        }
        return new DefaultRedisCredentials(user, password);
    }

    private FileTime modified() {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return null;
        }
    }
}
