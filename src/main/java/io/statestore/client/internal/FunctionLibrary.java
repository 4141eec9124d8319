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
 * The Lua function library shipped as a resource, and its installation: loaded when the
 * server has none, replaced when the server's is older, left alone when it is newer (a newer
 * client got there first; libraries stay backward compatible).
 */
public final class FunctionLibrary {
    public static final String RESOURCE = "/io/statestore/statestore.lua";
    private static final Logger LOG = LoggerFactory.getLogger(FunctionLibrary.class);
    private static final Pattern VERSION = Pattern.compile("local LIB_VERSION = '(\\d+)'");

    private final String code;
    private final int version;

    private FunctionLibrary(String code) {
        this.code = code;
        Matcher m = VERSION.matcher(code);
        if (!m.find()) {
            throw new IllegalStateException("function library has no LIB_VERSION line");
        }
        this.version = Integer.parseInt(m.group(1));
    }

    public static FunctionLibrary bundled() {
        try (InputStream in = FunctionLibrary.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE);
            }
            return new FunctionLibrary(new String(in.readAllBytes(), StandardCharsets.UTF_8));
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

    /** Returns the library version now on the server (after installing or upgrading ours if needed). */
    public int install(RedisGateway redis) {
        int installed = installedVersion(redis);
        if (installed >= version) {
            if (installed > version) {
                LOG.info("server has statestore function library v{}, newer than this client's v{}; using it", installed, version);
            }
            return installed;
        }
        redis.call(jedis -> jedis.functionLoadReplace(code), null, true);
        LOG.info("installed statestore function library v{} (was {})", version, installed == 0 ? "absent" : "v" + installed);
        return version;
    }

    /** 0 when the library is not loaded. */
    public static int installedVersion(RedisGateway redis) {
        try {
            Object v = redis.fcallReadOnly("ss_version", List.of(), List.of(), null);
            return Integer.parseInt(RedisGateway.text(v));
        } catch (StateStoreException e) {
            if (e.getMessage() != null && e.getMessage().contains("Function not found")) {
                return 0;
            }
            throw e;
        }
    }
}
