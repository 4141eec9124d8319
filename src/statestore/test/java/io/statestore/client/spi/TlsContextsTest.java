package io.statestore.client.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.statestore.client.InvalidInputException;
import io.statestore.client.TlsException;
import io.statestore.client.TlsOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;

/** TLS settings that need no server: the insecure warning, file problems, options that exclude each other. */
class TlsContextsTest {
    @TempDir
    Path dir;

    @Test
    void skippingVerificationWarnsOncePerProcess() {
        Logger logger = (Logger) LoggerFactory.getLogger(TlsContexts.class);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        try {
            TlsContexts.forgetInsecureWarning();
            TlsOptions insecure = TlsOptions.builder().insecureSkipVerify(true).build();
            TlsContexts.configure(DefaultJedisClientConfig.builder().ssl(true), insecure);
            TlsContexts.configure(DefaultJedisClientConfig.builder().ssl(true), insecure);
            assertEquals(1, events.list.size(), events.list.toString());
            assertEquals(Level.WARN, events.list.get(0).getLevel());
            assertTrue(events.list.get(0).getFormattedMessage().contains("NOT verified"), events.list.toString());
        } finally {
            logger.detachAppender(events);
        }
    }

    @Test
    void aCaFileWithoutCertificatesIsRefusedNamingTheFile() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "not a certificate\n");
        TlsException e = assertThrows(
                TlsException.class,
                () -> TlsContexts.configure(
                        DefaultJedisClientConfig.builder().ssl(true),
                        TlsOptions.builder().caFile(empty).build()));
        assertEquals(
                "TLS: CA file " + empty + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)", e.getMessage());
        Path missing = dir.resolve("missing.pem");
        TlsException gone = assertThrows(
                TlsException.class,
                () -> TlsContexts.configure(
                        DefaultJedisClientConfig.builder().ssl(true),
                        TlsOptions.builder().caFile(missing).build()));
        assertTrue(gone.getMessage().startsWith("TLS: cannot read CA file " + missing), gone.getMessage());
    }

    @Test
    void optionsThatExcludeEachOtherAreRefused() {
        assertThrows(
                InvalidInputException.class,
                () -> TlsOptions.builder().certFile(dir.resolve("c.pem")).build());
        assertThrows(
                InvalidInputException.class,
                () -> TlsOptions.builder()
                        .caFile(dir.resolve("ca.pem"))
                        .insecureSkipVerify(true)
                        .build());
    }
}
