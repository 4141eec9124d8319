package io.statestore.client.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.InvalidInputException;
import io.statestore.client.PermissionDeniedException;
import io.statestore.client.Role;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one documented precedence of credential sources (docs/security.md, "Connecting without flags"). */
class CredentialSourcesTest {
    @TempDir
    Path dir;

    Path connection;
    Map<String, String> env;

    @BeforeEach
    void daemonFiles() throws Exception {
        Path data = dir.resolve("home/.local/share/statestore");
        Files.createDirectories(data.resolve("secrets"));
        for (Role r : Role.values()) {
            Files.writeString(data.resolve("secrets/" + r.userName() + ".password"), r.userName() + "-pw\n");
        }
        connection = data.resolve(ConnectionFile.NAME);
        ConnectionFile c = new ConnectionFile(
                1,
                "redis://127.0.0.1:7001",
                null,
                "/x/ca.pem",
                Map.of(
                        "writer",
                        data.resolve("secrets/writer.password").toString(),
                        "reader",
                        data.resolve("secrets/reader.password").toString()),
                "writer");
        Files.write(connection, c.toJson());
        env = new HashMap<>(Map.of("HOME", dir.resolve("home").toString()));
    }

    @Test
    void theConnectionFileGivesTheServerTheRoleAndItsPasswordFile() {
        CredentialSources.Found f = CredentialSources.find(Role.READER, env, null);
        assertEquals(URI.create("redis://127.0.0.1:7001"), f.uri());
        assertEquals(Optional.of("reader"), f.user());
        assertTrue(f.passwordFile().orElseThrow().endsWith("secrets/reader.password"));
        assertEquals(Optional.of(Path.of("/x/ca.pem")), f.tlsCa());
        InvalidInputException none =
                assertThrows(InvalidInputException.class, () -> CredentialSources.find(Role.ADMIN, env, null));
        assertTrue(none.getMessage().contains("offers no admin credential"), none.getMessage());
    }

    @Test
    void aSystemdCredentialComesBeforeTheConnectionFileAndAnEnvironmentFileBeforeBoth() throws Exception {
        Path creds = Files.createDirectories(dir.resolve("creds"));
        Files.writeString(creds.resolve("statestore-writer"), "from-systemd\n");
        env.put("CREDENTIALS_DIRECTORY", creds.toString());
        CredentialSources.Found systemd = CredentialSources.find(Role.WRITER, env, null);
        assertEquals(Optional.of(creds.resolve("statestore-writer")), systemd.passwordFile());
        assertEquals(
                URI.create("redis://127.0.0.1:6479"),
                systemd.uri(),
                "a credential without an address: the default one");
        env.put("STATESTORE_PASSWORD_FILE", "/run/pw");
        env.put("STATESTORE_USER", "quantum");
        CredentialSources.Found fromEnv = CredentialSources.find(Role.WRITER, env, URI.create("redis://db:6380"));
        assertEquals(Optional.of(Path.of("/run/pw")), fromEnv.passwordFile());
        assertEquals(Optional.of("quantum"), fromEnv.user());
        assertEquals(URI.create("redis://db:6380"), fromEnv.uri());
    }

    @Test
    void anExplicitUrlOfAnotherServerDoesNotTakeTheLocalDaemonsPasswords() {
        CredentialSources.Found other = CredentialSources.find(Role.WRITER, env, URI.create("redis://127.0.0.1:7002"));
        assertEquals(Optional.empty(), other.passwordFile());
        CredentialSources.Found same = CredentialSources.find(Role.WRITER, env, URI.create("redis://127.0.0.1:7001"));
        assertTrue(same.passwordFile().isPresent(), "the same server: its connection file applies");
        env.put("STATESTORE_CONNECTION_FILE", dir.resolve("nowhere.json").toString());
        assertEquals("none", CredentialSources.find(Role.WRITER, env, null).source());
    }

    @Test
    void aConnectionFileThatCannotBeReadIsSaidNotSkipped() throws Exception {
        if (unreadableIsReadable()) {
            String why = "running as root, which reads any file: NoFlagsCliTest covers this as another user";
            System.out.println("CredentialSourcesTest.aConnectionFileThatCannotBeReadIsSaidNotSkipped skipped: " + why);
            Assumptions.abort(why);
        }
        Files.setPosixFilePermissions(connection, PosixFilePermissions.fromString("---------"));
        PermissionDeniedException e =
                assertThrows(PermissionDeniedException.class, () -> CredentialSources.find(Role.WRITER, env, null));
        assertTrue(e.getMessage().contains("cannot read the statestore connection file " + connection), e.getMessage());
    }

    private boolean unreadableIsReadable() throws Exception {
        Path probe = Files.writeString(dir.resolve("probe"), "x");
        Files.setPosixFilePermissions(probe, PosixFilePermissions.fromString("---------"));
        return Files.isReadable(probe);
    }
}
