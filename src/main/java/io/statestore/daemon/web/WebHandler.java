package io.statestore.daemon.web;

/** One JSON endpoint: its return value is written as the JSON response body. */
@FunctionalInterface
public interface WebHandler {
    Object handle(WebRequest request) throws Exception;
}
