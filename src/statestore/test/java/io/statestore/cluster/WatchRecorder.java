package io.statestore.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.ChangeEvent;
import io.statestore.client.Document;
import io.statestore.client.ResyncReason;
import io.statestore.client.StateStoreException;
import io.statestore.client.WatchListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** A listener that keeps what a watcher delivered, for tests to wait on and check. */
final class WatchRecorder implements WatchListener {
    final List<List<Document<JsonNode>>> snapshots = new ArrayList<>();
    final List<String> snapshotPositions = new ArrayList<>();
    final List<ChangeEvent> events = new ArrayList<>();
    final List<ResyncReason> resyncs = new ArrayList<>();
    final List<StateStoreException> errors = new ArrayList<>();
    /** Snapshots (as lists of documents) and events, in delivery order. */
    final List<Object> log = new ArrayList<>();

    @Override
    public synchronized void onSnapshot(List<Document<JsonNode>> documents, String position) {
        snapshots.add(documents);
        log.add(documents);
        snapshotPositions.add(position);
        notifyAll();
    }

    @Override
    public synchronized void onEvent(ChangeEvent event) {
        events.add(event);
        log.add(event);
        notifyAll();
    }

    @Override
    public synchronized void onResync(ResyncReason reason) {
        resyncs.add(reason);
        notifyAll();
    }

    @Override
    public synchronized void onError(StateStoreException error) {
        errors.add(error);
    }

    /** Waits until {@code done} holds (a bound for waiting, not a timing assertion); true if it did. */
    synchronized boolean await(Predicate<WatchRecorder> done, Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (!done.test(this)) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    synchronized int eventCount() {
        return events.size();
    }

    synchronized List<ChangeEvent> eventsCopy() {
        return new ArrayList<>(events);
    }

    /**
     * Per key, the revisions seen, in delivery order; with each key's revisions that should be
     * exactly {@code from..to}, the problems (duplicates, gaps, order) in words, empty when none.
     */
    static List<String> problems(List<ChangeEvent> events, Map<String, long[]> expected) {
        Map<String, List<Long>> seen = new HashMap<>();
        for (ChangeEvent e : events) {
            seen.computeIfAbsent(e.key(), k -> new ArrayList<>()).add(e.revision());
        }
        List<String> out = new ArrayList<>();
        expected.forEach((key, range) -> {
            List<Long> want = new ArrayList<>();
            for (long r = range[0]; r <= range[1]; r++) {
                want.add(r);
            }
            List<Long> got = seen.getOrDefault(key, List.of());
            if (!want.equals(got)) {
                out.add(key + ": expected revisions " + range[0] + ".." + range[1] + " once each in order, got " + got);
            }
        });
        seen.keySet().stream()
                .filter(k -> !expected.containsKey(k))
                .forEach(k -> out.add("unexpected key " + k + ": " + seen.get(k)));
        return out;
    }

    /**
     * Checks a delivery log against the documents' final revisions: after each snapshot, every
     * change of each key follows the one before it (revision = the last seen + 1: no gap, no
     * duplicate, in order), and the last revision seen of each key is its final one. A key absent
     * from the last snapshot starts at revision 1. The problems in words; empty when none.
     */
    synchronized List<String> continuityProblems(Map<String, Long> finalRevisions) {
        Map<String, Long> last = new HashMap<>();
        List<String> out = new ArrayList<>();
        for (Object o : log) {
            if (o instanceof ChangeEvent e) {
                long expected = last.getOrDefault(e.key(), 0L) + 1;
                if (e.revision() != expected && out.size() < 20) {
                    out.add(e.key() + ": revision " + e.revision() + " delivered where " + expected + " was next");
                }
                last.put(e.key(), e.revision());
            } else {
                last.clear();
                for (Object d : (List<?>) o) {
                    Document<?> doc = (Document<?>) d;
                    last.put(doc.key(), doc.revision());
                }
            }
        }
        finalRevisions.forEach((k, rev) -> {
            if (!rev.equals(last.get(k)) && out.size() < 40) {
                out.add(k + ": last revision seen " + last.get(k) + ", final " + rev);
            }
        });
        return out;
    }

    synchronized boolean caughtUp(Map<String, Long> finalRevisions) {
        Map<String, Long> last = new HashMap<>();
        for (Object o : log) {
            if (o instanceof ChangeEvent e) {
                last.put(e.key(), e.revision());
            } else {
                last.clear();
                for (Object d : (List<?>) o) {
                    last.put(((Document<?>) d).key(), ((Document<?>) d).revision());
                }
            }
        }
        return finalRevisions.entrySet().stream().allMatch(e -> e.getValue().equals(last.get(e.getKey())));
    }
}
