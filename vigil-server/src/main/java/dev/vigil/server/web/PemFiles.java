package dev.vigil.server.web;

import dev.vigil.core.VigilArgumentException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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

/**
 * Reads PEM files with the JDK alone (no BouncyCastle): an X.509 certificate chain, and an unencrypted RSA or EC
 * private key in PKCS#8 ({@code BEGIN PRIVATE KEY}) or, for RSA, PKCS#1 ({@code BEGIN RSA PRIVATE KEY}). Anything
 * else gets one sentence naming the file and what it held instead.
 */
final class PemFiles {
    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final String CONVERT = "; convert it with `openssl pkcs8 -topk8 -nocrypt -in KEY -out key.pem`";

    /** A {@code BEGIN label} block: its label, its headers (such as {@code Proc-Type}) and its decoded bytes. */
    private record Block(String label, String headers, byte[] der) {}

    private PemFiles() {}

    /** The certificates of {@code file}, in the file's order: the server's own first, then its issuers. */
    static List<X509Certificate> certificates(Path file) {
        List<Block> blocks = blocks(file, "a PEM certificate (-----BEGIN CERTIFICATE-----)");
        List<X509Certificate> chain = new ArrayList<>();
        for (Block b : blocks) {
            if (!b.label().equals("CERTIFICATE")) {
                continue;
            }
            try {
                chain.add((X509Certificate)
                        CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(b.der())));
            } catch (CertificateException e) {
                throw new VigilArgumentException(
                        file + ": certificate " + (chain.size() + 1) + " is not a valid X.509 certificate ("
                                + e.getMessage() + ")",
                        e);
            }
        }
        if (chain.isEmpty()) {
            throw new VigilArgumentException(file + ": is not a PEM certificate (it holds " + labels(blocks)
                    + "; expected -----BEGIN CERTIFICATE-----)");
        }
        return chain;
    }

    /** The one private key of {@code file}. */
    static PrivateKey privateKey(Path file) {
        List<Block> blocks = blocks(file, "a PEM private key (-----BEGIN PRIVATE KEY-----)");
        List<Block> keys =
                blocks.stream().filter(b -> b.label().endsWith("PRIVATE KEY")).toList();
        if (keys.isEmpty()) {
            throw new VigilArgumentException(file + ": is not a PEM private key (it holds " + labels(blocks)
                    + "; expected -----BEGIN PRIVATE KEY-----)");
        }
        if (keys.size() > 1) {
            throw new VigilArgumentException(
                    file + ": holds " + keys.size() + " private keys (expected the one key of the certificate)");
        }
        Block key = keys.get(0);
        return switch (key.label()) {
            case "PRIVATE KEY" -> pkcs8(file, key.der());
            case "RSA PRIVATE KEY" -> {
                if (key.headers().contains("ENCRYPTED")) {
                    throw new VigilArgumentException(file + ": the key is encrypted, which is not supported"
                            + " (expected an unencrypted key; decrypt it with `openssl rsa -in KEY -out key.pem`)");
                }
                yield pkcs8(file, pkcs1ToPkcs8(key.der()));
            }
            case "ENCRYPTED PRIVATE KEY" ->
                throw new VigilArgumentException(
                        file + ": the key is encrypted, which is not supported (expected an unencrypted PKCS#8 key"
                                + CONVERT + ")");
            default ->
                throw new VigilArgumentException(file + ": holds a " + key.label()
                        + ", which is not supported (expected -----BEGIN PRIVATE KEY-----" + CONVERT + ")");
        };
    }

    private static PrivateKey pkcs8(Path file, byte[] der) {
        for (String algorithm : List.of("RSA", "EC")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // not this algorithm: try the next
            }
        }
        throw new VigilArgumentException(
                file + ": is not an RSA or EC private key the JDK can read (expected PKCS#8, RSA or EC)");
    }

    /**
     * Wraps a PKCS#1 RSA key in the PKCS#8 envelope the JDK reads: {@code SEQUENCE { INTEGER 0, SEQUENCE { OID
     * rsaEncryption, NULL }, OCTET STRING pkcs1 }} (RFC 5208 §5).
     */
    static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
        byte[] version = {0x02, 0x01, 0x00};
        byte[] rsaAlgorithm = {
            0x30,
            0x0d,
            0x06,
            0x09,
            0x2a,
            (byte) 0x86,
            0x48,
            (byte) 0x86,
            (byte) 0xf7,
            0x0d,
            0x01,
            0x01,
            0x01,
            0x05,
            0x00
        };
        byte[] key = der(0x04, pkcs1);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(version);
        body.writeBytes(rsaAlgorithm);
        body.writeBytes(key);
        return der(0x30, body.toByteArray());
    }

    /** A DER element: its tag, its length (short or long form), its content. */
    private static byte[] der(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static List<Block> blocks(Path file, String expected) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.ISO_8859_1).replace("\r\n", "\n");
        } catch (NoSuchFileException e) {
            throw new VigilArgumentException(file + ": does not exist (expected " + expected + ")");
        } catch (IOException e) {
            throw new VigilArgumentException(
                    file + ": cannot be read (" + e.getMessage() + "; expected " + expected + ")", e);
        }
        List<Block> blocks = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String body = m.group(2);
            String headers = "";
            int colon = body.indexOf(':');
            if (colon >= 0) { // RFC 1421 headers (Proc-Type, DEK-Info) end at the first empty line
                int end = body.indexOf("\n\n", colon);
                headers = body.substring(0, end < 0 ? body.length() : end);
                body = end < 0 ? "" : body.substring(end);
            }
            try {
                blocks.add(
                        new Block(m.group(1), headers, Base64.getMimeDecoder().decode(body.strip())));
            } catch (IllegalArgumentException e) {
                throw new VigilArgumentException(
                        file + ": the " + m.group(1) + " block is not valid base64 (expected " + expected + ")");
            }
        }
        return blocks;
    }

    private static String labels(List<Block> blocks) {
        return blocks.isEmpty()
                ? "no PEM block"
                : String.join(", ", blocks.stream().map(Block::label).distinct().toList());
    }
}
