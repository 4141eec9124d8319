package io.statestore.client;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The statestore version, from the build: the CLI's --version, the daemon's ss:status and the jar agree. */
public final class Version {
    private static final String CURRENT = read();

    private Version() {}

    public static String current() {
        return CURRENT;
    }

    private static String read() {
        try (InputStream in = Version.class.getResourceAsStream("/io/statestore/version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "unknown");
            return v.startsWith("${") ? "development build" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
