package io.statestore.client.internal;

import io.statestore.client.StateStore;
import io.statestore.client.StateStoreOptions;
import io.statestore.client.StorageMode;
import io.statestore.client.spi.RedisGateway;
import io.statestore.client.spi.ServerInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens stores: connect, detect the storage mode, install or upgrade the function libraries. */
public final class StateStores {
    private static final Logger LOG = LoggerFactory.getLogger(StateStores.class);

    private StateStores() {}

    public static StateStore open(StateStoreOptions options) {
        RedisGateway redis = new RedisGateway(options);
        try {
            ServerInfo info = ServerInfo.probe(redis);
            redis.installLibraries(); // here, so a library this client cannot use fails the connect
            StorageMode mode =
                    options.forcedMode().orElse(info.hasJsonModule() ? StorageMode.MODULE : StorageMode.PORTABLE);
            LOG.debug("connected to {} at {}: {} mode", info.version(), redis.endpoint(), mode);
            return DefaultStateStore.open(options, redis, mode, info.version());
        } catch (RuntimeException e) {
            redis.close();
            throw e;
        }
    }
}
