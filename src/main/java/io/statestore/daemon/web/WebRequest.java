package io.statestore.daemon.web;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/** What a dashboard handler sees of an HTTP request, independent of the HTTP library. */
public interface WebRequest {
    String pathParam(String name);

    Optional<String> query(String name);

    /** The request body as JSON; an empty object when there is none. */
    JsonNode body();

    /** The role the caller authenticated as. */
    Access access();
}
