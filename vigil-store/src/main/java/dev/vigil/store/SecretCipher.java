package dev.vigil.store;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.VigilStateException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts the secrets the metastore keeps (data-source passwords, monitor action URLs) with AES-256-GCM: a random
 * 96-bit IV per value and a 128-bit tag, stored as {@code v2:} + base64(IV ‖ ciphertext ‖ tag), the row the secret
 * belongs to (e.g. {@code dataset shop/v1/serving}) bound as additional authenticated data: a blob copied to another
 * row does not decrypt there (review F19). {@code v1:} values (no row bound) are still read, and re-sealed as
 * {@code v2:} when the metastore opens.
 * See docs/decisions/0002-secrets-and-tokens.md. {@link #toString()} never shows the key.
 */
public final class SecretCipher {
    /** The environment variable holding the base64 of the 32-byte master key. */
    public static final String MASTER_KEY_ENV = "VIGIL_MASTER_KEY";

    private static final String PREFIX = "v1:";
    private static final String BOUND_PREFIX = "v2:";
    private static final int KEY_BYTES = 32;
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    private SecretCipher(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    /** A cipher with this 32-byte (256-bit) key. */
    public static SecretCipher of(byte[] key32) {
        if (key32 == null || key32.length != KEY_BYTES) {
            throw new VigilArgumentException("master key: expected " + KEY_BYTES + " bytes (AES-256), got "
                    + (key32 == null ? "none" : key32.length + " bytes"));
        }
        return new SecretCipher(key32.clone());
    }

    /** 32 fresh random bytes, fit for {@link #of(byte[])}. */
    public static byte[] newKey() {
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        return key;
    }

    /**
     * The key from {@value #MASTER_KEY_ENV} in {@code env} if set; otherwise from {@code keyFile}
     * (base64 text), which is created with owner-only permissions when missing. A key file that group
     * or others may access is refused.
     */
    public static SecretCipher fromEnvironmentOrKeyFile(Map<String, String> env, Path keyFile) {
        if (keyInEnvironment(env)) {
            return of(decodeKey(env.get(MASTER_KEY_ENV), MASTER_KEY_ENV, true));
        }
        if (Files.exists(keyFile)) {
            return of(readKeyFile(keyFile));
        }
        return of(createKeyFile(keyFile));
    }

    /** Whether {@code env} sets {@value #MASTER_KEY_ENV}, which then wins over any key file. */
    public static boolean keyInEnvironment(Map<String, String> env) {
        String fromEnv = env.get(MASTER_KEY_ENV);
        return fromEnv != null && !fromEnv.isBlank();
    }

    /**
     * The 32-byte key in an existing key file (base64 text), for {@code vigil rotate-key}; refused when group or others
     * may access the file, or when it does not hold a key. Never creates the file.
     */
    public static byte[] readKey(Path keyFile) {
        if (!Files.isRegularFile(keyFile)) {
            throw new VigilArgumentException("master key file " + keyFile + ": does not exist (expected a file holding"
                    + " the base64 of 32 random bytes, e.g. from `openssl rand -base64 32`)");
        }
        return readKeyFile(keyFile);
    }

    /**
     * Writes {@code key32} as a new key file, created owner-only in one step; refused when the file exists already, so
     * no key is ever overwritten.
     */
    public static void writeKeyFile(Path keyFile, byte[] key32) {
        of(key32); // the same length check as a cipher
        try {
            writeNewKeyFile(keyFile, key32);
        } catch (FileAlreadyExistsException e) {
            throw new VigilStateException("Cannot write the master key file " + keyFile + ": it exists already", e);
        } catch (IOException e) {
            throw new VigilStateException("Cannot write the master key file " + keyFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * The key's id for people: the first 8 hex digits of the SHA-256 of the key, so an operator can tell keys apart
     * without seeing one (32 bits of a hash of 256 random bits reveal nothing usable about the key).
     */
    public String fingerprint() {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return java.util.HexFormat.of().formatHex(hash, 0, 4);
        } catch (GeneralSecurityException e) {
            throw new VigilStateException("Cannot fingerprint the master key: " + e.getMessage(), e);
        }
    }

    /** Whether this cipher has the same key as {@code other} (compared in constant time). */
    public boolean sameKeyAs(SecretCipher other) {
        return MessageDigest.isEqual(key.getEncoded(), other.key.getEncoded());
    }

    private static byte[] decodeKey(String base64, String source, boolean argument) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            key = null;
        }
        if (key == null || key.length != KEY_BYTES) {
            // Never echo the value: it is (or is meant to be) the master key.
            String message = source + ": expected the base64 encoding of " + KEY_BYTES
                    + " random bytes (e.g. the output of `openssl rand -base64 32`), got "
                    + (key == null ? "a value that is not base64" : key.length + " bytes");
            throw argument ? new VigilArgumentException(message) : new VigilStateException(message);
        }
        return key;
    }

    private static byte[] readKeyFile(Path keyFile) {
        try {
            if (Files.getFileStore(keyFile).supportsFileAttributeView("posix")) {
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(keyFile);
                if (!OWNER_ONLY.containsAll(permissions)) {
                    throw new VigilStateException("The master key file " + keyFile + " is accessible by group or"
                            + " others (" + PosixFilePermissions.toString(permissions) + "); run `chmod 600 "
                            + keyFile + "` and start again");
                }
            }
            return decodeKey(Files.readString(keyFile, StandardCharsets.US_ASCII), "master key file " + keyFile, false);
        } catch (IOException e) {
            throw new VigilStateException("Cannot read the master key file " + keyFile + ": " + e.getMessage(), e);
        }
    }

    private static byte[] createKeyFile(Path keyFile) {
        byte[] key = newKey();
        try {
            writeNewKeyFile(keyFile, key);
            return key;
        } catch (FileAlreadyExistsException e) {
            // Another process created it first: use theirs.
            return readKeyFile(keyFile);
        } catch (IOException e) {
            throw new VigilStateException("Cannot create the master key file " + keyFile + ": " + e.getMessage(), e);
        }
    }

    private static void writeNewKeyFile(Path keyFile, byte[] key) throws IOException {
        Path parent = keyFile.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        // Create the file with its final permissions in one step, so it is never readable by others.
        if (parent != null && Files.getFileStore(parent).supportsFileAttributeView("posix")) {
            Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } else {
            Files.createFile(keyFile);
        }
        Files.writeString(keyFile, Base64.getEncoder().encodeToString(key) + "\n", StandardCharsets.US_ASCII);
    }

    /** {@code v1:} + base64(IV ‖ ciphertext ‖ tag), bound to no row (the format before {@code v2:}); null stays null. */
    public String encrypt(String plaintext) {
        return seal(plaintext, PREFIX, null);
    }

    /** {@code v2:} + base64(IV ‖ ciphertext ‖ tag), bound to {@code row}; null stays null. */
    public String encrypt(String plaintext, String row) {
        return seal(plaintext, BOUND_PREFIX, java.util.Objects.requireNonNull(row, "row"));
    }

    /** Whether {@code stored} is bound to its row already ({@code v2:}); null counts as bound (nothing to seal). */
    public static boolean isBound(String stored) {
        return stored == null || stored.startsWith(BOUND_PREFIX);
    }

    private String seal(String plaintext, String prefix, String row) {
        if (plaintext == null) {
            return null;
        }
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            if (row != null) {
                cipher.updateAAD(row.getBytes(StandardCharsets.UTF_8));
            }
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            ByteBuffer out =
                    ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed);
            return prefix + Base64.getEncoder().encodeToString(out.array());
        } catch (GeneralSecurityException e) {
            throw new VigilStateException("Cannot encrypt a secret: " + e.getMessage(), e);
        }
    }

    /** The plaintext of a {@code v1:} value made by {@link #encrypt(String)}; null stays null. */
    public String decrypt(String stored) {
        return decrypt(stored, null);
    }

    /**
     * The plaintext of a value stored for {@code row}: a {@code v2:} value only if it was encrypted for that row, a
     * {@code v1:} value (bound to no row) as it is; null stays null.
     */
    public String decrypt(String stored, String row) {
        if (stored == null) {
            return null;
        }
        boolean bound = stored.startsWith(BOUND_PREFIX);
        byte[] bytes;
        try {
            bytes = bound || stored.startsWith(PREFIX)
                    ? Base64.getDecoder().decode(stored.substring(PREFIX.length()))
                    : null;
        } catch (IllegalArgumentException e) {
            bytes = null;
        }
        if (bytes == null || bytes.length < IV_BYTES + TAG_BITS / 8) {
            throw new VigilStateException("Cannot decrypt a stored secret: it is not in the " + BOUND_PREFIX + " or "
                    + PREFIX + " format (base64 of IV, ciphertext and tag)");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 0, IV_BYTES));
            if (bound) {
                cipher.updateAAD((row == null ? "" : row).getBytes(StandardCharsets.UTF_8));
            }
            byte[] plain = cipher.doFinal(bytes, IV_BYTES, bytes.length - IV_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new VigilStateException(
                    bound
                            ? "Cannot decrypt the stored secret of " + row + ": it was encrypted for another row, or"
                                    + " under another master key"
                            : "Cannot decrypt a stored secret: the master key differs from the one it was encrypted"
                                    + " with",
                    e);
        } catch (GeneralSecurityException e) {
            throw new VigilStateException("Cannot decrypt a stored secret: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "SecretCipher[AES-256-GCM, key=******]";
    }
}
