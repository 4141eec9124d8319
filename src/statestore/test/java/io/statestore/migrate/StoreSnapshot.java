package io.statestore.migrate;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/** What an import leaves behind, without timestamps: documents, revisions, ledger, events per key. */
record StoreSnapshot(
        Map<String, String> documents,
        Map<String, String> revisions,
        Map<String, String> ledger,
        Map<String, Integer> eventsPerKey,
        long feedLength) {

    static StoreSnapshot take(Jedis j) {
        Map<String, String> docs = new TreeMap<>();
        Map<String, String> revs = new TreeMap<>();
        for (String k : j.zrange("ss:index", 0, -1)) {
            docs.put(k, j.get(k));
            revs.put(k, j.hget("ss:m:{" + k + "}", "rev") + "/" + j.hget("ss:m:{" + k + "}", "del"));
        }
        Map<String, Integer> events = new TreeMap<>();
        List<StreamEntry> entries = j.xrange("ss:feed", (StreamEntryID) null, (StreamEntryID) null);
        for (StreamEntry e : entries) {
            events.merge(e.getFields().get("key"), 1, Integer::sum);
        }
        return new StoreSnapshot(docs, revs, new TreeMap<>(j.hgetAll("ss:migrate:ledger")), events, j.xlen("ss:feed"));
    }
}
