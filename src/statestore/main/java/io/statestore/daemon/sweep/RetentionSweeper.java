package io.statestore.daemon.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.ConflictException;
import io.statestore.client.Document;
import io.statestore.client.NotFoundException;
import io.statestore.client.StateStore;
import io.statestore.client.WriteOptions;
import io.statestore.client.spi.KeyLayout;
import io.statestore.daemon.config.DaemonConfig;
import io.statestore.daemon.redis.Commands;
import io.statestore.daemon.redis.RedisAdmin;
import io.statestore.daemon.redis.Shard;
import io.statestore.daemon.redis.SlotKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;

/**
 * The retention/TTL sweep. First reaps documents Redis expired natively (their metadata and
 * index entries, with a tombstone via {@code ss_reap}), then applies the policies: each live
 * document is governed by the first policy whose pattern matches its key. Removals go through
 * the client's delete ({@code ss_del}, conditional on the revision that was judged), so each
 * produces exactly one tombstone event and a concurrent update is never lost.
 */
public final class RetentionSweeper {
    private static final Logger LOG = LoggerFactory.getLogger(RetentionSweeper.class);
    private static final String SOURCE = "retention-sweep";
    private static final int BATCH = 500;

    private final StateStore store;
    private final RedisAdmin redis;
    private final KeyLayout layout;
    private final List<DaemonConfig.Policy> policies;
    private final List<KeyPattern> patterns = new ArrayList<>();
    private final Optional<DocumentArchiver> archiver;
    private final Reaper reaper;

    public RetentionSweeper(
            StateStore store,
            RedisAdmin redis,
            KeyLayout layout,
            List<DaemonConfig.Policy> policies,
            Optional<DocumentArchiver> archiver,
            Reaper reaper) {
        this.store = store;
        this.redis = redis;
        this.layout = layout;
        this.policies = List.copyOf(policies);
        this.archiver = archiver;
        this.reaper = reaper;
        for (DaemonConfig.Policy p : policies) {
            patterns.add(new KeyPattern(p.pattern()));
        }
    }

    public SweepResult sweep() {
        List<Indexed> groups = indexedKeys();
        List<String> indexed = new ArrayList<>();
        Map<String, State> states = new java.util.HashMap<>();
        for (Indexed g : groups) {
            indexed.addAll(g.keys());
            states.putAll(states(g.at(), g.keys()));
        }
        int reaped = 0;
        Map<Integer, List<Candidate>> byPolicy = new LinkedHashMap<>();
        for (String key : indexed) {
            Map<String, String> meta = states.get(key).meta();
            if (!states.get(key).exists()) {
                if (reaper.reap(key)) {
                    reaped++;
                }
                continue;
            }
            for (int i = 0; i < patterns.size(); i++) {
                if (patterns.get(i).matches(key)) {
                    long mtime = Long.parseLong(meta.getOrDefault("mtime", "0"));
                    long rev = Long.parseLong(meta.getOrDefault("rev", "0"));
                    byPolicy.computeIfAbsent(i, k -> new ArrayList<>()).add(new Candidate(key, mtime, rev));
                    break;
                }
            }
        }
        long now = serverTimeMillis();
        int deleted = 0;
        int archived = 0;
        int ttlApplied = 0;
        int skipped = 0;
        for (Map.Entry<Integer, List<Candidate>> e : byPolicy.entrySet()) {
            DaemonConfig.Policy p = policies.get(e.getKey());
            List<Candidate> docs = new ArrayList<>(e.getValue());
            docs.sort(Comparator.comparingLong(Candidate::mtime)
                    .thenComparing(Candidate::key)
                    .reversed());
            for (int rank = 0; rank < docs.size(); rank++) {
                Candidate c = docs.get(rank);
                boolean tooOld =
                        p.maxAge() != null && now - c.mtime() > p.maxAge().toMillis();
                boolean beyondKeep = p.keepNewest() > 0 && rank >= p.keepNewest();
                if (tooOld || beyondKeep) {
                    switch (remove(c)) {
                        case DELETED -> deleted++;
                        case ARCHIVED -> {
                            deleted++;
                            archived++;
                        }
                        case SKIPPED -> skipped++;
                        default -> {}
                    }
                } else if (p.defaultTtl() != null && redis.with(j -> j.pttl(c.key())) == -1) {
                    try {
                        store.expire(c.key(), p.defaultTtl());
                        ttlApplied++;
                    } catch (NotFoundException gone) {
                        skipped++;
                    }
                }
            }
        }
        SweepResult r = new SweepResult(indexed.size(), deleted, archived, ttlApplied, reaped, skipped);
        LOG.info(
                "sweep: scanned {} documents, deleted {} (archived {}), applied default TTL to {}, reaped {} expired, skipped {} changed meanwhile",
                r.scanned(),
                r.deleted(),
                r.archived(),
                r.ttlApplied(),
                r.reaped(),
                r.skipped());
        return r;
    }

