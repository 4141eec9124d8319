package io.statestore.client.spi;

import io.statestore.client.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where everything about a document lives (see docs/key-layout.md). Document keys are the
 * user's names; internal keys sit under the prefix and in the document's hash slot, so one
 * function call never crosses slots and the layout holds on Redis Cluster.
 */
public final class KeyLayout {
    public static final int MAX_KEY_BYTES = 1024;
    /** Reserved under every prefix too: the functions refuse documents named like internal keys of the default store. */
    private static final String DEFAULT_PREFIX = "ss:";

    private static final Pattern BRACES = Pattern.compile("[^{}]*\\{[^{}]+}[^{}]*");

    private final String prefix;
    /** Redis Cluster: feed, index and settings are kept per hash slot (docs/cluster.md). */
    private final boolean perSlot;

    /** The layout on a standalone server or a Sentinel-managed primary: one feed, one index. */
    public KeyLayout(String prefix) {
        this(prefix, false);
    }

    /** With {@code cluster} true, the layout on Redis Cluster: feed, index and settings per slot. */
    public KeyLayout(String prefix, boolean cluster) {
        this.prefix = prefix;
        this.perSlot = cluster;
    }

    /** Whether feed, index and settings are kept per hash slot (Redis Cluster). */
    public boolean perSlot() {
        return perSlot;
    }

    public String prefix() {
        return prefix;
    }

    /** Checks a document key; the message names the key and the rule it breaks. */
    public void validate(String key) {
        if (key == null || key.isEmpty()) {
            throw new InvalidInputException("invalid key: a key must not be empty");
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw new InvalidInputException(
                    "invalid key \"" + abbreviate(key) + "\": longer than " + MAX_KEY_BYTES + " bytes");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c == 0x7f || Character.isWhitespace(c)) {
                throw new InvalidInputException("invalid key \"" + abbreviate(key)
                        + "\": contains whitespace or a control character at position " + i);
            }
            if (Character.isSurrogate(c)
                    && !(Character.isHighSurrogate(c)
                            && i + 1 < key.length()
                            && Character.isLowSurrogate(key.charAt(i + 1)))) {
                if (!(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(key.charAt(i - 1)))) {
                    throw new InvalidInputException(
                            "invalid key \"" + abbreviate(key) + "\": unpaired surrogate at position " + i);
                }
            }
        }
        if (key.startsWith(prefix) || key.startsWith(DEFAULT_PREFIX)) {
            throw new InvalidInputException("invalid key \"" + abbreviate(key) + "\": keys starting with \"" + prefix
                    + "\"" + (prefix.equals(DEFAULT_PREFIX) ? "" : " or \"" + DEFAULT_PREFIX + "\"")
                    + " are reserved for statestore's internal keys");
        }
        if ((key.indexOf('{') >= 0 || key.indexOf('}') >= 0)
                && !BRACES.matcher(key).matches()) {
            throw new InvalidInputException(
                    "invalid key \"" + abbreviate(key) + "\": braces may only form one hash tag such as {group}");
        }
    }

    /** The part of the key Redis hashes to pick the slot. */
    public static String hashTag(String key) {
        int open = key.indexOf('{');
        if (open >= 0) {
            int close = key.indexOf('}', open + 1);
            if (close > open + 1) {
                return key.substring(open + 1, close);
            }
        }
        return key;
    }

    /** Whether Redis Cluster hashes the key by a tag of its own ({...} with something inside). */
    public static boolean hasTag(String key) {
        int open = key.indexOf('{');
        return open >= 0 && key.indexOf('}', open + 1) > open + 1;
    }

    /**
     * The metadata hash: {@code ss:m:{key}}, or {@code ss:mt:key} for a key with its own hash tag
     * (it keeps the key's slot; a separate prefix so that "x" and "{x}" never share one).
     */
    public String meta(String key) {
        return derived("m", key);
    }

    public String history(String key) {
        return derived("h", key);
    }

    private String derived(String kind, String key) {
        return hasTag(key) ? prefix + kind + "t:" + key : prefix + kind + ":{" + key + "}";
    }

    /** The store settings hash (feed length, JSON check), changed by the admin with ss_config_set. */
    public String settings() {
        return prefix + "config";
    }

    /**
     * The change feed of the document's slot: {@code P feed{T}} on a cluster, T being the
     * {@link SlotTags#tag} of the document's slot; the one {@code P feed} on a standalone server.
     */
    public String feed(String key) {
        return prefix + "feed" + slotSuffix(key);
    }

    /** The key index of the document's slot ({@code P index{T}}); one index on a standalone server. */
    public String index(String key) {
        return prefix + "index" + slotSuffix(key);
    }

    /** The store settings a write to {@code key} follows: per slot on a cluster ({@code P config{T}}). */
    public String settings(String key) {
        return prefix + "config" + slotSuffix(key);
    }

    /**
     * On a cluster, the settings hash of one hash slot ({@code P config{T}}), which every write
     * in that slot reads; set on every slot (docs/cluster.md).
     */
    public String settingsOfSlot(int slot) {
        return prefix + "config{" + SlotTags.tag(slot) + "}";
    }

    /** On a cluster, the history policy hash of one hash slot ({@code P histpolicy{T}}). */
    public String historyPolicyOfSlot(int slot) {
        return prefix + "histpolicy{" + SlotTags.tag(slot) + "}";
    }

    /** {@code {T}} of the key's slot on a cluster, nothing on a standalone server. */
    private String slotSuffix(String key) {
        return perSlot ? "{" + SlotTags.tag(SlotTags.slot(key)) + "}" : "";
    }

    /**
     * The history policy hash every write function follows (docs/watch.md); named after the
     * feed so that it sits in the feed's slot group.
     */
    public String historyPolicy() {
        return prefix + "histpolicy";
    }

    /**
     * The channel of the document's change notifications: {@code P chg:key} (PUBLISH) on a
     * standalone server; on a cluster {@code P chg:{T}key}, in the document's slot, for SPUBLISH.
     */
    public String channel(String key) {
        return prefix + "chg:" + slotSuffix(key) + key;
    }

    /** KEYS of a single-document function call, in protocol order. */
    public List<String> documentCallKeys(String key) {
        return List.of(key, meta(key), history(key), feed(key), index(key));
    }

    private static String abbreviate(String key) {
        return key.length() > 80 ? key.substring(0, 77) + "..." : key;
    }
}
