package io.statestore.client.spi;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * What a cluster watcher needs beyond routed function calls (docs/cluster.md, "Watch on a
 * cluster"): which primary serves which slots, the last entry of every slot feed a primary holds,
 * and a subscription to the wake channels ({@code P wake{T}}, one per slot, SPUBLISHed by every
 * write) of the slots a primary serves. Each is a connection to one node, made here so that Jedis
 * stays inside spi.
 */
public final class ClusterFeeds {
    /** A primary ("host:port") and the slots it serves. */
    public record Primary(String address, BitSet slots) {}

    /** Told by a {@link Subscription}'s thread what its node sends. */
    public interface WakeListener {
        /** A change was committed in {@code slot}'s feed. */
        void woken(int slot);

        /**
         * The node stopped serving {@code slot} (it sent SUNSUBSCRIBE: the slot moved away) or
         * refused a subscription (MOVED): the slot map the subscription was made for is stale.
         */
        void moved(int slot);

        /** The connection ended (node down, failover, closed); nothing more comes from it. */
        void ended(String address, RuntimeException cause);
    }

    private final RedisGateway gateway;
    private final String prefix;

    public ClusterFeeds(RedisGateway gateway, String prefix) {
        if (gateway.clusterConnection() == null) {
            throw new IllegalArgumentException("not a cluster gateway");
        }
        this.gateway = gateway;
        this.prefix = prefix;
    }

    /** The feed key of {@code slot}: {@code P feed{T}}. */
    public String feed(int slot) {
        return prefix + "feed{" + SlotTags.tag(slot) + "}";
    }

    /** The index key of {@code slot}: {@code P index{T}}. */
    public String index(int slot) {
        return prefix + "index{" + SlotTags.tag(slot) + "}";
    }

    /** The wake channel of {@code slot}: {@code P wake{T}}. */
    public String wakeChannel(int slot) {
        return prefix + "wake{" + SlotTags.tag(slot) + "}";
    }

    /** The primaries serving slots now, from CLUSTER SLOTS of a reachable node. */
    public List<Primary> primaries() {
        List<Object> reply;
        try (Jedis j = gateway.clusterConnection().anyNode()) {
            reply = j.clusterSlots();
        } catch (JedisException e) {
            throw gateway.failure(e);
        }
        Map<String, BitSet> byNode = new HashMap<>();
        for (Object range : reply) {
            List<?> r = (List<?>) range;
            int from = ((Long) r.get(0)).intValue();
            int to = ((Long) r.get(1)).intValue();
            List<?> node = (List<?>) r.get(2);
            String address = FunctionCalls.text(node.get(0)) + ":" + node.get(1);
            byNode.computeIfAbsent(address, a -> new BitSet(SlotTags.SLOTS)).set(from, to + 1);
        }
        List<Primary> out = new ArrayList<>();
        byNode.forEach((a, s) -> out.add(new Primary(a, s)));
        return out;
    }

    /**
     * The last entry ID of every slot feed {@code address} holds (SCAN for {@code P feed{*}}, then
     * one pipelined {@code XREVRANGE + - COUNT 1} per feed; XINFO's last generated ID for an
     * empty one), by slot. A feed whose slot moved
     * away meanwhile is left out (its new owner has it).
     */
    public Map<Integer, String> lastIds(String address) {
        Map<Integer, String> out = new HashMap<>();
        try (Jedis j = new Jedis(HostAndPort.from(address), gateway.clientConfig())) {
            List<String> feeds = new ArrayList<>();
            ScanParams params = new ScanParams().match(prefix + "feed{*}").count(1000);
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = j.scan(cursor, params, "stream");
                for (String f : page.getResult()) {
                    if (slotOfFeed(f) >= 0) {
                        feeds.add(f);
                    }
                }
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            Connection c = j.getConnection();
            for (String f : feeds) {
                c.sendCommand(Protocol.Command.XREVRANGE, f, "+", "-", "COUNT", "1");
            }
            List<Object> replies = c.getMany(feeds.size());
            List<String> emptied = new ArrayList<>();
            for (int i = 0; i < feeds.size(); i++) {
                if (replies.get(i) instanceof List<?> entries) {
                    if (entries.isEmpty()) {
                        emptied.add(feeds.get(i));
                    } else {
                        out.put(slotOfFeed(feeds.get(i)), FunctionCalls.text(((List<?>) entries.get(0)).get(0)));
                    }
                }
            }
            // A feed trimmed to nothing still has a last ID, which a watcher behind it must compare
            // with (it has to learn that it lost entries); XINFO is heavier, so only for these.
            for (String f : emptied) {
                c.sendCommand(Protocol.Command.XINFO, "STREAM", f);
            }
            List<Object> infos = c.getMany(emptied.size());
            for (int i = 0; i < emptied.size(); i++) {
                if (infos.get(i) instanceof List<?> info) {
                    for (int k = 0; k + 1 < info.size(); k += 2) {
                        if ("last-generated-id".equals(FunctionCalls.text(info.get(k)))) {
                            out.put(slotOfFeed(emptied.get(i)), FunctionCalls.text(info.get(k + 1)));
                        }
                    }
                }
            }
        } catch (JedisException e) {
            throw gateway.failure(e);
        }
        return out;
    }

    /**
     * The slot of a feed key {@code P feed{T}} whose T is the tag of its slot; -1 for any other
     * key (a foreign key, or a feed under another tag of the same slot, which no statestore
     * client writes: docs/cluster.md).
     */
    int slotOfFeed(String key) {
        return slotOf(key, prefix + "feed{");
    }

    private static int slotOf(String key, String head) {
        if (!key.startsWith(head) || !key.endsWith("}")) {
            return -1;
        }
        String tag = key.substring(head.length(), key.length() - 1);
        int slot = SlotTags.slot(key);
        return SlotTags.tag(slot).equals(tag) ? slot : -1;
    }

    /**
     * Subscribes to the wake channels of {@code slots} on {@code address} (one SSUBSCRIBE per
     * slot, pipelined: channels of different slots cannot share one) and starts a daemon thread
     * that passes what the node sends to {@code listener} until {@link Subscription#close()}.
     */
    public Subscription subscribe(String address, BitSet slots, WakeListener listener) {
        WakeConnection c;
        try {
            c = new WakeConnection(HostAndPort.from(address), gateway.clientConfig());
            c.setTimeoutInfinite();
            for (int s = slots.nextSetBit(0); s >= 0; s = slots.nextSetBit(s + 1)) {
                c.sendCommand(Protocol.Command.SSUBSCRIBE, wakeChannel(s));
            }
            c.flushNow();
        } catch (JedisException e) {
            throw gateway.failure(e);
        }
        Subscription sub = new Subscription(address, (BitSet) slots.clone(), c, listener);
        sub.thread.start();
        return sub;
    }

    /** One node's wake subscription: a connection and the thread reading it. */
    public final class Subscription implements AutoCloseable {
        private final String address;
        private final BitSet slots;
        private final WakeConnection connection;
        private final WakeListener listener;
        private final Thread thread;
        private volatile boolean closed;

        private Subscription(String address, BitSet slots, WakeConnection connection, WakeListener listener) {
            this.address = address;
            this.slots = slots;
            this.connection = connection;
            this.listener = listener;
            this.thread = new Thread(this::readLoop, "statestore-watch-wake " + address);
            thread.setDaemon(true);
        }

        public String address() {
            return address;
        }

        /** The slots subscribed to (a copy). */
        public BitSet slots() {
            synchronized (slots) {
                return (BitSet) slots.clone();
            }
        }

        /**
         * Subscribes also to the wake channels of the slots of {@code wanted} not subscribed yet
         * (slots moved to this node). Called by one thread at a time; the reading thread only reads.
         */
        public void add(BitSet wanted) {
            BitSet more = (BitSet) wanted.clone();
            synchronized (slots) {
                more.andNot(slots);
                slots.or(more);
            }
            if (more.isEmpty()) {
                return;
            }
            try {
                for (int s = more.nextSetBit(0); s >= 0; s = more.nextSetBit(s + 1)) {
                    connection.sendCommand(Protocol.Command.SSUBSCRIBE, wakeChannel(s));
                }
                connection.flushNow();
            } catch (JedisException e) {
                close();
                throw gateway.failure(e);
            }
        }

        public boolean alive() {
            return thread.isAlive() && !closed;
        }

        private void readLoop() {
            String head = prefix + "wake{";
            RuntimeException cause = null;
            try {
                while (!closed) {
                    Object reply;
                    try {
                        reply = connection.getUnflushedObject();
                    } catch (redis.clients.jedis.exceptions.JedisMovedDataException refused) {
                        // an SSUBSCRIBE of a slot this node no longer serves: the slot map we
                        // subscribed by is stale; the watcher re-reads it and subscribes there
                        synchronized (slots) {
                            slots.clear(refused.getSlot());
                        }
                        listener.moved(refused.getSlot());
                        continue;
                    } catch (redis.clients.jedis.exceptions.JedisDataException refused) {
                        listener.moved(-1); // another refusal (CLUSTERDOWN): sweep again soon
                        continue;
                    }
                    if (!(reply instanceof List<?> push) || push.size() < 3) {
                        continue;
                    }
                    String kind = FunctionCalls.text(push.get(0));
                    int slot = slotOf(FunctionCalls.text(push.get(1)), head);
                    if (slot < 0) {
                        continue;
                    }
                    if ("smessage".equals(kind)) {
                        listener.woken(slot);
                    } else if ("sunsubscribe".equals(kind)) {
                        synchronized (slots) {
                            slots.clear(slot);
                        }
                        listener.moved(slot);
                    }
                }
            } catch (JedisException e) {
                cause = closed ? null : gateway.failure(e);
            } catch (RuntimeException e) {
                cause = e;
            } finally {
                closed = true;
                connection.close();
                listener.ended(address, cause);
            }
        }

        /** Ends the subscription; safe from any thread. */
        @Override
        public void close() {
            closed = true;
            try {
                connection.forceDisconnect(); // breaks the blocking read at once
            } catch (java.io.IOException | RuntimeException ignored) {
                // already closed
            }
        }
    }

    /** A connection that sends many SSUBSCRIBEs and then flushes them once. */
    private static final class WakeConnection extends Connection {
        WakeConnection(HostAndPort node, redis.clients.jedis.JedisClientConfig config) {
            super(node, config);
        }

        void flushNow() {
            flush();
        }
    }
}