    private enum Outcome {
        DELETED,
        ARCHIVED,
        SKIPPED
    }

    private Outcome remove(Candidate c) {
        long rev = c.rev();
        boolean wasArchived = false;
        if (archiver.isPresent()) {
            Optional<Document<JsonNode>> doc = store.get(c.key());
            if (doc.isEmpty() || doc.get().revision() != rev) {
                return Outcome.SKIPPED;
            }
            try {
                archiver.get().archive(doc.get());
                wasArchived = true;
            } catch (IOException e) {
                throw new UncheckedIOException("archiving " + c.key() + " failed, not deleted: " + e.getMessage(), e);
            }
        }
        try {
            store.delete(
                    c.key(),
                    WriteOptions.builder().ifRevision(rev).source(SOURCE).build());
        } catch (ConflictException | NotFoundException changed) {
            return Outcome.SKIPPED;
        }
        return wasArchived ? Outcome.ARCHIVED : Outcome.DELETED;
    }

    /**
     * Metadata and existence of every key, fetched in pipelined batches from the server that
     * holds their index (on a cluster: the primary of their slots, so no command is redirected).
     */
    private Map<String, State> states(Commands at, List<String> keys) {
        Map<String, State> out = new java.util.HashMap<>();
        for (int from = 0; from < keys.size(); from += BATCH) {
            List<String> batch = keys.subList(from, Math.min(keys.size(), from + BATCH));
            at.with(j -> {
                redis.clients.jedis.Pipeline p = j.pipelined();
                List<redis.clients.jedis.Response<Map<String, String>>> metas = new ArrayList<>();
                List<redis.clients.jedis.Response<Boolean>> exists = new ArrayList<>();
                for (String k : batch) {
                    metas.add(p.hgetAll(layout.meta(k)));
                    exists.add(p.exists(k));
                }
                p.sync();
                for (int i = 0; i < batch.size(); i++) {
                    out.put(
                            batch.get(i),
                            new State(metas.get(i).get(), exists.get(i).get()));
                }
                return null;
            });
        }
        return out;
    }

    private record State(Map<String, String> meta, boolean exists) {}

    /** The documents of one listing index and the server that holds it. */
    private record Indexed(Commands at, List<String> keys) {}

    /**
     * Every document the listing index knows: the one index, or on a cluster the index of every
     * slot ({@code <prefix>index{T}}), found by SCAN on every primary (docs/cluster.md).
     */
    private List<Indexed> indexedKeys() {
        if (!layout.perSlot()) {
            return List.of(new Indexed(redis, members(redis, layout.index(""))));
        }
        List<Indexed> out = new ArrayList<>();
        for (Shard shard : redis.shards()) {
            List<String> keys = new ArrayList<>();
            for (String index : SlotKeys.scan(shard, layout.prefix() + "index{*}", "zset")) {
                keys.addAll(members(shard, index));
            }
            out.add(new Indexed(shard, keys));
        }
        return out;
    }

    private static List<String> members(Commands at, String index) {
        List<String> keys = new ArrayList<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        ScanParams params = new ScanParams().count(500);
        do {
            String c = cursor;
            ScanResult<Tuple> page = at.with(j -> j.zscan(index, c, params));
            for (Tuple t : page.getResult()) {
                keys.add(t.getElement());
            }
            cursor = page.getCursor();
        } while (!"0".equals(cursor));
        return keys;
    }

    private long serverTimeMillis() {
        List<String> t = redis.with(j -> j.time());
        return Long.parseLong(t.get(0)) * 1000 + Long.parseLong(t.get(1)) / 1000;
    }

    private record Candidate(String key, long mtime, long rev) {}
}
