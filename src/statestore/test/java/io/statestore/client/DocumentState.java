package io.statestore.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Everything a write leaves behind for one document (default key layout), without its name,
 * times and write IDs: for comparing two function forms that must leave the same state.
 */
final class DocumentState {
    private DocumentState() {}

    /** The five KEYS of a single-document write function (ss_put, ss_write, ss_jop, ...), default layout. */
    static List<String> callKeys(String doc) {
        return List.of(doc, "ss:m:{" + doc + "}", "ss:h:{" + doc + "}", "ss:feed", "ss:index");
    }

    static Map<String, Object> of(Jedis j, String doc) {
        Map<String, Object> s = new LinkedHashMap<>();
        String type = j.type(doc);
        s.put("type", type);
        s.put(
                "value",
                !type.equals("string") && !type.equals("ReJSON-RL")
                        ? null
                        : ((List<?>) j.fcall("ss_get", List.of(doc, "ss:m:{" + doc + "}"), List.of())).get(0));
        s.put("hasTtl", j.pttl(doc) > 0);
        Map<String, String> meta = new TreeMap<>(j.hgetAll("ss:m:{" + doc + "}"));
        meta.keySet().removeAll(List.of("ctime", "mtime", "wid", "wfid"));
        s.put("meta", meta);
        List<Map<String, String>> feed = new ArrayList<>();
        for (StreamEntry e : j.xrange("ss:feed", (StreamEntryID) null, null)) {
            if (doc.equals(e.getFields().get("key"))) {
                Map<String, String> f = new TreeMap<>(e.getFields());
                f.keySet().removeAll(List.of("time", "key"));
                feed.add(f);
            }
        }
        s.put("feed", feed);
        List<Map<String, String>> hist = new ArrayList<>();
        for (StreamEntry e : j.xrange("ss:h:{" + doc + "}", (StreamEntryID) null, null)) {
            Map<String, String> f = new TreeMap<>(e.getFields());
            f.remove("time");
            hist.add(f);
        }
        s.put("history", hist);
        s.put("indexed", j.zscore("ss:index", doc) != null);
        return s;
    }
}
