package io.statestore.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.statestore.client.spi.FunctionLibrary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Lua sources stay a house a newcomer can find their way in: small files, the shared helpers
 * written once (lua/common.lua) and assembled into both libraries, each function's header comment
 * beside its registration, and the version history in docs/protocol.md rather than in the code.
 */
class LuaSourcesTest {
    /** The libraries' sources (in the client) and the daemon's own scripts. */
    private static final List<Path> ROOTS =
            List.of(Path.of("src/client/main/resources"), Path.of("src/statestore/main/resources"));

    private static final Path LIBRARIES = ROOTS.get(0).resolve("io/statestore");
    private static final List<String> COMMON = List.of("fail", "fmt", "now_ms", "cmp_id", "guarded", "register");
    private static final Pattern REGISTER = Pattern.compile("^register\\('([a-z_]+)'");
    private static final Pattern HEADER = Pattern.compile("^-- ((?:ss|ev)_[a-z_]+): ");

    private static Map<Path, List<String>> luaFiles() throws IOException {
        Map<Path, List<String>> files = new TreeMap<>();
        for (Path root : ROOTS) {
            try (Stream<Path> s = Files.walk(root)) {
                for (Path p : s.filter(f -> f.toString().endsWith(".lua")).toList()) {
                    files.put(root.relativize(p), Files.readAllLines(p));
                }
            }
        }
        assertTrue(files.size() > 5, "found the Lua sources under " + ROOTS);
        return files;
    }

    @Test
    void noLuaFileIsLongerThan600Lines() throws IOException {
        luaFiles().forEach((p, lines) -> assertTrue(lines.size() <= 600, p + " has " + lines.size() + " lines"));
    }

    @Test
    void theCommonHelpersAreDefinedOnceInCommonLua() throws IOException {
        Map<Path, List<String>> files = luaFiles();
        for (String name : COMMON) {
            Pattern def =
                    Pattern.compile("^\\s*local\\s+function\\s+" + name + "\\s*\\(|^\\s*local\\s+" + name + "\\s*=");
            List<String> where = new ArrayList<>();
            files.forEach((p, lines) ->
                    lines.stream().filter(l -> def.matcher(l).find()).forEach(l -> where.add(p.toString())));
            assertEquals(List.of("io/statestore/lua/common.lua"), where, name);
        }
    }

    @Test
    void bothLibrariesAreBuiltOnCommonLuaAndPartsIncludeNothingThemselves() throws IOException {
        String common = Files.readString(LIBRARIES.resolve("lua/common.lua"));
        for (FunctionLibrary lib : FunctionLibrary.all()) {
            assertTrue(lib.code().contains(common), lib.name());
        }
        // One level of substitution is what docs/protocol.md asks of a client without Java.
        luaFiles().forEach((p, lines) -> {
            if (p.startsWith("io/statestore/lua")) {
                assertFalse(lines.stream().anyMatch(l -> l.startsWith("-- #include")), p + " includes another part");
            }
        });
    }

    @Test
    void everyRegistrationHasItsHeaderCommentRightBeforeItsFunction() throws IOException {
        int registrations = 0;
        for (Map.Entry<Path, List<String>> f : luaFiles().entrySet()) {
            String header = null;
            for (String line : f.getValue()) {
                Matcher h = HEADER.matcher(line);
                Matcher r = REGISTER.matcher(line);
                if (h.find()) {
                    assertEquals(
                            null,
                            header,
                            f.getKey() + ": header of " + h.group(1) + " follows that of " + header
                                    + ", which is not registered before it");
                    header = h.group(1);
                } else if (r.find()) {
                    assertEquals(
                            r.group(1),
                            header,
                            f.getKey() + ": the registration of " + r.group(1)
                                    + " must come right after its header comment and its code");
                    header = null;
                    registrations++;
                }
            }
            assertEquals(null, header, f.getKey() + ": a header without its registration");
        }
        int functions = FunctionLibrary.bundled().functions().size()
                + FunctionLibrary.events().functions().size();
        assertEquals(functions, registrations, "every registration of both libraries was checked");
    }

    @Test
    void theVersionHistoryIsInTheDocsNotInTheCode() throws IOException {
        Pattern history = Pattern.compile("LIB_VERSION\\s*(\\(|[<>=]*\\s*\\d)|\\(since v\\d|[Ss]ince LIB_VERSION");
        luaFiles()
                .forEach((p, lines) -> lines.stream()
                        .filter(l -> history.matcher(l).find() && !l.startsWith("local LIB_VERSION = '"))
                        .forEach(l ->
                                assertEquals("", l, p + " keeps version history; it belongs in docs/protocol.md")));
        assertTrue(Files.readString(Path.of("docs/protocol.md")).contains("## Library versions"));
    }
}
