package io.statestore.daemon.redis;

import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** The per-slot keys of one kind (feeds, indexes) on one server, found by SCAN with a type filter. */
public final class SlotKeys {
    private static final int SCAN_COUNT = 1000;

    private SlotKeys() {}

    public static List<String> scan(Commands at, String match, String type) {
        List<String> out = new ArrayList<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        ScanParams params = new ScanParams().match(match).count(SCAN_COUNT);
        do {
            String c = cursor;
            ScanResult<String> page = at.with(j -> j.scan(c, params, type));
            out.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
        return out;
    }
}
