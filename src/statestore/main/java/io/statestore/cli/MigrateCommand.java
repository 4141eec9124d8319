package io.statestore.cli;

import io.statestore.client.StateStoreException;
import io.statestore.client.StateStoreOptions;
import io.statestore.migrate.ImportSettings;
import io.statestore.migrate.ImportTarget;
import io.statestore.migrate.Importer;
import io.statestore.migrate.Mapping;
import io.statestore.migrate.MappingException;
import io.statestore.migrate.MigrationReport;
import io.statestore.migrate.OnExisting;
import io.statestore.migrate.Progress;
import io.statestore.migrate.Verifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code statestore migrate}: imports the legacy JSON files (docs/migration.md). */
@Command(
        name = "migrate",
        mixinStandardHelpOptions = true,
        description = "Import legacy JSON state files into the store (idempotent and resumable).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:everything mapped was imported or unchanged",
            "1:something was quarantined or failed, or left alone because it changed in the store since import",
            "2:usage error"
        })
public final class MigrateCommand implements Callable<Integer>, RecordsWriter {
    @Spec
    CommandSpec spec;

    @Option(names = "--from", required = true, paramLabel = "DIR", description = "Root of the legacy tree.")
    Path from;

    @Option(
            names = "--mapping",
            paramLabel = "FILE",
            description = "Mapping rules (YAML); default: the built-in legacy layout (config/migration.yaml).")
    Path mapping;

    @Option(
            names = "--dry-run",
            description =
                    "Print the plan (create/update/unchanged/changed-in-store/skipped/quarantined per file); write nothing.")
    boolean dryRun;

    @Option(
            names = "--verify",
            description = "Compare every mapped file with its document and report differences; write nothing.")
    boolean verify;

    @Option(
            names = "--on-existing",
            paramLabel = "skip|overwrite|fail",
            defaultValue = "fail",
            converter = OnExistingConverter.class,
            description =
                    "When a key already holds a different document not imported from the file (no ledger entry): keep it, replace it, or fail the file (default). "
                            + "Documents this migration imported and someone changed since: see --overwrite-live-changes.")
    OnExisting onExisting;

    @Option(
            names = "--overwrite-live-changes",
            description =
                    "Replace documents changed in the store since this migration imported them (their revision moved "
                            + "past the one the ledger recorded) when their file changed too. Default: leave them alone and report "
                            + "them as changed-in-store (exit 1).")
    boolean overwriteLiveChanges;

    @Option(names = "--report", paramLabel = "FILE", description = "Write a JSON report here.")
    Path report;

    @Option(
            names = "--quarantine",
            paramLabel = "DIR",
            description = "Copy damaged files here (with a .reason file each).")
    Path quarantine;

    @Option(
            names = "--archive",
            paramLabel = "DIR",
            description = "Move files here once their import has been verified.")
    Path archive;

    @Option(
            names = "--batch-size",
            defaultValue = "500",
            paramLabel = "N",
            description = "Files per pipelined batch (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(
            names = "--batch-pause-ms",
            defaultValue = "0",
            paramLabel = "MS",
            description = "Pause between batches, to go easy on a busy server.")
    long batchPauseMs;

    @Option(
            names = "--progress",
            negatable = true,
            description = "Progress bar on stderr (default: only on a terminal).")
    Boolean progress;

    static final class OnExistingConverter implements picocli.CommandLine.ITypeConverter<OnExisting> {
        @Override
        public OnExisting convert(String value) {
            try {
                return OnExisting.valueOf(value.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(
                        "expected skip, overwrite or fail, got '" + value + "'");
            }
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (verify && (dryRun || archive != null)) {
            throw new ParameterException(spec.commandLine(), "--verify cannot be combined with --dry-run or --archive");
        }
        if (dryRun && archive != null) {
            throw new ParameterException(spec.commandLine(), "--dry-run cannot be combined with --archive");
        }
        if (batchSize < 1 || batchPauseMs < 0) {
            throw new ParameterException(
                    spec.commandLine(), "--batch-size must be at least 1 and --batch-pause-ms not negative");
        }
        if (!Files.isDirectory(from)) {
            throw new ParameterException(spec.commandLine(), "--from " + from + ": not a directory");
        }
        Mapping rules;
        try {
            rules = mapping == null ? Mapping.defaults() : Mapping.load(mapping);
        } catch (MappingException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        StateStoreOptions options;
        try {
            options = ((Main) spec.root().userObject())
                    .storeOptions("statestore-migrate", io.statestore.client.Role.WRITER);
        } catch (StateStoreException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        try (ImportTarget target = new ImportTarget(options)) {
            if (verify) {
                Verifier.Result r = Verifier.verify(from, rules, target);
                r.print(out);
                out.flush();
                return r.exitCode();
            }
            boolean showProgress = progress != null ? progress : System.console() != null;
            ImportSettings settings = new ImportSettings(
                    from,
                    rules,
                    onExisting,
                    dryRun,
                    quarantine,
                    archive,
                    batchSize,
                    Duration.ofMillis(batchPauseMs),
                    overwriteLiveChanges);
            MigrationReport result = new Importer(settings, target, new Progress(err, showProgress)).run();
            if (dryRun) {
                result.printPlan(out);
            }
            result.printSummary(out);
            out.flush();
            if (report != null) {
                Files.writeString(report, result.toJson() + "\n", StandardCharsets.UTF_8);
            }
            return result.exitCode();
        } catch (StateStoreException | IOException | UncheckedIOException e) {
            err.println("migrate failed: " + e.getMessage());
            err.flush();
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("migrate interrupted");
            return 1;
        }
    }
}
