package dev.vigil.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.VigilStateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretCipherTest {
    private final SecretCipher cipher = SecretCipher.of(SecretCipher.newKey());

    @TempDir
    Path dir;

    @Test
    void roundTrips() {
        for (String secret : new String[] {"", "p", "pässwörd with ünicode ✓", "x".repeat(10_000)}) {
            assertThat(cipher.decrypt(cipher.encrypt(secret))).isEqualTo(secret);
        }
        assertThat(cipher.encrypt(null)).isNull();
        assertThat(cipher.decrypt(null)).isNull();
    }

    @Test
    void theFormatIsV1Base64OfIvCiphertextAndTag() {
        String stored = cipher.encrypt("hunter2");
        assertThat(stored).startsWith("v1:");
        byte[] bytes = Base64.getDecoder().decode(stored.substring(3));
        assertThat(bytes).hasSize(12 + "hunter2".length() + 16);
    }

    @Test
    void everyEncryptionUsesAFreshIv() {
        String a = cipher.encrypt("hunter2");
        String b = cipher.encrypt("hunter2");
        assertThat(a).isNotEqualTo(b);
        byte[] ivA = Arrays.copyOf(Base64.getDecoder().decode(a.substring(3)), 12);
        byte[] ivB = Arrays.copyOf(Base64.getDecoder().decode(b.substring(3)), 12);
        assertThat(ivA).isNotEqualTo(ivB);
    }

    @Test
    void aTamperedValueIsRefused() {
        byte[] bytes = Base64.getDecoder().decode(cipher.encrypt("hunter2").substring(3));
        bytes[14] ^= 1;
        String tampered = "v1:" + Base64.getEncoder().encodeToString(bytes);
        assertThatThrownBy(() -> cipher.decrypt(tampered))
                .isInstanceOf(VigilStateException.class)
                .hasMessage(
                        "Cannot decrypt a stored secret: the master key differs from the one it was encrypted with");
        assertThatThrownBy(() -> cipher.decrypt("hunter2"))
                .isInstanceOf(VigilStateException.class)
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void anotherKeyCannotDecrypt() {
        String stored = cipher.encrypt("hunter2");
        SecretCipher other = SecretCipher.of(SecretCipher.newKey());
        assertThatThrownBy(() -> other.decrypt(stored))
                .isInstanceOf(VigilStateException.class)
                .hasMessage(
                        "Cannot decrypt a stored secret: the master key differs from the one it was encrypted with");
    }

    @Test
    void onlyA32ByteKeyIsAccepted() {
        assertThatThrownBy(() -> SecretCipher.of(new byte[16]))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessageContaining("32 bytes")
                .hasMessageContaining("got 16 bytes");
        assertThatThrownBy(() -> SecretCipher.of(null)).isInstanceOf(VigilArgumentException.class);
    }

    @Test
    void toStringHidesTheKey() {
        byte[] key = SecretCipher.newKey();
        assertThat(SecretCipher.of(key).toString())
                .doesNotContain(Base64.getEncoder().encodeToString(key))
                .contains("******");
    }

    @Test
    void theKeyFileIsCreatedOwnerOnlyAndReused() throws IOException {
        Path keyFile = dir.resolve("nested/data/master.key");
        SecretCipher first = SecretCipher.fromEnvironmentOrKeyFile(Map.of(), keyFile);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)))
                .isEqualTo("rw-------");
        assertThat(Base64.getDecoder().decode(Files.readString(keyFile).strip()))
                .hasSize(32);
        SecretCipher second = SecretCipher.fromEnvironmentOrKeyFile(Map.of(), keyFile);
        assertThat(second.decrypt(first.encrypt("hunter2"))).isEqualTo("hunter2");
    }

    @Test
    void aKeyFileOthersCanReadIsRefused() throws IOException {
        Path keyFile = dir.resolve("master.key");
        Files.writeString(keyFile, Base64.getEncoder().encodeToString(SecretCipher.newKey()));
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> SecretCipher.fromEnvironmentOrKeyFile(Map.of(), keyFile))
                .isInstanceOf(VigilStateException.class)
                .hasMessageContaining(keyFile.toString())
                .hasMessageContaining("chmod 600");
    }

    @Test
    void theEnvironmentKeyWinsOverTheKeyFile() throws IOException {
        byte[] key = SecretCipher.newKey();
        Path keyFile = dir.resolve("master.key");
        SecretCipher fromEnv = SecretCipher.fromEnvironmentOrKeyFile(
                Map.of("VIGIL_MASTER_KEY", Base64.getEncoder().encodeToString(key)), keyFile);

        assertThat(keyFile).doesNotExist();
        assertThat(SecretCipher.of(key).decrypt(fromEnv.encrypt("hunter2"))).isEqualTo("hunter2");
    }

    @Test
    void aBadEnvironmentKeyNamesTheVariableButNotTheValue() {
        Path keyFile = dir.resolve("master.key");
        String notBase64 = "my-secret-key-not-base64!";
        assertThatThrownBy(() -> SecretCipher.fromEnvironmentOrKeyFile(Map.of("VIGIL_MASTER_KEY", notBase64), keyFile))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessageStartingWith("VIGIL_MASTER_KEY")
                .hasMessageNotContaining(notBase64);
        String tooShort = Base64.getEncoder().encodeToString(new byte[16]);
        assertThatThrownBy(() -> SecretCipher.fromEnvironmentOrKeyFile(Map.of("VIGIL_MASTER_KEY", tooShort), keyFile))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessageContaining("VIGIL_MASTER_KEY")
                .hasMessageContaining("got 16 bytes")
                .hasMessageNotContaining(tooShort);
    }

    /** Review F19: a v2: value is bound to its row (AAD); v1: values, bound to none, still read. */
    @Test
    void aBoundValueDecryptsOnlyForItsRow() {
        String stored = cipher.encrypt("hunter2", "dataset m|v1|serving");
        assertThat(stored).startsWith("v2:").doesNotContain("hunter2");
        assertThat(SecretCipher.isBound(stored)).isTrue();
        assertThat(cipher.decrypt(stored, "dataset m|v1|serving")).isEqualTo("hunter2");
        assertThatThrownBy(() -> cipher.decrypt(stored, "dataset evil|v1|serving"))
                .isInstanceOf(VigilStateException.class)
                .hasMessage("Cannot decrypt the stored secret of dataset evil|v1|serving: it was encrypted for another"
                        + " row, or under another master key");
        String legacy = cipher.encrypt("hunter2");
        assertThat(SecretCipher.isBound(legacy)).isFalse();
        assertThat(cipher.decrypt(legacy, "dataset m|v1|serving")).isEqualTo("hunter2");
    }

    @Test
    void theFingerprintIsTheFirstEightHexDigitsOfTheKeysSha256() {
        // SHA-256 of 32 zero bytes, from `head -c 32 /dev/zero | sha256sum`: 66687aadf862bd776c8fc18b8e9f8e20...
        assertThat(SecretCipher.of(new byte[32]).fingerprint()).isEqualTo("66687aad");
        byte[] key = SecretCipher.newKey();
        assertThat(SecretCipher.of(key).fingerprint())
                .matches("[0-9a-f]{8}")
                .isEqualTo(SecretCipher.of(key.clone()).fingerprint())
                .isNotEqualTo(SecretCipher.of(SecretCipher.newKey()).fingerprint());
    }
}
