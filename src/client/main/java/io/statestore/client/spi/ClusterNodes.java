package io.statestore.client.spi;

import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.HostAndPort;

/**
 * The nodes of a Redis Cluster as one node's {@code CLUSTER NODES} reply describes them: more than
 * Jedis's slot map offers, every primary with its slot ranges and whether it has failed. The
 * client installs its libraries on every primary from it; the daemon's per-primary work (sweeps,
 * trims, backups, status) reaches each exactly once by it.
 */
public final class ClusterNodes {
    private ClusterNodes() {}

    /** One line of CLUSTER NODES; {@code slots} are inclusive ranges {from, to}. */
    public record Node(String id, HostAndPort address, boolean primary, boolean failed, List<int[]> slots) {
        public int slotCount() {
            return slots.stream().mapToInt(r -> r[1] - r[0] + 1).sum();
        }

        public boolean serves(int slot) {
            return slots.stream().anyMatch(r -> r[0] <= slot && slot <= r[1]);
        }

        /** The ranges as Redis prints them: {@code 0-5460 10923}. */
        public String ranges() {
            List<String> out = new ArrayList<>();
            for (int[] r : slots) {
                out.add(r[0] == r[1] ? Integer.toString(r[0]) : r[0] + "-" + r[1]);
            }
            return String.join(" ", out);
        }
    }

    public static List<Node> parse(String clusterNodes) {
        List<Node> out = new ArrayList<>();
        for (String line : clusterNodes.split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length < 8) {
                continue;
            }
            String address = f[1].contains("@") ? f[1].substring(0, f[1].indexOf('@')) : f[1];
            if (address.contains(",")) { // host:port@bus,hostname in newer servers
                address = address.substring(0, address.indexOf(','));
            }
            int colon = address.lastIndexOf(':');
            HostAndPort at =
                    new HostAndPort(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
            List<int[]> slots = new ArrayList<>();
            for (int i = 8; i < f.length; i++) {
                if (f[i].startsWith("[")) {
                    continue; // a slot being imported or migrated: still served by its owner
                }
                String[] r = f[i].split("-");
                int from = Integer.parseInt(r[0]);
                slots.add(new int[] {from, r.length > 1 ? Integer.parseInt(r[1]) : from});
            }
            // "fail?" is one node's suspicion, not the cluster's verdict
            boolean failed = f[2].matches(".*(^|,)(fail|noaddr|handshake)(,|$).*");
            out.add(new Node(f[0], at, f[2].contains("master"), failed, List.copyOf(slots)));
        }
        return out;
    }

    /** The primaries that serve slots and have not failed, in slot order. */
    public static List<Node> servingPrimaries(String clusterNodes) {
        List<Node> out = new ArrayList<>();
        for (Node n : parse(clusterNodes)) {
            if (n.primary() && !n.failed() && !n.slots().isEmpty()) {
                out.add(n);
            }
        }
        out.sort(java.util.Comparator.comparingInt(n -> n.slots().get(0)[0]));
        return out;
    }
}
