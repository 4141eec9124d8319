package io.statestore.daemon.web.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.statestore.daemon.web.Access;
import io.statestore.daemon.web.WebRequest;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** A {@link WebRequest} built by a test: path parameters, query, body and role. */
public final class TestRequest implements WebRequest {
    private final Map<String, String> path = new HashMap<>();
    private final Map<String, String> query = new HashMap<>();
    private JsonNode body = new ObjectMapper().createObjectNode();
    private Access access = Access.ADMIN;

    public static TestRequest get() {
        return new TestRequest();
    }

    public TestRequest path(String name, String value) {
        path.put(name, value);
        return this;
    }

    public TestRequest query(String name, String value) {
        query.put(name, value);
        return this;
    }

    public TestRequest body(String json) {
        try {
            body = new ObjectMapper().readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
        return this;
    }

    public TestRequest as(Access role) {
        access = role;
        return this;
    }

    @Override
    public String pathParam(String name) {
        String v = path.get(name);
        if (v == null) {
            throw new IllegalStateException("the test gave no path parameter " + name);
        }
        return v;
    }

    @Override
    public Optional<String> query(String name) {
        return Optional.ofNullable(query.get(name));
    }

    @Override
    public JsonNode body() {
        return body;
    }

    @Override
    public Access access() {
        return access;
    }
}
