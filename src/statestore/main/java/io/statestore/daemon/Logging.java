package io.statestore.daemon;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.net.URL;
import org.slf4j.LoggerFactory;

/**
 * Gives the daemon its logging (a copy of {@code config/logback.xml}: one line per event on
 * stdout, INFO) unless {@code -Dlogback.configurationFile} names another file. Only the daemon
 * does this; other commands keep stdout for their data.
 */
public final class Logging {
    private static final String RESOURCE = "/io/statestore/daemon/logback-daemon.xml";

    private Logging() {}

    public static void configureDaemonDefaults() {
        if (System.getProperty("logback.configurationFile") != null
                || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return;
        }
        URL config = Logging.class.getResource(RESOURCE);
        if (config == null) {
            return;
        }
        ctx.reset();
        JoranConfigurator j = new JoranConfigurator();
        j.setContext(ctx);
        try {
            j.doConfigure(config);
        } catch (JoranException e) {
            System.err.println("statestore: logging configuration failed: " + e.getMessage());
        }
    }

    /**
     * {@code daemon --debug}: failures keep their one line at WARN, and their stack traces, logged
     * at DEBUG beside it, show too.
     */
    public static void showTraces() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
            ctx.getLogger("io.statestore").setLevel(ch.qos.logback.classic.Level.DEBUG);
        }
    }
}
