package io.statestore.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.statestore.client.Durations;
import io.statestore.client.HistoryPolicy;
import io.statestore.client.StateStore;
import io.statestore.client.StrictJson;
import java.time.Duration;
import java.util.ArrayList;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code statestore history policy ...}: the history policy kept in Redis (docs/watch.md). Every
 * writer follows it on its next write; rules are tried in order, first match wins.
 */
@Command(
        name = "policy",
        mixinStandardHelpOptions = true,
        description = "Show or change the history policy kept in Redis (rules tried in order, first match wins).",
        subcommands = {
            HistoryPolicyCommand.List.class,
            HistoryPolicyCommand.Set.class,
            HistoryPolicyCommand.Remove.class,
            HistoryPolicyCommand.Clear.class,
        })
final class HistoryPolicyCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "a history policy subcommand is required (list, set, rm, clear)");
    }

    static ObjectNode line(HistoryPolicy p) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("pattern", p.pattern());
        o.put("versions", p.maxVersions());
        o.put("maxAgeMs", p.maxAge().toMillis());
        return o;
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = {
                "Print the rules in match order, one JSON line each: {\"pattern\",\"versions\",\"maxAgeMs\"}.",
                "A maxAgeMs of 0 means any age."
            })
    static final class List extends StoreCommand {
        @Override
        public Integer call() {
            try (StateStore store = openStore()) {
                for (HistoryPolicy p : store.history().policies()) {
                    out().println(StrictJson.write(line(p)));
                }
            }
            return 0;
        }
    }

    @Command(
            name = "set",
            mixinStandardHelpOptions = true,
            description = {
                "Keep the last N versions (and none older than --max-age) of the documents matching PATTERN.",
                "Replaces the rule of the same pattern in place; a new rule goes last unless --first is given."
            })
    static final class Set extends StoreCommand {
        @Parameters(index = "0", paramLabel = "PATTERN", description = "Key glob: * any characters, ? one character.")
        String pattern;

        @Option(names = "--versions", required = true, paramLabel = "N", description = "Versions to keep (0: none).")
        int versions;

        @Option(
                names = "--max-age",
                paramLabel = "DURATION",
                description = "Maximum age, e.g. 7d, 12h (default: any age).")
        String maxAge;

        @Option(names = "--first", description = "Put a new rule first instead of last.")
        boolean first;

        @Override
        public Integer call() {
            Duration age = maxAge == null ? Duration.ZERO : Durations.parse(maxAge, "--max-age");
            HistoryPolicy rule = new HistoryPolicy(pattern, versions, age);
            try (StateStore store = openStore()) {
                store.history().updatePolicies(current -> {
                    java.util.List<HistoryPolicy> rules = new ArrayList<>(current);
                    int at = indexOf(rules, pattern);
                    if (at >= 0) {
                        rules.set(at, rule);
                    } else if (first) {
                        rules.add(0, rule);
                    } else {
                        rules.add(rule);
                    }
                    return rules;
                });
                out().println(StrictJson.write(line(rule)));
            }
            return 0;
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true, description = "Remove the rule of PATTERN.")
    static final class Remove extends StoreCommand {
        @Parameters(index = "0", paramLabel = "PATTERN", description = "The rule's pattern, exactly as listed.")
        String pattern;

        @Override
        public Integer call() {
            try (StateStore store = openStore()) {
                store.history().updatePolicies(current -> {
                    java.util.List<HistoryPolicy> rules = new ArrayList<>(current);
                    int at = indexOf(rules, pattern);
                    if (at < 0) {
                        throw new CliException("no history policy rule for pattern \"" + pattern + "\"");
                    }
                    rules.remove(at);
                    return rules;
                });
            }
            return 0;
        }
    }

    @Command(
            name = "clear",
            mixinStandardHelpOptions = true,
            description = "Remove every rule: writers keep no history unless they ask for it themselves.")
    static final class Clear extends StoreCommand {
        @Override
        public Integer call() {
            try (StateStore store = openStore()) {
                store.history().setPolicies(java.util.List.of());
            }
            return 0;
        }
    }

    private static int indexOf(java.util.List<HistoryPolicy> rules, String pattern) {
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i).pattern().equals(pattern)) {
                return i;
            }
        }
        return -1;
    }
}
