package io.statestore.client.internal;

import org.apache.commons.pool2.PooledObject;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisFactory;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Connections for a pool to one server, checked as "does it answer" rather than "does PING
 * say PONG". Redis refuses PING with MISCONF while it cannot persist, and Jedis's own check
 * then threw away every connection and refused every borrow ("Could not get a resource from
 * the pool"): reads, status and the daemon's own repair work failed exactly when they were
 * needed. An error reply proves the connection works; the call itself gets the real error.
 */
public final class AnsweringJedisFactory extends JedisFactory {
    public AnsweringJedisFactory(HostAndPort address, JedisClientConfig config) {
        super(address, config);
    }

    @Override
    public boolean validateObject(PooledObject<Jedis> pooled) {
        Jedis jedis = pooled.getObject();
        if (!jedis.isConnected() || jedis.getConnection().isBroken()) {
            return false;
        }
        try {
            jedis.ping();
            return true;
        } catch (JedisDataException answered) {
            return true;
        } catch (RuntimeException gone) {
            return false;
        }
    }
}
