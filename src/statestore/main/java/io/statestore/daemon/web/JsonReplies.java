package io.statestore.daemon.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.javalin.http.Context;
import io.statestore.client.ConflictException;
import io.statestore.client.InvalidInputException;
import io.statestore.client.NotFoundException;
import io.statestore.client.PermissionDeniedException;
import io.statestore.client.StateStoreException;
import io.statestore.client.UnavailableException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** JSON in and out of the dashboard's API, and every failure as {@code {"error": ...}} with its status. */
final class JsonReplies {
    private static final Logger LOG = LoggerFactory.getLogger(JsonReplies.class);
    /** Set on a request whose error has been written: Javalin's own 404 page must not replace it. */
    static final String ANSWERED = "statestore.answered";

    private final ObjectMapper mapper = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    ObjectMapper mapper() {
        return mapper;
    }

    void ok(Context ctx, Object value) throws JsonProcessingException {
        ctx.status(200).contentType("application/json; charset=utf-8").result(mapper.writeValueAsString(value));
    }

    void error(Context ctx, int status, String message) {
        ctx.attribute(ANSWERED, Boolean.TRUE);
        try {
            ctx.status(status)
                    .contentType("application/json; charset=utf-8")
                    .result(mapper.writeValueAsString(Map.of("error", message)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A request body as JSON: an empty object when there is none; bad JSON is the caller's error. */
    JsonNode parseBody(String text) {
        if (text == null || text.isBlank()) {
            return mapper.createObjectNode();
        }
        try {
            return mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new WebError(400, "the request body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** What a handler threw, answered in our words; the client's exceptions keep their message. */
    void failure(Context ctx, Exception e) {
        if (e instanceof WebError w) {
            error(ctx, w.status(), w.getMessage());
        } else if (e instanceof NotFoundException) {
            error(ctx, 404, e.getMessage());
        } else if (e instanceof InvalidInputException) {
            error(ctx, 400, e.getMessage());
        } else if (e instanceof ConflictException) {
            error(ctx, 409, e.getMessage());
        } else if (e instanceof PermissionDeniedException) {
            error(ctx, 403, e.getMessage());
        } else if (e instanceof UnavailableException) {
            error(ctx, 503, e.getMessage());
        } else if (e instanceof StateStoreException) {
            error(ctx, 500, e.getMessage());
        } else {
            LOG.warn("dashboard request {} {} failed", ctx.method(), ctx.path(), e);
            error(
                    ctx,
                    500,
                    "the daemon failed to answer " + ctx.path() + ": "
                            + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }
}
