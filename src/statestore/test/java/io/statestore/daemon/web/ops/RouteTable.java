package io.statestore.daemon.web.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.statestore.daemon.web.Access;
import io.statestore.daemon.web.WebHandler;
import io.statestore.daemon.web.WebRoutes;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@link WebRoutes.Registry} for tests: collects the handlers by method and path as the HTTP
 * server would, and calls them with a {@link TestRequest}; results are turned into JSON the way
 * the server writes them (Jackson), so tests check what a page receives.
 */
public final class RouteTable implements WebRoutes.Registry {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Route(Access access, WebHandler handler) {}

    private final Map<String, Route> routes = new LinkedHashMap<>();

    public static RouteTable of(WebRoutes... groups) {
        RouteTable t = new RouteTable();
        for (WebRoutes g : groups) {
            g.register(t);
        }
        return t;
    }

    @Override
    public void get(String path, Access access, WebHandler handler) {
        add("GET " + path, access, handler);
    }

    @Override
    public void post(String path, Access access, WebHandler handler) {
        add("POST " + path, access, handler);
    }

    private void add(String key, Access access, WebHandler handler) {
        if (routes.putIfAbsent(key, new Route(access, handler)) != null) {
            throw new AssertionError("registered twice: " + key);
        }
    }

    /** The role declared for {@code "GET /path/{param}"}. */
    public Access access(String route) {
        return route(route).access();
    }

    public java.util.Set<String> routes() {
        return routes.keySet();
    }

    /** Calls the handler of {@code route} and returns its result as JSON. */
    public JsonNode call(String route, TestRequest request) throws Exception {
        return JSON.valueToTree(route(route).handler().handle(request));
    }

    /**
     * The route that serves {@code method path} (path without {@code /api}), with its path
     * parameters put into {@code request}; null when none does.
     */
    public String match(String method, String path, TestRequest request) {
        String[] got = path.split("/", -1);
        for (String route : routes.keySet()) {
            String[] mp = route.split(" ", 2);
            String[] want = mp[1].split("/", -1);
            if (!mp[0].equals(method) || want.length != got.length) {
                continue;
            }
            Map<String, String> params = new LinkedHashMap<>();
            boolean same = true;
            for (int i = 0; i < want.length && same; i++) {
                if (want[i].startsWith("{")) {
                    params.put(
                            want[i].substring(1, want[i].length() - 1),
                            java.net.URLDecoder.decode(got[i], java.nio.charset.StandardCharsets.UTF_8));
                } else {
                    same = want[i].equals(got[i]);
                }
            }
            if (same) {
                params.forEach(request::path);
                return route;
            }
        }
        return null;
    }

    private Route route(String route) {
        Route r = routes.get(route);
        if (r == null) {
            throw new AssertionError("no route " + route + "; registered: " + routes.keySet());
        }
        return r;
    }
}
