package io.statestore.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A separate JVM for {@code HotDocumentStressContract}: threads writing one document with mixed
 * merges, increments and compare-and-set merges until killed. Each write is marked by a unique
 * token (the event's {@code src}); once the call returned, the thread appends
 * {@code TOKEN KIND REVISION} to its own acknowledgement file and forces it to disk before it
 * counts the write as acknowledged, so a {@code kill -9} at any moment leaves only whole lines of
 * acknowledged writes.
 *
 * <p>Arguments: URI KEY NAME THREADS ACK_DIR. NAME is unique per process incarnation; the merge
 * field names use only the slot ({@code p<slot>t<thread>}) so the document stays small.
 */
public final class HotWriterProcess {
    private HotWriterProcess() {}

    public static void main(String[] args) throws Exception {
        String uri = args[0];
        String key = args[1];
        String name = args[2];
        int threads = Integer.parseInt(args[3]);
        Path acks = Path.of(args[4]);
        String slot = name.substring(0, name.indexOf('.'));
        AtomicLong unavailable = new AtomicLong();
        StateStore store = connect(uri, name);
        List<Thread> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread th = new Thread(() -> run(store, key, name, slot + "t" + thread, thread, acks, unavailable));
            th.start();
            running.add(th);
        }
        for (Thread th : running) {
            th.join();
        }
    }

    /** Connects, again and again while the test drops connections (CLIENT KILL) during the handshake. */
    private static StateStore connect(String uri, String name) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return StateStore.connect(
                        StateStoreOptions.builder().uri(uri).writer(name).build());
            } catch (UnavailableException e) {
                if (attempt >= 50) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    private static void run(
            StateStore store, String key, String name, String field, int thread, Path acks, AtomicLong unavailable) {
        Path file = acks.resolve(name + "-" + thread + ".ack");
        try (FileChannel out = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (long seq = 0; ; seq++) {
                String token = name + "-" + thread + "-" + seq;
                WriteOptions opts = WriteOptions.builder().source(token).build();
                int pick = random.nextInt(10);
                String kind;
                WriteResult r;
                try {
                    if (pick < 5) {
                        kind = "merge";
                        r = store.merge(key, Map.of(field, seq), opts);
                    } else if (pick < 8) {
                        kind = "incr";
                        r = store.increment(key, "$.n", 1, opts);
                    } else {
                        kind = "cas";
                        long rev = store.get(key).orElseThrow().revision();
                        r = store.merge(
                                key,
                                Map.of("cas", token),
                                WriteOptions.builder()
                                        .source(token)
                                        .ifRevision(rev)
                                        .build());
                    }
                } catch (ConflictException e) {
                    continue; // a compare-and-set that lost: not acknowledged, and applied nowhere
                } catch (UnavailableException e) {
                    unavailable.incrementAndGet(); // outcome unknown: not acknowledged
                    continue;
                }
                byte[] line = (token + " " + kind + " " + r.revision() + "\n").getBytes(StandardCharsets.UTF_8);
                ByteBuffer b = ByteBuffer.wrap(line);
                while (b.hasRemaining()) {
                    out.write(b);
                }
                out.force(false);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Lines of every acknowledgement file under {@code dir}. */
    static List<String> acknowledged(Path dir) throws IOException {
        List<String> lines = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".ack")).toList()) {
                lines.addAll(Files.readAllLines(f));
            }
        }
        return lines;
    }
}
