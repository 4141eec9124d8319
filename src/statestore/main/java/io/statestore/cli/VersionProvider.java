package io.statestore.cli;

import io.statestore.client.Version;
import picocli.CommandLine.IVersionProvider;

/** The one version, from the build (io.statestore.client.Version), for --version of every command. */
public final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"statestore " + Version.current()};
    }
}
