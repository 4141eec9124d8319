package io.statestore.client;

/** A document as read: its key, its content (typed or raw) and its metadata. */
public record Document<T>(String key, T value, DocumentMeta meta) {

    public long revision() {
        return meta.revision();
    }
}
