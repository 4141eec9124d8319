package io.statestore.daemon.redis;

import java.util.Map;

/** Words for how a redis-server child ended, from its exit value (128 + N: killed by signal N). */
public final class ExitReason {
    private static final Map<Integer, String> SIGNALS =
            Map.of(1, "SIGHUP", 2, "SIGINT", 6, "SIGABRT", 9, "SIGKILL", 11, "SIGSEGV", 15, "SIGTERM");

    private ExitReason() {}

    public static String of(int exitValue) {
        if (exitValue > 128 && exitValue < 128 + 65) {
            int signal = exitValue - 128;
            return "killed by signal " + signal + (SIGNALS.containsKey(signal) ? " (" + SIGNALS.get(signal) + ")" : "");
        }
        return "exit code " + exitValue;
    }
}
