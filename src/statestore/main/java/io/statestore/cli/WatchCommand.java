package io.statestore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.statestore.client.ChangeEvent;
import io.statestore.client.Document;
import io.statestore.client.ResyncReason;
import io.statestore.client.Role;
import io.statestore.client.StateStore;
import io.statestore.client.StateStoreException;
import io.statestore.client.StrictJson;
import io.statestore.client.WatchListener;
import io.statestore.client.WatchOptions;
import io.statestore.client.Watcher;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "watch",
        mixinStandardHelpOptions = true,
        description = {
            "Print changes as they are committed, one JSON line each (flushed), until Ctrl-C or stdout is closed (exit 0).",
            "Without --from, the current documents come first, as {\"type\":\"snapshot\",...} lines,",
            "then one {\"type\":\"ready\",\"position\":ID} line, then {\"type\":\"change\",...} lines.",
            "A position that was trimmed away prints {\"type\":\"resync\",\"reason\":...} and a fresh snapshot.",
            "A document that is not valid JSON prints {\"type\":\"unreadable\",\"key\",\"position\",\"error\"}"
                    + " and the watch goes on."
        })
final class WatchCommand extends StoreCommand {
    private static final Logger LOG = LoggerFactory.getLogger(WatchCommand.class);

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "PREFIX",
            description = "Only keys starting with PREFIX (default: all).")
    String prefix;

    @Option(
            names = "--from",
            paramLabel = "ID",
            description =
                    "Replay the changes after this feed ID (from a change line's \"id\" or the ready line); no snapshot."
                            + " On Redis Cluster: the ready line's position (c1:...), which covers every slot's feed.")
    String from;

    @Option(names = "--with-doc", description = "Add the document after each change (\"doc\", \"docRevision\").")
    boolean withDoc;

    @Override
    public Integer call() throws InterruptedException {
        WatchOptions options = WatchOptions.builder()
                .prefix(prefix)
                .fromId(from)
                .withDocuments(withDoc)
                .build();
        PrintWriter out = out();
        Thread main = Thread.currentThread();
        Thread hook = new Thread(() -> onSignal(main), "statestore-watch-shutdown");
        AtomicBoolean stdoutGone = new AtomicBoolean();
        boolean interrupted = false;
        try (StateStore store = openStore();
                Watcher watcher = store.watch().watch(options, new Printer(out, this::stdoutClosed, () -> {
                    stdoutGone.set(true);
                    main.interrupt();
                }))) {
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                while (!watcher.awaitClosed(Duration.ofSeconds(1))) {
                    // until interrupted (Ctrl-C, stdout closed) or the watcher stops by itself
                }
            } catch (InterruptedException e) {
                // Ctrl-C, stdout closed (| head -n 1) or the caller stopped us: a normal end of a watch
                interrupted = !stdoutGone.get();
            }
        } finally {
            removeHook(hook);
            out.flush();
        }
        if (interrupted) {
            // Restored only now: closing the watcher and the store waits for their threads, which a
            // pending interrupt would cut short. Stdout closing is our own stop and leaves no flag.
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** Ctrl-C: stop the watch, let the command finish its output, and exit 0 rather than 130. */
    private static void onSignal(Thread main) {
        main.interrupt();
        try {
            main.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Runtime.getRuntime().halt(0);
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException | IllegalArgumentException shuttingDownOrNotAdded) {
            // the JVM is already exiting through the hook
        }
    }

    @Override
    public String subject() {
        return prefix;
    }

    /** Writes one JSON line per snapshot document, change, resync and unreadable document. */
    static final class Printer implements WatchListener {
        private final PrintWriter out;

        private final BooleanSupplier stdoutClosed;
        private final Runnable onStdoutClosed;
        private final AtomicBoolean ended = new AtomicBoolean();

        Printer(PrintWriter out) {
            this(out, out::checkError, () -> {});
        }

        /** {@code onStdoutClosed} runs once when a line could not be written: nobody reads on (| head). */
        Printer(PrintWriter out, BooleanSupplier stdoutClosed, Runnable onStdoutClosed) {
            this.out = out;
            this.stdoutClosed = stdoutClosed;
            this.onStdoutClosed = onStdoutClosed;
        }

        @Override
        public void onSnapshot(List<Document<JsonNode>> documents, String position) {
            for (Document<JsonNode> d : documents) {
                ObjectNode o = line("snapshot");
                o.put("key", d.key());
                o.put("rev", d.revision());
                o.put("writer", d.meta().writer());
                o.put("updated", d.meta().updated().toString());
                o.set("value", d.value());
                print(o);
            }
            ObjectNode ready = line("ready");
            ready.put("position", position);
            ready.put("documents", documents.size());
            print(ready);
        }

        @Override
        public void onEvent(ChangeEvent e) {
            print(change(e));
        }

        @Override
        public void onResync(ResyncReason reason) {
            ObjectNode o = line("resync");
            o.put("reason", reason.name().toLowerCase());
            print(o);
        }

        /**
         * A document that cannot be read is data the user has to see (and fix), not a diagnostic:
         * a line on stdout, in order with the others, naming the key and what is wrong.
         */
        @Override
        public void onUnreadable(String key, String position, StateStoreException error) {
            ObjectNode o = line("unreadable");
            o.put("key", key);
            o.put("position", position);
            o.put("error", error.getMessage());
            print(o);
        }

        @Override
        public void onError(StateStoreException error) {
            LOG.warn("watch: {}", error.getMessage());
        }

        static ObjectNode change(ChangeEvent e) {
            ObjectNode o = line("change");
            o.put("id", e.id());
            o.put("key", e.key());
            o.put("op", e.op());
            o.put("rev", e.revision());
            o.put("prev", e.previousRevision());
            o.put("writer", e.writer());
            o.put("time", e.time().toString());
            if (e.change() != null) {
                o.set("change", e.change());
            }
            e.source().ifPresent(s -> o.put("src", s));
            if (e.document().isPresent()) {
                o.set("doc", e.document().get());
                o.put("docRevision", e.documentRevision());
            }
            return o;
        }

        private static ObjectNode line(String type) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.put("type", type);
            return o;
        }

        private void print(ObjectNode o) {
            if (ended.get()) {
                return;
            }
            out.println(StrictJson.write(o));
            out.flush();
            if (stdoutClosed.getAsBoolean() && ended.compareAndSet(false, true)) {
                onStdoutClosed.run();
            }
        }
    }

    @Override
    protected Role role() {
        return Role.READER;
    }
}
