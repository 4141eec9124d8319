package io.statestore.cli;

import io.statestore.client.Role;
import io.statestore.client.StateStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The connections of a batch: one store per role, opened when a line first needs it and kept
 * for every later line, so a thousand lines cost one connect (and one library check), not a
 * thousand. Commands close their store after each line (try-with-resources); the store they get
 * here ignores that, and the batch closes the real ones at its end.
 */
final class SharedStores implements AutoCloseable {
    private final Function<Role, StateStore> connect;
    private final Map<Role, StateStore> open = new EnumMap<>(Role.class);

    SharedStores(Function<Role, StateStore> connect) {
        this.connect = connect;
    }

    /** The role's store, connecting on first use; a failed connect is tried again by the next line. */
    StateStore get(Role role) {
        return unclosable(open.computeIfAbsent(role, connect));
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (StateStore s : open.values()) {
            try {
                s.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        open.clear();
        if (first != null) {
            throw first;
        }
    }

    /**
     * A view of {@code store} whose close() does nothing: a dynamic proxy, so that it follows
     * every method StateStore has or gains (a hand-written delegate had to be kept in step).
     */
    private static StateStore unclosable(StateStore store) {
        return (StateStore) Proxy.newProxyInstance(
                StateStore.class.getClassLoader(), new Class<?>[] {StateStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close") && method.getParameterCount() == 0) {
                        return null; // the batch closes it after its last line
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause(); // the store's own exception, as a direct call would throw it
                    }
                });
    }
}
