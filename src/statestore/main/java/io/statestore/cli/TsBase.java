package io.statestore.cli;

import io.statestore.client.StateStoreOptions;
import io.statestore.daemon.redis.RedisAdmin;
import io.statestore.daemon.series.SeriesStore;
import io.statestore.daemon.series.SeriesStores;
import java.time.Clock;

/** Base of the {@code ts} commands: a connection as the command's role and the series on it. */
abstract class TsBase extends StoreCommand {
    /** The wall clock; a field so that the words for relative times are computed once per command. */
    protected final Clock clock = Clock.systemUTC();

    protected RedisAdmin openAdmin() {
        return new RedisAdmin(options());
    }

    protected StateStoreOptions options() {
        return root().storeOptions(null, role());
    }

    protected SeriesStore series(RedisAdmin admin) {
        return SeriesStores.forReading(admin, options().keyPrefix(), clock);
    }
}
