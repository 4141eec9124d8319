package io.statestore.client.internal;

import io.statestore.client.InvalidInputException;
import io.statestore.client.Watch;
import io.statestore.client.WatchListener;
import io.statestore.client.WatchOptions;
import io.statestore.client.Watcher;
import io.statestore.client.spi.ClusterFeeds;
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
    private final Set<Watcher> open = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

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
        if (redis.cluster()) {
            // one feed per slot on a cluster: a watcher of its own (docs/cluster.md, "Watch on a cluster")
            ClusterFeedWatcher c = new ClusterFeedWatcher(
                    options, listener, reads, documents, redis, new ClusterFeeds(redis, layout.prefix()));
            open.add(c);
            c.start();
            return c;
        }
        if (options.fromId().filter(ClusterPosition::is).isPresent()) {
            throw new InvalidInputException("watch from \"" + options.fromId().get()
                    + "\": a position of a Redis Cluster watcher (c1:...) means nothing to a single server ("
                    + redis.endpoint() + "), whose one feed is positioned by an entry ID such as 1795307409913-0");
        }
        FeedWatcher w =
                new FeedWatcher(options, listener, reads, documents, redis, layout.feed(options.target()), timeout);
        open.add(w);
        w.start();
        return w;
    }

    /** Closes the watchers still running; the store is closing and their document reads need its pool. */
    void closeAll() {
        List<Watcher> running;
        synchronized (open) {
            running = new ArrayList<>(open);
            open.clear();
        }
        running.forEach(Watcher::close);
    }
}
