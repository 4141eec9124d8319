package io.statestore.client;

/** How documents are held in Redis; detected when the store connects. */
public enum StorageMode {
    /** The server has a JSON module (RedisJSON or valkey-json): native JSON, updated in place. */
    MODULE,
    /** Stock Redis/Valkey: UTF-8 JSON strings, updated by compare-revision-and-set. */
    PORTABLE
}
