package io.statestore.client.internal;

import io.statestore.client.InvalidInputException;
import io.statestore.client.spi.SlotTags;
import java.util.Map;
import java.util.TreeMap;

/**
 * A cluster watcher's position: the last entry ID read of every slot feed (docs/cluster.md,
 * "Watch on a cluster"). Printed as {@code c1:} and, per non-empty slot in slot order,
 * {@code SLOT.MS.SEQ} in base 36, separated by commas: e.g. {@code c1:a2.ms4o2t3k.0,cb5.ms4o2t3m.3}.
 * Slots absent from a token are read from their beginning: their feeds did not exist when the
 * token was taken, so everything in them is later.
 */
final class ClusterPosition {
    static final String HEAD = "c1:";

    private ClusterPosition() {}

    /** Whether {@code text} is a cluster position (rather than a single feed's entry ID). */
    static boolean is(String text) {
        return text != null && text.startsWith(HEAD);
    }

    static String format(Map<Integer, String> positions) {
        StringBuilder b = new StringBuilder(HEAD.length() + positions.size() * 16).append(HEAD);
        boolean first = true;
        for (Map.Entry<Integer, String> e : new TreeMap<>(positions).entrySet()) {
            String id = e.getValue();
            if ("0-0".equals(id)) {
                continue; // the same as absent
            }
            int dash = id.indexOf('-');
            if (!first) {
                b.append(',');
            }
            first = false;
            b.append(Integer.toString(e.getKey(), 36))
                    .append('.')
                    .append(Long.toUnsignedString(Long.parseUnsignedLong(id.substring(0, dash)), 36))
                    .append('.')
                    .append(Long.toUnsignedString(Long.parseUnsignedLong(id.substring(dash + 1)), 36));
        }
        return b.toString();
    }

    /** The positions of a token, by slot; a clear error naming what is wrong otherwise. */
    static Map<Integer, String> parse(String token) {
        if (!is(token)) {
            throw invalid(token, "it does not start with " + HEAD);
        }
        Map<Integer, String> out = new TreeMap<>();
        String body = token.substring(HEAD.length());
        if (body.isEmpty()) {
            return out;
        }
        for (String part : body.split(",", -1)) {
            String[] f = part.split("\\.", -1);
            if (f.length != 3) {
                throw invalid(token, "\"" + part + "\" is not SLOT.MS.SEQ");
            }
            try {
                int slot = Integer.parseInt(f[0], 36);
                if (slot < 0 || slot >= SlotTags.SLOTS) {
                    throw invalid(token, "slot " + slot + " is not between 0 and 16383");
                }
                String id = Long.toUnsignedString(Long.parseUnsignedLong(f[1], 36)) + "-"
                        + Long.toUnsignedString(Long.parseUnsignedLong(f[2], 36));
                if (out.put(slot, id) != null) {
                    throw invalid(token, "slot " + slot + " appears twice");
                }
            } catch (NumberFormatException e) {
                throw invalid(token, "\"" + part + "\" is not SLOT.MS.SEQ in base 36");
            }
        }
        return out;
    }

    private static InvalidInputException invalid(String token, String why) {
        String shown = token.length() > 60 ? token.substring(0, 57) + "..." : token;
        return new InvalidInputException("invalid cluster watch position \"" + shown + "\": " + why
                + "; pass a position a cluster watcher gave (Watcher.position())");
    }
}
