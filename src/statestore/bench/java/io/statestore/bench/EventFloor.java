package io.statestore.bench;

import java.util.List;
import redis.clients.jedis.Jedis;

/**
 * The floor of any event bus that keeps the publish contract with a Redis function: one
 * FCALL per event that records the client's event ID (so a re-send is recognised) and appends
 * the event to its type stream and to the global stream, and nothing else: no argument or key
 * checks, no type registry, no trimming, no JSON work on the client (the payload is serialized
 * once, before the run, as for raw XADD). statestore's ev_publish_batch does all of that on top,
 * so it cannot beat this; the floor's own ratio to raw is what the contract costs the server
 * (docs/benchmarks-events.md, round 4).
 */
final class EventFloor {
    static final String LIBRARY = BenchLua.library("event-floor.lua");
    static final List<String> KEYS = List.of("floor:{ev}:t:bench", "floor:{ev}:all", "floor:{ev}:ids");

    private EventFloor() {}

    /** Installs the floor's function (it survives FLUSHALL). */
    static void install(Jedis j) {
        j.functionLoadReplace(LIBRARY);
    }

    /** Publishes one event; true when it was written, false for a re-sent ID. */
    static boolean publish(Jedis j, String id, String type, String source, long time, String data) {
        Object r = j.fcall("ev_floor_publish", KEYS, List.of(id, type, source, Long.toString(time), data));
        return ((Long) r) == 1L;
    }
}
