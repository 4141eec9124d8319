package io.statestore.client.internal;

import io.statestore.client.TlsException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Certificates and keys from the PEM files openssl writes, without a library beyond the JDK. */
public final class PemFiles {
    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");

    private PemFiles() {}

    /** Every certificate in the file (a CA bundle, or a certificate followed by its intermediates). */
    public static List<X509Certificate> certificates(Path file, String what) {
        String text = read(file, what);
        List<X509Certificate> certs = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            Matcher m = BLOCK.matcher(text);
            while (m.find()) {
                if (m.group(1).equals("CERTIFICATE")) {
                    certs.add((X509Certificate)
                            factory.generateCertificate(new ByteArrayInputStream(decode(m.group(2)))));
                }
            }
        } catch (CertificateException | IllegalArgumentException e) {
            throw new TlsException(
                    "TLS: " + what + " " + file + " holds a certificate that cannot be read: " + e.getMessage(), e);
        }
        if (certs.isEmpty()) {
            throw new TlsException(
                    "TLS: " + what + " " + file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)", null);
        }
        return certs;
    }

    /** An unencrypted PKCS#8 private key, RSA or EC. */
    public static PrivateKey privateKey(Path file) {
        String text = read(file, "private key file");
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String type = m.group(1);
            if (type.equals("RSA PRIVATE KEY") || type.equals("EC PRIVATE KEY")) {
                throw new TlsException(
                        "TLS: the private key in " + file + " is in the old " + type + " form; convert it to"
                                + " PKCS#8 with: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out KEY.pk8",
                        null);
            }
            if (type.equals("ENCRYPTED PRIVATE KEY")) {
                throw new TlsException(
                        "TLS: the private key in " + file + " is encrypted; give an unencrypted PKCS#8 key"
                                + " (openssl pkcs8 -topk8 -nocrypt) in a file only this user can read",
                        null);
            }
            if (type.equals("PRIVATE KEY")) {
                return pkcs8(file, decode(m.group(2)));
            }
        }
        throw new TlsException("TLS: " + file + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)", null);
    }

    private static PrivateKey pkcs8(Path file, byte[] der) {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException tryNext) {
                // the key is of another algorithm
            }
        }
        throw new TlsException("TLS: the private key in " + file + " is neither RSA, EC nor Ed25519", null);
    }

    private static byte[] decode(String base64) {
        return Base64.getMimeDecoder().decode(base64.getBytes(StandardCharsets.US_ASCII));
    }

    private static String read(Path file, String what) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new TlsException("TLS: cannot read " + what + " " + file + ": " + e.getMessage(), e);
        }
    }
}
