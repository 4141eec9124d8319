package io.statestore.client.internal;

import io.statestore.client.InvalidInputException;
import io.statestore.client.Watch;
import io.statestore.client.WatchListener;
import io.statestore.client.WatchOptions;
import io.statestore.client.Watcher;
import io.statestore.client.spi.KeyLayout;
import io.statestore.client.spi.RedisGateway;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;

/** Starts {@link FeedWatcher}s (each has its own connection and two threads) and closes them with the store. */
final class DefaultWatch implements Watch {
    private final RedisGateway redis;
    private final KeyLayout layout;
    private final FeedReads reads;
    private final DocumentLookup documents;
    private final Duration timeout;
    /** Watchers started here; weak, so closed ones whose threads ended are forgotten. */
    private final Set<FeedWatcher> open = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    DefaultWatch(RedisGateway redis, KeyLayout layout, DocumentLookup documents, Duration timeout) {
        this.timeout = timeout;
        this.redis = redis;
        this.layout = layout;
        this.reads = new FeedReads(layout);
        this.documents = documents;
    }

    @Override
    public Watcher watch(WatchOptions options, WatchListener listener) {
        if (options == null || listener == null) {
            throw new InvalidInputException("watch needs options and a listener");
        }
        if (options.scope() == WatchOptions.Scope.KEY) {
            layout.validate(options.target());
        }
        FeedWatcher w =
                new FeedWatcher(options, listener, reads, documents, redis, layout.feed(options.target()), timeout);
        open.add(w);
        w.start();
        return w;
    }

    /** Closes the watchers still running; the store is closing and their document reads need its pool. */
    void closeAll() {
        List<FeedWatcher> running;
        synchronized (open) {
            running = new ArrayList<>(open);
            open.clear();
        }
        running.forEach(FeedWatcher::close);
    }
}
