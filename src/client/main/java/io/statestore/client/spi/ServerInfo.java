package io.statestore.client.spi;

import java.util.List;
import redis.clients.jedis.Jedis;

/** What the connected server is: its version and whether it has JSON commands. */
public record ServerInfo(String version, boolean hasJsonModule) {

    public static ServerInfo probe(RedisGateway redis) {
        return redis.call(ServerInfo::probe, null, false);
    }

    private static ServerInfo probe(Jedis jedis) {
        String info = jedis.info("server");
        String redisVersion = field(info, "redis_version");
        String valkeyVersion = field(info, "valkey_version");
        String version = valkeyVersion != null ? "valkey " + valkeyVersion : "redis " + redisVersion;
        List<?> commands = (List<?>) jedis.sendCommand(
                () -> "COMMAND".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "INFO".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "JSON.SET".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        boolean json = commands != null && !commands.isEmpty() && commands.get(0) != null;
        return new ServerInfo(version, json);
    }

    private static String field(String info, String name) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1).trim();
            }
        }
        return null;
    }
}
