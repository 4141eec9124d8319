package io.statestore.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.statestore.client.StrictJson;
import org.junit.jupiter.api.Test;

class DocumentsTest {

    @Test
    void generatedDocumentsHaveTheExactTargetSize() {
        for (int kb : new int[] {1, 10, 100}) {
            ObjectNode doc = Documents.generate(kb * 1024, 3, StrictJson.mapper());
            assertEquals(kb * 1024, Documents.size(doc, StrictJson.mapper()));
            assertTrue(doc.get("items").size() > 0, "has line items");
        }
    }

    @Test
    void legacyMergeAndIncrementChangeOnlyWhatThePatchNames() {
        ObjectNode doc = Documents.generate(1024, 1, StrictJson.mapper());
        ObjectNode expected = doc.deepCopy();
        Documents.applyMerge(doc, Documents.patch(7, 3));
        Documents.increment(doc);
        assertEquals("done", doc.at("/status/state").asText());
        assertEquals("worker-7", doc.at("/status/updatedBy").asText());
        assertEquals(1, doc.at("/stats/counter").asLong());
        assertEquals(expected.get("items"), doc.get("items"));
        assertEquals(expected.at("/status/healthy"), doc.at("/status/healthy"));
    }
}
