package io.statestore.daemon.acl;

import io.statestore.client.Role;
import io.statestore.daemon.files.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The embedded server's ACL file ({@code <dataDir>/redis/users.acl}, passed as {@code --aclfile}:
 * no secret on its command line). Before each start the daemon makes sure of two lines, the
 * default user off and the admin with the current password's hash, and keeps every other line
 * as the server last saved it (writer, reader, added users, passwords still in their grace).
 */
public final class AclFile {
    public static final String NAME = "users.acl";
    private final Path file;

    public AclFile(Path redisDir) {
        this.file = redisDir.resolve(NAME);
    }

    public Path path() {
        return file;
    }

    /** Rewrites the default and admin lines; {@code adminPassword}'s hash joins those the admin line has. */
    public void prepare(String adminPassword) throws IOException {
        List<String> old = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        Set<String> adminHashes = new LinkedHashSet<>();
        List<String> kept = new ArrayList<>();
        for (String line : old) {
            String[] t = line.trim().split("\\s+");
            if (t.length >= 2 && t[0].equals("user") && t[1].equals(Role.ADMIN.userName())) {
                for (String token : t) {
                    if (token.startsWith("#")) {
                        adminHashes.add(token);
                    }
                }
            } else if (!(t.length >= 2 && t[0].equals("user") && t[1].equals("default")) && !line.isBlank()) {
                kept.add(line);
            }
        }
        adminHashes.add("#" + Secrets.hash(adminPassword));
        List<String> lines = new ArrayList<>();
        // off: nobody logs in as default. Its permissions stay whole because Redis 7.0 re-checks the
        // commands of a MULTI/EXEC in the AOF against the default user while loading, and a
        // restricted default user made it drop every function call's writes after a restart.
        lines.add("user default off resetpass ~* &* +@all");
        lines.add("user " + Role.ADMIN.userName() + " on " + String.join(" ", adminHashes) + " ~* &* +@all");
        lines.addAll(kept);
        PrivateFiles.write(file, String.join("\n", lines) + "\n");
    }
}
