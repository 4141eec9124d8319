package io.statestore.client.internal.events;

/** An event ready to publish: everything ev_publish needs, including the ID made by the publisher. */
record SpooledEvent(String id, String type, String source, long time, String data) {}
