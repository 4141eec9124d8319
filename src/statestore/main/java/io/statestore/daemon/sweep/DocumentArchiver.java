package io.statestore.daemon.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.statestore.client.Document;
import io.statestore.client.StrictJson;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * Writes a document to {@code <dir>/<UTC date>/<url-encoded key>.r<revision>.json} before the
 * sweep deletes it: {@code {"key", "revision", "created", "updated", "writer", "value"}}.
 * Written to a temporary name and moved into place, so an archive file is always complete.
 */
public final class DocumentArchiver {
    private final Path dir;
    private final ObjectMapper mapper = StrictJson.mapper();

    public DocumentArchiver(Path dir) {
        this.dir = dir;
    }

    public Path archive(Document<JsonNode> doc) throws IOException {
        Path day = dir.resolve(LocalDate.now(ZoneOffset.UTC).toString());
        Files.createDirectories(day);
        String name = URLEncoder.encode(doc.key(), StandardCharsets.UTF_8) + ".r" + doc.revision() + ".json";
        Path target = day.resolve(name);
        ObjectNode out = mapper.createObjectNode();
        out.put("key", doc.key());
        out.put("revision", doc.revision());
        out.put(
                "created",
                doc.meta().created() == null ? null : doc.meta().created().toString());
        out.put(
                "updated",
                doc.meta().updated() == null ? null : doc.meta().updated().toString());
        out.put("writer", doc.meta().writer());
        out.set("value", doc.value());
        Path tmp = day.resolve("." + name + ".tmp");
        Files.write(tmp, mapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(out));
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return target;
    }
}
