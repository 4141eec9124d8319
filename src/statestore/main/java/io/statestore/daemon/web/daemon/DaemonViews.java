package io.statestore.daemon.web.daemon;

import java.util.List;
import java.util.Map;

/** The JSON shapes of the Daemon page's endpoints (times are epoch milliseconds; null when unknown). */
public final class DaemonViews {
    private DaemonViews() {}

    public record Overview(Map<String, String> status, List<Daemon> daemons, List<Job> jobs, Server server) {}

    /** A daemon's heartbeat entry, aged by the server's clock. */
    public record Daemon(
            String id, boolean alive, long pid, String host, String started, long heartbeatAgeMs, long intervalMs) {}

    /**
     * A scheduled job. {@code lastRun}, {@code result} ({@code ok}/{@code failed}), {@code error},
     * {@code durationMs}, {@code ranOn} and {@code figures} come from the status hash, which every
     * daemon writes (a run executes on whichever daemon holds the lease); {@code nextRunMs} and
     * {@code schedule} from this daemon's Quartz trigger.
     */
    public record Job(
            String name,
            String schedule,
            boolean running,
            String lastRun,
            String result,
            String error,
            Long durationMs,
            String ranOn,
            Map<String, String> figures,
            Long previousFireMs,
            Long nextRunMs) {}

    /** What the Redis server says of itself (INFO); {@code topology} is {@code standalone}, {@code sentinel} or {@code cluster}. */
    public record Server(
            String version,
            String topology,
            Memory memory,
            Clients clients,
            long opsPerSec,
            Persistence persistence,
            Replication replication,
            List<String> problems) {}

    public record Memory(long usedBytes, long peakBytes, long rssBytes, long maxmemoryBytes, String policy) {}

    public record Clients(long connected, long blocked) {}

    /** AOF and RDB state; {@code rdbLastSaveMs} is when the last successful RDB save finished. */
    public record Persistence(
            boolean aofEnabled,
            String aofLastWriteStatus,
            String aofLastRewriteStatus,
            boolean aofRewriteInProgress,
            Long rdbLastSaveMs,
            long rdbChangesSinceSave,
            String rdbLastBgsaveStatus,
            boolean rdbSaveInProgress) {}

    /** {@code role} is {@code master} or {@code slave}, as Redis names them. */
    public record Replication(
            String role, long connectedReplicas, String masterHost, Integer masterPort, String masterLinkStatus) {}

    public record Backup(String name, long sizeBytes, Long takenMs) {}

    public record Backups(String dir, List<Backup> backups) {}

    /** A verification: {@code ok} with how it was checked, or the reason the file is not sound. */
    public record Verified(String name, boolean ok, String verifiedBy, String error) {}

    public record Taken(
            String name, long sizeBytes, String source, String verifiedBy, long tookMs, List<String> rotatedAway) {}
}
