package io.statestore.cli;

import java.io.PrintStream;
import java.util.Locale;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The slf4j binding of the {@code statestore} process: what {@code io/statestore/cli/logback.xml}
 * did (one line per event on stderr, {@code STATESTORE_LOG_LEVEL}, default WARN; Jedis only at
 * ERROR) without logback, whose start-up (XML parsing, ~480 classes) cost a one-shot command more
 * than its work (issue 17). A command that wants logback (the daemon) calls {@link #useLogback}
 * before it first logs; then this hands everything to logback.
 *
 * <p>slf4j binds once, at the first logger: commands must not log while the command line is
 * parsed (no logger in a static initialiser or constructor of a command).
 */
public final class CliLogging implements SLF4JServiceProvider {
    private static final String LOGBACK_PROVIDER = "ch.qos.logback.classic.spi.LogbackServiceProvider";
    private static final String USE_LOGBACK = "statestore.logging.logback";

    private SLF4JServiceProvider logback;
    private ILoggerFactory loggers;
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    /**
     * Makes this the binding unless the user chose one ({@code -Dslf4j.provider}) or a logback
     * configuration ({@code -Dlogback.configurationFile}).
     */
    static void install() {
        if (System.getProperty("slf4j.provider") == null && System.getProperty("logback.configurationFile") == null) {
            System.setProperty("slf4j.provider", CliLogging.class.getName());
            if (System.getProperty("slf4j.internal.verbosity") == null) {
                // else slf4j tells on stderr, on every run, that it loads the provider named here
                System.setProperty("slf4j.internal.verbosity", "WARN");
            }
        }
    }

    /** The daemon logs through logback (one line per event on stdout for journald, see daemon.Logging). */
    public static void useLogback() {
        System.setProperty(USE_LOGBACK, "true");
    }

    @Override
    public void initialize() {
        if (Boolean.getBoolean(USE_LOGBACK)) {
            try {
                logback = (SLF4JServiceProvider)
                        Class.forName(LOGBACK_PROVIDER).getDeclaredConstructor().newInstance();
                logback.initialize();
                loggers = logback.getLoggerFactory();
                return;
            } catch (ReflectiveOperationException | LinkageError e) {
                System.err.println("statestore: logback is missing (" + e + "); logging to stderr");
            }
        }
        Level root = level(System.getenv("STATESTORE_LOG_LEVEL"));
        loggers = name -> new StderrLogger(name, isJedisClient(name) ? Level.ERROR : root, System.err);
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return logback != null ? logback.getMarkerFactory() : markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return logback != null ? logback.getMDCAdapter() : mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    /** Jedis 8 warns about RESP3 auto-negotiation on every connection: noise for a one-shot command. */
    private static boolean isJedisClient(String name) {
        return name.equals("redis.clients.jedis.Jedis") || name.startsWith("redis.clients.jedis.Jedis.");
    }

    static Level level(String name) {
        if (name == null || name.isBlank()) {
            return Level.WARN;
        }
        try {
            return Level.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Level.WARN;
        }
    }

    /** {@code statestore: LEVEL logger: message}, the throwable's trace after it, as the CLI's logback pattern wrote. */
    static final class StderrLogger extends LegacyAbstractLogger {
        private final Level threshold;
        private final transient PrintStream err;
        private final String shortName;

        StderrLogger(String name, Level threshold, PrintStream err) {
            this.name = name;
            this.threshold = threshold;
            this.err = err;
            this.shortName = abbreviate(name, 20);
        }

        private boolean on(Level level) {
            return level.toInt() >= threshold.toInt();
        }

        @Override
        public boolean isTraceEnabled() {
            return on(Level.TRACE);
        }

        @Override
        public boolean isDebugEnabled() {
            return on(Level.DEBUG);
        }

        @Override
        public boolean isInfoEnabled() {
            return on(Level.INFO);
        }

        @Override
        public boolean isWarnEnabled() {
            return on(Level.WARN);
        }

        @Override
        public boolean isErrorEnabled() {
            return on(Level.ERROR);
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(
                Level level, Marker marker, String pattern, Object[] args, Throwable thrown) {
            String line =
                    "statestore: " + level + " " + shortName + ": " + MessageFormatter.basicArrayFormat(pattern, args);
            synchronized (err) {
                err.println(line);
                if (thrown != null) {
                    thrown.printStackTrace(err);
                }
            }
        }

        /** Logback's {@code %logger{20}}: leading packages shortened to their initial until the name fits. */
        static String abbreviate(String name, int width) {
            String[] parts = name.split("\\.");
            int length = name.length();
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < parts.length; i++) {
                String part = parts[i];
                if (i < parts.length - 1 && length > width && !part.isEmpty()) {
                    length -= part.length() - 1;
                    part = part.substring(0, 1);
                }
                b.append(i == 0 ? "" : ".").append(part);
            }
            return b.toString();
        }
    }
}
