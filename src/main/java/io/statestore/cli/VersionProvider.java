package io.statestore.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The version recorded by Maven in the jar; "development build" when run from classes. */
public final class VersionProvider implements IVersionProvider {
    private static final String POM_PROPERTIES = "/META-INF/maven/io.statestore/statestore/pom.properties";

    @Override
    public String[] getVersion() throws IOException {
        try (InputStream in = VersionProvider.class.getResourceAsStream(POM_PROPERTIES)) {
            if (in == null) {
                return new String[] {"statestore (development build)"};
            }
            Properties p = new Properties();
            p.load(in);
            return new String[] {"statestore " + p.getProperty("version", "(unknown version)")};
        }
    }
}
