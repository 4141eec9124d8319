package io.statestore.daemon.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.util.Optional;

/** A {@link WebRequest} read from a Javalin context. */
final class JavalinWebRequest implements WebRequest {
    private final Context ctx;
    private final Access access;
    private final JsonReplies replies;
    private JsonNode body;

    JavalinWebRequest(Context ctx, Access access, JsonReplies replies) {
        this.ctx = ctx;
        this.access = access;
        this.replies = replies;
    }

    @Override
    public String pathParam(String name) {
        return ctx.pathParam(name);
    }

    @Override
    public Optional<String> query(String name) {
        return Optional.ofNullable(ctx.queryParam(name));
    }

    @Override
    public JsonNode body() {
        if (body == null) {
            body = replies.parseBody(ctx.body());
        }
        return body;
    }

    @Override
    public Access access() {
        return access;
    }
}
