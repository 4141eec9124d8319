package io.statestore.daemon.config;

import io.statestore.client.StateStoreOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Checks values that bind but make no sense; every problem names its key. */
final class ConfigValidator {
    private final Map<String, String> origins;
    private List<String> problems;

    ConfigValidator(Map<String, String> origins) {
        this.origins = origins;
    }

    private void acl(DaemonConfig c) {
        DaemonConfig.Acl a = c.acl();
        patterns("acl.writerKeys", a.writerKeys());
        patterns("acl.readerKeys", a.readerKeys());
        if (a.rotationGrace() == null || a.rotationGrace().isNegative()) {
            problem("acl.rotationGrace", "must be 0 or a positive duration");
        }
        boolean requirePass = c.embedded().extraArgs().stream().anyMatch(x -> x.equalsIgnoreCase("--requirepass"));
        if (a.enabled() && c.redis().embedded() && requirePass) {
            problem(
                    "embedded.extraArgs",
                    "--requirepass goes with acl.enabled: false; with roles the embedded server's"
                            + " users and passwords are generated (docs/security.md)");
        }
        if (a.enabled()
                && c.redis().embedded()
                && c.redis().passwordFile() != null
                && !c.redis().passwordFile().isBlank()) {
            problem(
                    "redis.passwordFile",
                    "is for an external server (redis.url) or acl.enabled: false; with roles the"
                            + " embedded server's passwords are generated under the data directory (docs/security.md)");
        }
    }

    private void patterns(String key, List<String> globs) {
        if (globs == null || globs.isEmpty()) {
            problem(key, "must list at least one Redis glob (\"*\": every document)");
            return;
        }
        for (String g : globs) {
            if (g == null || g.isEmpty() || g.chars().anyMatch(ch -> ch <= ' ')) {
                problem(key, "\"" + g + "\" is not a Redis glob (empty, or with white space)");
            }
        }
    }

