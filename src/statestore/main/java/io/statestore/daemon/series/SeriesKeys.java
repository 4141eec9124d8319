package io.statestore.daemon.series;

import io.statestore.client.InvalidInputException;

/**
 * Where series live, under the statestore prefix (docs/key-layout.md, "Time series"). A series'
 * own keys share the hash tag {@code {<name>}}, so they stay in one slot on Cluster.
 */
public final class SeriesKeys {
    static final int MAX_NAME = 512;
    private final String prefix;

    public SeriesKeys(String prefix) {
        this.prefix = prefix;
    }

    /** Hash: series name → one line saying what it measures (what {@code ts ls} lists). */
    public String index() {
        return prefix + "ts:index";
    }

    /** Hash: series name → JSON definition of a sampled series added at runtime ({@code ts add}). */
    public String definitions() {
        return prefix + "ts:defs";
    }

    /** String: the layout the daemon uses, {@code portable} or {@code timeseries}. */
    public String layout() {
        return prefix + "ts:layout";
    }

    /** Hash: series name → epoch ms of its last sampling (due-ness across daemons). */
    public String lastSampled() {
        return prefix + "ts:last";
    }

    /** Hash: series name → samples skipped because the field was missing or not a number. */
    public String skipped() {
        return prefix + "ts:skipped";
    }

    /** The raw samples. */
    public String raw(String name) {
        return base(name) + ":raw";
    }

    /** The per-minute buckets (portable layout: one sorted set; module layout: see {@link #minute(String, String)}). */
    public String minute(String name) {
        return base(name) + ":1m";
    }

    /** Module layout: the per-minute compaction series of one aggregation (sum, count, min, max). */
    public String minute(String name, String aggregation) {
        return minute(name) + ":" + aggregation;
    }

    /** Portable layout: bookkeeping hash ({@code next}: the first minute not yet downsampled). */
    public String meta(String name) {
        return base(name) + ":meta";
    }

    private String base(String name) {
        return prefix + "ts:{" + checkName(name) + "}";
    }

    /** A series name: 1 to 512 characters, none of them white space or control characters. */
    public static String checkName(String name) {
        if (name == null || name.isEmpty()) {
            throw new InvalidInputException("a series name must not be empty");
        }
        if (name.length() > MAX_NAME) {
            throw new InvalidInputException(
                    "series name \"" + name.substring(0, 40) + "...\" is longer than " + MAX_NAME + " characters");
        }
        if (name.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            throw new InvalidInputException("series name \"" + name + "\" contains white space or a control character");
        }
        return name;
    }
}
