package io.statestore.watch;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.ChangeEvent;
import io.statestore.client.Document;
import io.statestore.client.ResyncReason;
import io.statestore.client.StateStoreException;
import io.statestore.client.WatchListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/** A listener that records everything and lets tests await conditions on it. */
class Recorder implements WatchListener {
    final List<ChangeEvent> events = new ArrayList<>();
    final List<List<Document<JsonNode>>> snapshots = new ArrayList<>();
    final List<String> snapshotPositions = new ArrayList<>();
    final List<ResyncReason> resyncs = new ArrayList<>();
    /** Unreadable documents reported, as {@code key@position: message}. */
    final List<String> unreadable = new ArrayList<>();

    final List<String> order = new ArrayList<>();
    int errors;

    @Override
    public synchronized void onSnapshot(List<Document<JsonNode>> documents, String position) {
        snapshots.add(documents);
        snapshotPositions.add(position);
        order.add("snapshot");
        notifyAll();
    }

    @Override
    public synchronized void onEvent(ChangeEvent event) {
        events.add(event);
        order.add("event");
        notifyAll();
    }

    @Override
    public synchronized void onResync(ResyncReason reason) {
        resyncs.add(reason);
        order.add("resync:" + reason);
        notifyAll();
    }

    @Override
    public synchronized void onUnreadable(String key, String position, StateStoreException error) {
        unreadable.add(key + "@" + position + ": " + error.getMessage());
        order.add("unreadable:" + key);
        notifyAll();
    }

    @Override
    public synchronized void onError(StateStoreException error) {
        errors++;
        notifyAll();
    }

    synchronized String lastId() {
        return events.isEmpty() ? null : events.get(events.size() - 1).id();
    }

    synchronized List<ChangeEvent> events() {
        return new ArrayList<>(events);
    }

    /** Waits (on this recorder's monitor, woken by every callback) until the condition holds. */
    synchronized void await(BooleanSupplier condition, Duration limit, String what) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("timed out waiting for " + what + "; events=" + events.size()
                        + " snapshots=" + snapshots.size() + " resyncs=" + resyncs + " errors=" + errors
                        + " unreadable=" + unreadable);
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }
}
