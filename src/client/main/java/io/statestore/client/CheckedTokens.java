package io.statestore.client;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import java.io.IOException;

/**
 * The tokens of one document as {@link StrictJson#parse} reads them, with the checks Jackson
 * cannot make exactly: a number literal longer than {@link StrictJson#MAX_NUMBER_LENGTH}
 * characters counting everything in it (Jackson's own limit counts only the digits), and whether
 * reading went past the complete value, so that a failure there is reported as content after the
 * value.
 *
 * <p>Every token passes through {@link #nextToken()}: the other ways of advancing a parser are
 * routed through it.
 */
final class CheckedTokens extends JsonParserDelegate {
    private int depth;
    private boolean valueComplete;
    private boolean pastValue;

    CheckedTokens(JsonParser parser) {
        super(parser);
    }

    /** A problem found here, already in our words. */
    static final class Problem extends JsonParseException {
        private static final long serialVersionUID = 1L;

        Problem(JsonParser p, String message) {
            super(p, message);
        }
    }

    /**
     * True once a token was asked for after the document's value was complete: what fails from
     * then on is content after the value. (A string's content is read after its token is
     * returned, so a bad string at the top level is not after the value.)
     */
    boolean pastValue() {
        return pastValue;
    }

    @Override
    public JsonToken nextToken() throws IOException {
        if (valueComplete) {
            pastValue = true;
            return delegate.nextToken();
        }
        JsonToken t = delegate.nextToken();
        if (t == null) {
            return null;
        }
        if (t.isStructStart()) {
            depth++;
        } else if (t.isStructEnd()) {
            depth--;
        } else if (t.isNumeric() && delegate.getTextLength() > StrictJson.MAX_NUMBER_LENGTH) {
            throw new Problem(
                    delegate,
                    "number longer than " + StrictJson.MAX_NUMBER_LENGTH + " characters (" + delegate.getTextLength()
                            + ")");
        }
        if (depth == 0 && t != JsonToken.FIELD_NAME) {
            valueComplete = true;
        }
        return t;
    }

    @Override
    public JsonToken nextValue() throws IOException {
        JsonToken t = nextToken();
        return t == JsonToken.FIELD_NAME ? nextToken() : t;
    }

    @Override
    public JsonParser skipChildren() throws IOException {
        JsonToken t = currentToken();
        if (t == null || !t.isStructStart()) {
            return this;
        }
        int open = 1;
        while (open > 0) {
            t = nextToken();
            if (t == null) {
                break;
            }
            if (t.isStructStart()) {
                open++;
            } else if (t.isStructEnd()) {
                open--;
            }
        }
        return this;
    }
}
