package io.statestore.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The subcommands of {@code statestore}, in the order the help lists them. To add a command,
 * add its class here.
 *
 * <p>They are not in {@link Main}'s {@code @Command(subcommands = ...)} because picocli builds the
 * whole tree up front, instantiating every command: {@code get} paid for the daemon's, migration's
 * and backup's classes and their static state (issue 17). A command line that names a command
 * gets only that one; one that names none, or a name no command has, gets all of them, so that
 * the help lists them and a misspelling is answered with suggestions.
 */
final class Subcommands {
    static final List<Class<?>> ALL = List.of(
            PutCommand.class,
            GetCommand.class,
            MergeCommand.class,
            SetCommand.class,
            IncrCommand.class,
            AppendCommand.class,
            DelCommand.class,
            LsCommand.class,
            MigrateCommand.class,
            ExportCommand.class,
            DaemonCommand.class,
            StatusCommand.class,
            BackupCommand.class,
            EventsCommand.class,
            TaskCommand.class,
            WatchCommand.class,
            TsCommand.class,
            HistoryCommand.class,
            RevertCommand.class,
            FunctionsCommand.class,
            AclCommand.class,
            BatchCommand.class);

    private Subcommands() {}

    /**
     * Adds to {@code top} the subcommand {@code args} names, none for a plain
     * {@code statestore --version}, or all of them.
     */
    static void addTo(CommandLine top, String... args) {
        String name = commandName(top.getCommandSpec(), args);
        if (name == null && asksVersionOnly(args)) {
            return;
        }
        if (name != null) {
            for (Class<?> c : ALL) {
                if (answersTo(c, name)) {
                    top.addSubcommand(c);
                    return;
                }
            }
        }
        for (Class<?> c : ALL) {
            top.addSubcommand(c);
        }
    }

    /**
     * The first argument that is neither an option of {@code top} nor an option's value: the word
     * picocli would take as the subcommand. Null when there is none or after {@code --}.
     */
    static String commandName(CommandSpec top, String... args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--")) {
                return null;
            }
            if (!arg.startsWith("-") || arg.equals("-")) {
                return arg;
            }
            int eq = arg.indexOf('=');
            OptionSpec option = top.findOption(eq < 0 ? arg : arg.substring(0, eq));
            if (option != null && eq < 0 && option.arity().min() > 0) {
                i++; // its value, which may be any word, even a command's name
            }
        }
        return null;
    }

    /** {@code --version} or {@code -V} without a help option: picocli answers before any subcommand counts. */
    private static boolean asksVersionOnly(String... args) {
        boolean version = false;
        for (String arg : args) {
            if (arg.equals("--help") || arg.startsWith("-") && !arg.startsWith("--") && arg.indexOf('h') > 0) {
                return false;
            }
            version |= arg.equals("--version") || arg.startsWith("-") && !arg.startsWith("--") && arg.indexOf('V') > 0;
        }
        return version;
    }

    private static boolean answersTo(Class<?> command, String name) {
        Command c = command.getAnnotation(Command.class);
        return c != null && (c.name().equals(name) || List.of(c.aliases()).contains(name));
    }
}
