package io.statestore.testing;

/**
 * The one cluster of a JVM run behind {@link RedisClusterExtension#shared()}: started on first
 * use, stopped by a shutdown hook when the JVM (surefire's fork) exits. A failed start is kept
 * and thrown again to every later class, so one broken start does not cost 30 s per class.
 */
final class SharedCluster {
    private static RedisClusterExtension cluster;
    private static Exception failedStart;

    private SharedCluster() {}

    static synchronized RedisClusterExtension get() throws Exception {
        if (failedStart != null) {
            throw new IllegalStateException("the shared test cluster failed to start earlier in this run", failedStart);
        }
        if (cluster == null) {
            RedisClusterExtension c = RedisClusterExtension.forSharing();
            try {
                c.startCluster();
            } catch (Exception e) {
                failedStart = e;
                c.stopCluster();
                throw e;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(c), "shared-test-cluster-stop"));
            cluster = c;
        }
        return cluster;
    }

    /**
     * Stops the shared cluster if it runs; a later class that needs it starts it again. Called
     * when a class starts a cluster of its own: ClusterTopologyChangesTest's durable-write check
     * (a replica must confirm within 2 s) failed in 3 of 4 runs with the idle shared cluster
     * beside it and passed in both runs without it, at load 30-40 on 2 cores.
     */
    static synchronized void stopIfStarted() {
        if (cluster != null) {
            stop(cluster);
            cluster = null;
        }
    }

    private static void stop(RedisClusterExtension c) {
        try {
            c.stopCluster();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception ignored) {
            // the JVM is exiting: a node left behind dies with its temporary directory's owner
        }
    }
}
