package io.statestore.daemon.config;

import java.util.List;

/** The configuration cannot be used; the message names the file and every offending key. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public ConfigException(String file, List<String> problems) {
        super("invalid configuration in " + file + ": " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
