package io.statestore.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The floor table appears only when the floor ran, with its ratios to SET, statestore and legacy. */
class ReportTest {
    private static CellResult cell(long opsPerSecond) {
        return new CellResult(opsPerSecond, 1.0, 100_000, 900_000, 0, 20_000, 25_000);
    }

    private static Row row(CellResult floor) {
        return new Row(
                new Workload(Workload.Operation.MERGE, 1, 16, false),
                1024,
                cell(30_000),
                cell(75_000),
                cell(4_000),
                floor);
    }

    private static String table(Row r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Report.printTable(new PrintStream(out, true, StandardCharsets.UTF_8), Map.of(), List.of(r));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theFloorTableShowsItsRatiosWhenTheFloorRan() {
        String text = table(row(cell(45_000)));
        String line = text.lines()
                .filter(l -> l.startsWith("merge") && l.contains("%") && l.endsWith("x"))
                .reduce((a, b) -> b)
                .orElseThrow();
        assertTrue(text.contains("floor: one function call per update"), text);
        // floor/SET 60%, statestore/floor 67%, floor/legacy 11.3x
        assertTrue(line.matches(".*\\b60% +67% +11\\.3x$"), line);
    }

    @Test
    void withoutTheFloorThereIsNoFloorTableAndNoFloorInTheJson() throws Exception {
        assertFalse(table(row(null)).contains("floor:"));
        JsonNode json = new ObjectMapper().readTree(Report.json(Map.of(), List.of(row(null))));
        assertFalse(json.get("rows").get(0).has("floor"));
        JsonNode withFloor = new ObjectMapper().readTree(Report.json(Map.of(), List.of(row(cell(45_000)))));
        assertEquals(
                45_000,
                withFloor.get("rows").get(0).get("floor").get("opsPerSec").asDouble(),
                0.5);
    }
}
