package io.statestore.client.internal;

import io.statestore.client.StateStoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Lua function library shipped as a resource, and its installation: loaded when the
 * server has none, replaced when the server's is older, left alone when it is newer (a newer
 * client got there first; libraries stay backward compatible). Two libraries ship: the
 * document library {@code statestore} ({@link #bundled()}) and the event bus
 * {@code statestore_events} ({@link #events()}); each has its own {@code LIB_VERSION} and
 * version function.
 */
public final class FunctionLibrary {
    public static final String RESOURCE = "/io/statestore/statestore.lua";
    public static final String EVENTS_RESOURCE = "/io/statestore/events.lua";
    private static final Logger LOG = LoggerFactory.getLogger(FunctionLibrary.class);
    private static final Pattern VERSION = Pattern.compile("local LIB_VERSION = '(\\d+)'");
    private static final Pattern NAME = Pattern.compile("^#!lua name=(\\S+)");
    private static final Pattern INCLUDE = Pattern.compile("(?m)^-- #include ([a-z_]+\\.lua)$");

    private final String code;
    private final int version;
    private final String name;
    private final String versionFunction;

    private FunctionLibrary(String code, String versionFunction) {
        this.code = code;
        this.versionFunction = versionFunction;
        Matcher n = NAME.matcher(code);
        this.name = n.find() ? n.group(1) : "?";
        Matcher m = VERSION.matcher(code);
        if (!m.find()) {
            throw new IllegalStateException("function library has no LIB_VERSION line");
        }
        this.version = Integer.parseInt(m.group(1));
    }

    /** The document library {@code statestore}. */
    public static FunctionLibrary bundled() {
        return load(RESOURCE, "ss_version");
    }

    /** The event bus and task stream library {@code statestore_events}. */
    public static FunctionLibrary events() {
        return load(EVENTS_RESOURCE, "ev_version");
    }

    private static FunctionLibrary load(String resource, String versionFunction) {
        return new FunctionLibrary(expandIncludes(readResource(resource)), versionFunction);
    }

    /** Replaces each line {@code -- #include NAME.lua} with the shared fragment /io/statestore/lua/NAME.lua. */
    static String expandIncludes(String code) {
        Matcher m = INCLUDE.matcher(code);
        StringBuilder out = new StringBuilder(code.length() + 8192);
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(readResource("/io/statestore/lua/" + m.group(1))));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String readResource(String resource) {
        try (InputStream in = FunctionLibrary.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int version() {
        return version;
    }

    public String code() {
        return code;
    }

    /** The library name from its {@code #!lua name=} line. */
    public String name() {
        return name;
    }

    /** Returns the library version now on the server (after installing or upgrading ours if needed). */
    public int install(RedisGateway redis) {
        int installed = installedVersion(redis, versionFunction);
        if (installed >= version) {
            if (installed > version) {
                LOG.info("server has function library {} v{}, newer than this client's v{}; using it", name, installed, version);
            }
            return installed;
        }
        redis.call(jedis -> jedis.functionLoadReplace(code), null, true);
        LOG.info("installed function library {} v{} (was {})", name, version, installed == 0 ? "absent" : "v" + installed);
        return version;
    }

    /** The version of the document library on the server; 0 when it is not loaded. */
    public static int installedVersion(RedisGateway redis) {
        return installedVersion(redis, "ss_version");
    }

    private static int installedVersion(RedisGateway redis, String versionFunction) {
        try {
            Object v = redis.fcallReadOnly(versionFunction, List.of(), List.of(), null);
            return Integer.parseInt(RedisGateway.text(v));
        } catch (StateStoreException e) {
            if (e.getMessage() != null && e.getMessage().contains("Function not found")) {
                return 0;
            }
            throw e;
        }
    }
}