    void validate(DaemonConfig c, List<String> out) {
        this.problems = out;
        DaemonConfig.Redis r = c.redis();
        if (!r.embedded()) {
            try {
                StateStoreOptions.builder().uri(r.url());
            } catch (RuntimeException e) {
                problem("redis.url", e.getMessage());
            }
        }
        boolean sentinelUrl = !r.embedded() && r.url().contains("-sentinel://");
        if (r.sentinelPasswordFile() != null && !r.sentinelPasswordFile().isBlank() && !sentinelUrl) {
            problem("redis.sentinelPasswordFile", "goes with a redis-sentinel:// redis.url");
        }
        if (r.keyPrefix() == null || r.keyPrefix().isEmpty() || r.keyPrefix().contains("{")) {
            problem("redis.keyPrefix", "must be non-empty and contain no braces");
        }
        positive("redis.timeout", r.timeout());
        TlsConfig.validate(r, this::problem);
        if (r.feedMaxLength() < 0) {
            problem("redis.feedMaxLength", "must be 0 (no trimming) or a positive number of entries");
        }
        DaemonConfig.Embedded e = c.embedded();
        port("embedded.port", e.port());
        if (!Set.of("always", "everysec", "no").contains(e.appendfsync())) {
            problem("embedded.appendfsync", "must be always, everysec or no, got \"" + e.appendfsync() + "\"");
        }
        positive("embedded.startTimeout", e.startTimeout());
        positive("embedded.stopTimeout", e.stopTimeout());
        positive("embedded.restartBackoff", e.restartBackoff());
        positive("embedded.maxRestartBackoff", e.maxRestartBackoff());
        if (e.maxRestarts() < 0) {
            problem("embedded.maxRestarts", "must be 0 or more, got " + e.maxRestarts());
        }
        positive("embedded.restartWindow", e.restartWindow());
        if (r.embedded()) {
            EvictionPolicy.refusal(e.extraArgs()).ifPresent(m -> problem("embedded.extraArgs", m));
        }
        acl(c);
        DaemonConfig.Daemon d = c.daemon();
        positive("daemon.heartbeatInterval", d.heartbeatInterval());
        positive("daemon.shutdownTimeout", d.shutdownTimeout());
        positive("daemon.leaseTtl", d.leaseTtl());
        if (d.heartbeatTtl() == null
                || d.heartbeatInterval() == null
                || d.heartbeatTtl().compareTo(d.heartbeatInterval()) <= 0) {
            problem("daemon.heartbeatTtl", "must be longer than daemon.heartbeatInterval");
        }
        port("http.port", c.http().port());
        cron("sweep.schedule", c.sweep().schedule());
        List<DaemonConfig.Policy> policies =
                c.sweep().policies() == null ? List.of() : c.sweep().policies();
        for (int i = 0; i < policies.size(); i++) {
            DaemonConfig.Policy p = policies.get(i);
            String k = "sweep.policies[" + i + "]";
            if (p.pattern() == null || p.pattern().isBlank()) {
                problem(k + ".pattern", "is required");
            }
            if (p.keepNewest() < 0) {
                problem(k + ".keepNewest", "must not be negative");
            }
            if (p.maxAge() == null && p.keepNewest() == 0 && p.defaultTtl() == null) {
                problem(k, "needs at least one of maxAge, keepNewest, defaultTtl");
            }
            if (p.maxAge() != null) {
                positive(k + ".maxAge", p.maxAge());
            }
            if (p.defaultTtl() != null) {
                positive(k + ".defaultTtl", p.defaultTtl());
            }
        }
        cron("trim.schedule", c.trim().schedule());
        List<DaemonConfig.Stream> streams =
                c.trim().streams() == null ? List.of() : c.trim().streams();
        for (int i = 0; i < streams.size(); i++) {
            DaemonConfig.Stream s = streams.get(i);
            if (s.key() == null || s.key().isBlank()) {
                problem("trim.streams[" + i + "].key", "is required");
            }
            if (s.maxLength() < 0) {
                problem("trim.streams[" + i + "].maxLength", "must not be negative");
            }
        }
        DaemonConfig.Events ev = c.trim().events();
        if (ev == null) {
            problem("trim.events", "is required");
        } else {
            if (ev.maxLength() < 0) {
                problem("trim.events.maxLength", "must not be negative, got " + ev.maxLength());
            }
            if (ev.maxAge() == null || ev.maxAge().isNegative()) {
                problem("trim.events.maxAge", "must be a duration (0 = no age limit)");
            }
            if (ev.enabled()
                    && ev.maxLength() == 0
                    && ev.maxAge() != null
                    && ev.maxAge().isZero()) {
                problem("trim.events", "enabled, but neither maxLength nor maxAge is set (set one, or enabled: false)");
            }
        }
        DaemonConfig.Backup b = c.backup();
        cron("backup.schedule", b.schedule());
        if (b.keep() < 1) {
            problem("backup.keep", "must be at least 1, got " + b.keep());
        }
        if (b.keepDaily() < 0) {
            problem("backup.keepDaily", "must not be negative");
        }
        if (b.keepWeekly() < 0) {
            problem("backup.keepWeekly", "must not be negative");
        }
        if (!Set.of("auto", "local", "replication").contains(b.source())) {
            problem("backup.source", "must be auto, local or replication, got \"" + b.source() + "\"");
        }
        positive("backup.timeout", b.timeout());
        new SeriesValidation(this::problem).validate(c.series(), c.seriesStore());
    }

    private void cron(String key, String expr) {
        String why = CronWords.problem(expr);
        if (why != null) {
            problem(key, why);
        }
    }

    private void port(String key, int port) {
        if (port < 1 || port > 65535) {
            problem(key, "must be a port between 1 and 65535, got " + port);
        }
    }

    private void positive(String key, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            problem(key, "must be a positive duration");
        }
    }

    private void problem(String key, String message) {
        String var = origins.get(key);
        problems.add("key '" + key + "'" + (var == null ? "" : " (from " + var + ")") + ": " + message);
    }
}
