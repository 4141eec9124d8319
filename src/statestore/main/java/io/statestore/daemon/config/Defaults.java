package io.statestore.daemon.config;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Map;

/** Fills in the settings whose defaults depend on the machine: data directory and daemon id. */
final class Defaults {
    private Defaults() {}

    static DaemonConfig complete(DaemonConfig c, Map<String, String> env) {
        String dataDir = c.dataDir();
        if (dataDir == null || dataDir.isBlank()) {
            String state = env.get("STATE_DIRECTORY"); // systemd StateDirectory=
            if (state != null && !state.isBlank()) {
                dataDir = state.split(":")[0];
            } else {
                String home = env.getOrDefault("HOME", System.getProperty("user.home"));
                dataDir = Path.of(home, ".local", "share", "statestore").toString();
            }
        }
        DaemonConfig.Daemon d = c.daemon();
        if (d.id() == null || d.id().isBlank()) {
            d = new DaemonConfig.Daemon(
                    hostName() + ":" + ManagementFactory.getRuntimeMXBean().getPid(),
                    d.heartbeatInterval(),
                    d.heartbeatTtl(),
                    d.shutdownTimeout(),
                    d.leaseTtl());
        }
        return new DaemonConfig(
                c.redis(),
                c.embedded(),
                dataDir,
                c.acl(),
                d,
                c.http(),
                c.sweep(),
                c.trim(),
                c.backup(),
                c.expiry(),
                c.series() == null ? java.util.List.of() : c.series(),
                c.seriesStore());
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
