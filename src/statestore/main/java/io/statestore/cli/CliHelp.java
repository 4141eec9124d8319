package io.statestore.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * How every {@code --help} reads: 100 columns; the global options listed once, at the root; a
 * subcommand's help shows its own options (and {@code --writer} where it writes) and says where
 * the global ones are; every help ends with an example from {@value #EXAMPLES}.
 *
 * <p>Only the rendering changes: the global options stay inherited by every subcommand, so
 * {@code statestore get KEY --redis URL} parses as before.
 */
final class CliHelp extends Help {
    static final int WIDTH = 100;
    /** The examples, one key per command: its qualified name with dots ({@code statestore.events.publish}). */
    static final String EXAMPLES = "help-examples.properties";

    static final String GLOBAL_OPTIONS_NOTE =
            "Global options (--redis, --user, --password-file, --tls-*, --debug): see 'statestore --help'.";
    private static final String SECTION_GLOBAL_OPTIONS = "globalOptions";
    private static final String SECTION_EXAMPLE = "example";

    private CliHelp(CommandSpec spec, ColorScheme colors) {
        super(spec, colors);
    }

    /** Applies this help to {@code root} and every subcommand it has now. */
    static void install(CommandLine root) {
        root.setUsageHelpWidth(WIDTH);
        root.setHelpFactory(CliHelp::new);
        addSections(root);
    }

    private static void addSections(CommandLine cmd) {
        UsageMessageSpec usage = cmd.getCommandSpec().usageMessage();
        List<String> keys = new ArrayList<>(usage.sectionKeys());
        if (keys.contains(SECTION_EXAMPLE)) { // reached again through an alias
            return;
        }
        keys.add(keys.indexOf(UsageMessageSpec.SECTION_KEY_OPTION_LIST) + 1, SECTION_GLOBAL_OPTIONS);
        keys.add(SECTION_EXAMPLE);
        usage.sectionKeys(keys);
        usage.sectionMap().put(SECTION_GLOBAL_OPTIONS, CliHelp::globalOptionsNote);
        usage.sectionMap().put(SECTION_EXAMPLE, CliHelp::examples);
        for (CommandLine sub : cmd.getSubcommands().values()) {
            addSections(sub);
        }
    }

    private static String globalOptionsNote(Help help) {
        return help.commandSpec().parent() == null ? "" : GLOBAL_OPTIONS_NOTE + System.lineSeparator();
    }

    private static String examples(Help help) {
        List<String> lines = examples(help.commandSpec());
        if (lines.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder(System.lineSeparator())
                .append(lines.size() == 1 ? "Example:" : "Examples:")
                .append(System.lineSeparator());
        for (String line : lines) {
            sb.append("  ").append(line).append(System.lineSeparator());
        }
        return sb.toString();
    }

    /** The example command lines of {@code spec}; empty when it has none. */
    static List<String> examples(CommandSpec spec) {
        String value = Examples.ALL.getProperty(spec.qualifiedName(".").trim());
        return value == null
                ? List.of()
                : value.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    /**
     * The options this command's help lists: its own, plus {@code --writer} where the command
     * records a writer. The other inherited ones are the root's, listed there.
     */
    static List<OptionSpec> shownOptions(CommandSpec spec) {
        boolean writes = spec.userObject() instanceof RecordsWriter;
        List<OptionSpec> shown = new ArrayList<>();
        for (OptionSpec o : spec.options()) {
            if (!o.hidden()
                    && o.group() == null
                    && (!o.inherited() || (writes && o.longestName().equals(RecordsWriter.OPTION)))) {
                shown.add(o);
            }
        }
        return shown;
    }

    @Override
    protected Text createDetailedSynopsisOptionsText(
            Collection<ArgSpec> done, Comparator<OptionSpec> optionSort, boolean clusterBooleanOptions) {
        return createDetailedSynopsisOptionsText(done, shownOptions(commandSpec()), optionSort, clusterBooleanOptions);
    }

    @Override
    public String optionList(Layout layout, Comparator<OptionSpec> optionSort, IParamLabelRenderer valueLabelRenderer) {
        return optionListExcludingGroups(shownOptions(commandSpec()), layout, optionSort, valueLabelRenderer)
                + optionListGroupSections();
    }

    /** Read when a help is first shown, not at every start of the CLI. */
    private static final class Examples {
        static final Properties ALL = load();

        private static Properties load() {
            Properties p = new Properties();
            try (InputStream in = CliHelp.class.getResourceAsStream(EXAMPLES)) {
                if (in != null) {
                    try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                        p.load(r);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return p;
        }
    }
}
