package io.statestore.client.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What a library is made of, without a server: include expansion, digest, registered functions. */
class FunctionLibraryTest {

    @Test
    void anIncludeLineIsReplacedByTheFragmentAndOnlyTheExactFormIsOne() {
        Map<String, String> fragments = Map.of("a", "local A = 1\n", "b", "-- #include a.lua\nlocal B = 2");
        String code =
                "#!lua name=x\n-- #include b.lua\n  -- #include a.lua\n-- #include a.lua -- not alone\n--#include a.lua\nreturn\n";
        assertEquals(
                "#!lua name=x\nlocal A = 1\nlocal B = 2\n  -- #include a.lua\n-- #include a.lua -- not alone\n--#include a.lua\nreturn\n",
                FunctionLibrary.expandIncludes(code, fragments::get));
        assertEquals(
                "local A = 1\n",
                FunctionLibrary.expandIncludes("-- #include a.lua", fragments::get),
                "a last line without a line break");
    }

    @Test
    void anIncludeCycleIsRefusedNamingTheChain() {
        Map<String, String> fragments = Map.of("a", "-- #include b.lua\n", "b", "-- #include a.lua\n");
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> FunctionLibrary.expandIncludes("-- #include a.lua\n", fragments::get));
        assertEquals("Lua include cycle: a.lua -> b.lua -> a.lua", e.getMessage());
    }

    @Test
    void aLibraryResourceIsExpandedFromTheLuaDirectoryAndItsDigestCoversTheExpandedCode() throws IOException {
        FunctionLibrary lib = FunctionLibrary.fromResource("/io/statestore/include_test_library.lua", "it_version");
        String fragment = read("/io/statestore/lua/include_test_fragment.lua");
        assertTrue(lib.code().contains("\n" + fragment + "  -- #include include_test_fragment.lua\n"), lib.code());
        assertEquals("include_test", lib.name());
        assertEquals(3, lib.version());
        assertEquals(FunctionLibrary.sha256(lib.code()), lib.digest());
        assertNotEquals(FunctionLibrary.sha256(read("/io/statestore/include_test_library.lua")), lib.digest());
        assertEquals(List.of("it_version", "it_twice"), lib.functions());
    }

    @Test
    void aMissingFragmentNamesTheResource() {
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> FunctionLibrary.fromResource("/io/statestore/include_missing_library.lua", "im_version"));
        assertEquals("missing resource /io/statestore/lua/no_such_fragment.lua", e.getMessage());
    }

    @Test
    void theFunctionsOfTheShippedLibrariesAreEveryRegisterLineOfTheirCode() throws IOException {
        for (FunctionLibrary lib : FunctionLibrary.all()) {
            Matcher m = Pattern.compile("(?m)^register\\('([a-z_]+)'").matcher(lib.code());
            List<String> lines = m.results().map(r -> r.group(1)).toList();
            assertTrue(lines.size() > 5, lib.name());
            assertEquals(lines, lib.functions(), lib.name());
            assertTrue(lib.functions().contains(lib.versionFunction()));
        }
        assertTrue(FunctionLibrary.bundled()
                .functions()
                .containsAll(List.of("ss_get", "ss_write", "ss_tx", "ss_snapshot", "ss_read")));
        assertEquals(
                List.of(
                        "ev_version",
                        "ev_publish",
                        "ev_publish_batch",
                        "ev_register",
                        "ev_dead",
                        "ev_redrive",
                        "ev_trim",
                        "ev_task"),
                FunctionLibrary.events().functions());
    }

    @Test
    void registrationsInCommentsDoNotCount() {
        String code = "--[[\nregister('in_block', f)\n]]\n-- register('in_line', f)\nregister('real', f)\n"
                + "local function register(name, fn) redis.register_function{function_name = name, callback = fn} end\n";
        assertEquals(List.of("real"), FunctionLibrary.registeredFunctions(code));
    }

    private static String read(String resource) throws IOException {
        try (InputStream in = FunctionLibraryTest.class.getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
