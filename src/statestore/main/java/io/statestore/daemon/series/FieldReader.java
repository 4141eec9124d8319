package io.statestore.daemon.series;

import com.fasterxml.jackson.databind.JsonNode;
import io.statestore.client.JsonPath;

/** The number at a path in a document, or why there is none (a skip reason, never an exception). */
final class FieldReader {
    /** What reading gave: a value, or a reason it was skipped. */
    record Reading(double value, String skip) {
        static Reading of(double v) {
            return new Reading(v, null);
        }

        static Reading skipped(String why) {
            return new Reading(Double.NaN, why);
        }

        boolean ok() {
            return skip == null;
        }
    }

    static final String MISSING = "missing";
    static final String NOT_NUMERIC = "not_numeric";

    private FieldReader() {}

    static Reading read(JsonNode document, JsonPath path) {
        JsonNode n = document;
        for (JsonPath.Segment s : path.segments()) {
            if (n == null) {
                break;
            }
            n = s instanceof JsonPath.Member m ? n.get(m.name()) : n.get(((JsonPath.Index) s).index());
        }
        if (n == null || n.isMissingNode() || n.isNull()) {
            return Reading.skipped(MISSING);
        }
        if (!n.isNumber()) {
            return Reading.skipped(NOT_NUMERIC);
        }
        double v = n.doubleValue();
        return Double.isFinite(v) ? Reading.of(v) : Reading.skipped(NOT_NUMERIC);
    }
}
