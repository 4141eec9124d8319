package io.statestore.client.spi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Lua function library shipped as a resource: its code with {@code -- #include NAME.lua} lines
 * expanded, the SHA-256 digest of that code (its identity: two libraries of one name and version
 * must be byte-identical), its {@code LIB_VERSION}, and the functions it registers. Two libraries
 * ship: the document library {@code statestore} ({@link #bundled()}) and the event bus
 * {@code statestore_events} ({@link #events()}). {@link LibraryInstaller} decides what to do with
 * the one a server has (docs/functions.md).
 */
public final class FunctionLibrary {
    public static final String RESOURCE = "/io/statestore/statestore.lua";
    public static final String EVENTS_RESOURCE = "/io/statestore/events.lua";
    /** Where an {@code -- #include NAME.lua} line finds {@code NAME.lua}. */
    public static final String INCLUDE_DIR = "/io/statestore/lua/";

    private static final Pattern VERSION = Pattern.compile("local LIB_VERSION = '(\\d+)'");
    private static final Pattern NAME = Pattern.compile("^#!lua name=(\\S+)");
    /** The whole line, nothing before or after it: an indented or commented-out form stays a comment. */
    private static final Pattern INCLUDE = Pattern.compile("-- #include ([A-Za-z0-9_-]+)\\.lua");
    /**
     * A registration naming its function literally: our {@code register('name', ...)} helper, or
     * {@code redis.register_function('name', ...)} / {@code redis.register_function{function_name = 'name', ...}}.
     */
    private static final Pattern REGISTERED = Pattern.compile(
            "(?:\\bregister\\s*\\(\\s*|\\bredis\\.register_function\\s*\\(\\s*|\\bfunction_name\\s*=\\s*)['\"]([A-Za-z0-9_]+)['\"]");

    private final String code;
    /** Computed when first asked for: hashing cost a one-shot CLI call 30-60 ms, and a check needs only the bytes. */
    private volatile String digest;

    private volatile byte[] bytes;
    private final int version;
    private final String name;
    private final String versionFunction;
    private final List<String> functions;

    FunctionLibrary(String code, String versionFunction) {
        this.code = code;
        this.versionFunction = versionFunction;
        Matcher n = NAME.matcher(code);
        this.name = n.find() ? n.group(1) : "?";
        Matcher m = VERSION.matcher(code);
        if (!m.find()) {
            throw new IllegalStateException("function library " + name + " has no LIB_VERSION line");
        }
        this.version = Integer.parseInt(m.group(1));
        this.functions = registeredFunctions(code);
        if (!functions.contains(versionFunction)) {
            throw new IllegalStateException(
                    "function library " + name + " does not register its version function " + versionFunction);
        }
    }

    private static final class Shipped {
        // Loaded once: every gateway knows both libraries, and the code does not change at run time.
        static final FunctionLibrary BUNDLED = fromResource(RESOURCE, "ss_version");
        static final FunctionLibrary EVENTS = fromResource(EVENTS_RESOURCE, "ev_version");
    }

    /** The document library {@code statestore}. */
    public static FunctionLibrary bundled() {
        return Shipped.BUNDLED;
    }

    /** The event bus and task stream library {@code statestore_events}. */
    public static FunctionLibrary events() {
        return Shipped.EVENTS;
    }

    /** Both shipped libraries, document library first. */
    public static List<FunctionLibrary> all() {
        return List.of(bundled(), events());
    }

    /** The shipped library of that name ({@code statestore} or {@code statestore_events}). */
    public static Optional<FunctionLibrary> named(String name) {
        return all().stream().filter(l -> l.name().equals(name)).findFirst();
    }

    /** A library from a classpath resource, its includes expanded from {@link #INCLUDE_DIR}. */
    public static FunctionLibrary fromResource(String resource, String versionFunction) {
        return new FunctionLibrary(expandIncludes(resource(resource), FunctionLibrary::include), versionFunction);
    }

    private static String include(String fragment) {
        return resource(INCLUDE_DIR + fragment + ".lua");
    }

    private static String resource(String path) {
        try (InputStream in = FunctionLibrary.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Replaces each line of the exact form {@code -- #include NAME.lua} by the text {@code lookup}
     * gives for NAME (itself expanded the same way), so shared Lua can live in one file while
     * Redis still gets one self-contained library. An included text that does not end with a
     * line break gets one, so the line after the include stays a line of its own.
     */
    static String expandIncludes(String code, Function<String, String> lookup) {
        return expand(code, lookup, new ArrayDeque<>());
    }

    private static String expand(String code, Function<String, String> lookup, Deque<String> chain) {
        StringBuilder out = new StringBuilder(code.length());
        int start = 0;
        while (start < code.length()) {
            int nl = code.indexOf('\n', start);
            int end = nl < 0 ? code.length() : nl;
            // Most lines are no include: a cheap test first, since this runs at every client start
            // (the regex on every line cost a one-shot CLI call about 50 ms).
            Matcher m = code.startsWith("-- #include ", start) ? INCLUDE.matcher(code.substring(start, end)) : null;
            if (m != null && m.matches()) {
                String fragment = m.group(1);
                if (chain.contains(fragment)) {
                    throw new IllegalStateException(
                            "Lua include cycle: " + String.join(".lua -> ", chain) + ".lua -> " + fragment + ".lua");
                }
                chain.addLast(fragment);
                String text = expand(lookup.apply(fragment), lookup, chain);
                chain.removeLast();
                out.append(text);
                if (nl >= 0 && !text.endsWith("\n")) {
                    out.append('\n');
                }
            } else {
                out.append(code, start, end);
                if (nl >= 0) {
                    out.append('\n');
                }
            }
            start = end + 1;
        }
        return out.toString();
    }

    /**
     * The functions the code registers under a literal name, in order, outside comments. These
     * are the functions a client of this library may call, so a newer library on a server must
     * have all of them.
     */
    static List<String> registeredFunctions(String code) {
        Set<String> names = new LinkedHashSet<>();
        boolean inBlockComment = false;
        for (String line : code.split("\n", -1)) {
            String t = line.strip();
            if (inBlockComment) {
                inBlockComment = !t.contains("]]");
                continue;
            }
            if (t.startsWith("--[[")) {
                inBlockComment = !t.substring(4).contains("]]");
                continue;
            }
            if (t.startsWith("--") || t.startsWith("#!")) {
                continue;
            }
            if (!t.contains("register") && !t.contains("function_name")) {
                continue; // the regex below needs one of these words; most lines have neither
            }
            Matcher m = REGISTERED.matcher(t);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return List.copyOf(names);
    }

    /** Lower-case hex SHA-256 of the UTF-8 bytes of {@code code}. */
    public static String sha256(String code) {
        return sha256(code.getBytes(StandardCharsets.UTF_8));
    }

    /** Lower-case hex SHA-256 of {@code bytes}. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    public int version() {
        return version;
    }

    /** The code as it is loaded into Redis: includes expanded. */
    public String code() {
        return code;
    }

    /** Lower-case hex SHA-256 of {@link #code()}. */
    public String digest() {
        String d = digest;
        if (d == null) {
            d = sha256(codeBytes());
            digest = d;
        }
        return d;
    }

    /** Whether {@code serverCode} is this library byte for byte: what equal digests would say, without hashing. */
    public boolean sameCode(byte[] serverCode) {
        return Arrays.equals(codeBytes(), serverCode);
    }

    private byte[] codeBytes() {
        byte[] b = bytes;
        if (b == null) {
            b = code.getBytes(StandardCharsets.UTF_8);
            bytes = b;
        }
        return b;
    }

    /** The library name from its {@code #!lua name=} line. */
    public String name() {
        return name;
    }

    /** The function that answers the library's version ({@code ss_version}, {@code ev_version}). */
    public String versionFunction() {
        return versionFunction;
    }

    /** The functions this library registers: what a client built with it may call. */
    public List<String> functions() {
        return functions;
    }

    /** Our functions that {@code registered} lacks, in our order. */
    public List<String> missingFrom(List<String> registered) {
        List<String> missing = new ArrayList<>();
        for (String f : functions) {
            if (!registered.contains(f)) {
                missing.add(f);
            }
        }
        return missing;
    }

    /** Installs or checks this library on the server of {@code redis}; see {@link LibraryInstaller}. */
    public LibraryInstaller.Outcome install(RedisGateway redis, boolean force) {
        return new LibraryInstaller(redis).install(this, force);
    }
}
