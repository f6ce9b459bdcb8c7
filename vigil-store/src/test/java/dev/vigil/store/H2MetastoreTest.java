package dev.vigil.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.VigilStateException;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.Model;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metastore contract on the default store: an H2 file in a fresh data directory per test. */
class H2MetastoreTest extends MetastoreContractTest {
    @TempDir
    Path dataDir;

    @Override
    Metastore openStore() {
        return Metastore.openDefault(dataDir.resolve("data"), Map.of(), clock);
    }

    @Override
    SecretCipher storeKey() {
        return SecretCipher.of(SecretCipher.readKey(dataDir.resolve("data/master.key")));
    }

    @Override
    Metastore openStore(SecretCipher key) {
        return Metastore.openDefault(dataDir.resolve("data"), key, clock);
    }

    @Override
    Connection connectRaw() throws SQLException {
        return DriverManager.getConnection(
                "jdbc:h2:file:" + dataDir.resolve("data/metastore").toAbsolutePath(), "vigil", "");
    }

    @Test
    void theDatabaseFilesHoldNoPlaintextPassword() throws IOException {
        store.models().upsert(new Model("fraud", "Fraud"));
        store.versions().upsert(version("fraud", "v1"));
        store.datasets().upsert("fraud", "v1", serving(PASSWORD));
        store.datasets().upsert("fraud", "v1", serving(PASSWORD + "-rotated"));
        store.close();
        store = null;

        List<Path> files;
        try (Stream<Path> walk = Files.walk(dataDir)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertThat(files).anySatisfy(f -> assertThat(f.getFileName().toString()).startsWith("metastore"));
        for (Path file : files) {
            String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            for (var charset : List.of(StandardCharsets.UTF_8, StandardCharsets.UTF_16BE, StandardCharsets.UTF_16LE)) {
                String needle = new String(PASSWORD.getBytes(charset), StandardCharsets.ISO_8859_1);
                assertThat(bytes).as("%s in %s", file, charset).doesNotContain(needle);
            }
        }
    }

    @Test
    void theDefaultStoreCreatesAnOwnerOnlyKeyFile() throws IOException {
        Path keyFile = dataDir.resolve("data/master.key");
        assertThat(keyFile).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)))
                .isEqualTo("rw-------");
        assertThat(Base64.getDecoder().decode(Files.readString(keyFile).strip()))
                .hasSize(32);
    }

    /**
     * V9 starts an upgraded installation's evaluation watermark at its serving watermark, so that its history raises
     * no flood of old alerts; a version that stored no serving windows before the upgrade starts without one.
     */
    @Test
    void anUpgradedStoreStartsItsEvaluationWatermarkAtTheServingWatermark(@TempDir Path old) throws SQLException {
        String url = "jdbc:h2:file:" + old.resolve("metastore").toAbsolutePath() + ";AUTO_SERVER=FALSE";
        Flyway.configure()
                .dataSource(url, "vigil", "")
                .locations("classpath:db/migration/h2")
                .target("8")
                .load()
                .migrate();
        try (Connection c = DriverManager.getConnection(url, "vigil", "");
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO models VALUES ('m', 'M', '{}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO model_versions VALUES ('m', 'v1', '{}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO model_versions VALUES ('m', 'v2', '{}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO watermarks VALUES ('m', 'v1', 'serving', TIMESTAMP WITH TIME ZONE"
                    + " '2026-03-08 05:00:00+00')");
            s.execute("INSERT INTO watermarks VALUES ('m', 'v1', 'training', TIMESTAMP WITH TIME ZONE"
                    + " '2026-03-09 00:00:00+00')");
            s.execute("INSERT INTO watermarks VALUES ('m', 'v2', 'training', TIMESTAMP WITH TIME ZONE"
                    + " '2026-03-09 00:00:00+00')");
        }
        try (Metastore upgraded = Metastore.openDefault(old, Map.of(), clock)) {
            assertThat(upgraded.profiles().evaluatedUpTo("m", "v1"))
                    .contains(java.time.Instant.parse("2026-03-08T05:00:00Z"));
            assertThat(upgraded.profiles().evaluatedUpTo("m", "v2"))
                    .as("no serving windows stored before the upgrade")
                    .isEmpty();
        }
    }

    /**
     * V12 copies the deliveries into a table keyed by kind as well (H2 named V6's unique constraint itself): an
     * upgraded store keeps its deliveries as openings, with their attempts, and an alert it resolves gets a resolve.
     */
    @Test
    void anUpgradedStoreKeepsItsDeliveriesAsOpeningsAndQueuesResolves(@TempDir Path old) throws SQLException {
        String url = "jdbc:h2:file:" + old.resolve("metastore").toAbsolutePath() + ";AUTO_SERVER=FALSE";
        Flyway.configure()
                .dataSource(url, "vigil", "")
                .locations("classpath:db/migration/h2")
                .target("11")
                .load()
                .migrate();
        try (Connection c = DriverManager.getConnection(url, "vigil", "");
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO models VALUES ('m', 'M', '{}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO model_versions VALUES ('m', 'v1', '{}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO alerts VALUES ('alert_1', 'm', 'v1', 'drift', 'amount', '', TIMESTAMP WITH TIME"
                    + " ZONE '2026-03-08 00:00:00+00', TIMESTAMP WITH TIME ZONE '2026-03-08 01:00:00+00',"
                    + " 'drift_score', 0.3, 0.1, NULL, 'high', 'OPEN', 'r', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP,"
                    + " NULL)");
            s.execute("INSERT INTO deliveries (id, alert_id, group_key, action_index, channel, status, attempts,"
                    + " next_attempt_at, last_error, created_at, delivered_at) VALUES ('dlv_1', 'alert_1', 'g1', 0, 'pagerduty', 'DELIVERED', 1, NULL, NULL, CURRENT_TIMESTAMP,"
                    + " CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO delivery_attempts VALUES ('dlv_1', 1, CURRENT_TIMESTAMP, 'HTTP 202 (trigger)')");
        }
        try (Metastore upgraded = Metastore.openDefault(old, Map.of(), clock)) {
            assertThat(upgraded.deliveries().list("alert_1"))
                    .extracting(d -> d.id() + " " + d.kind() + " " + d.status())
                    .containsExactly("dlv_1 open DELIVERED");
            assertThat(upgraded.deliveries().attempts("dlv_1")).containsExactly("HTTP 202 (trigger)");
            upgraded.alerts().setStatus("alert_1", Alert.Status.RESOLVED);
            assertThat(upgraded.deliveries().list("alert_1"))
                    .extracting(d -> d.kind() + " " + d.status())
                    .containsExactly("open DELIVERED", "resolve PENDING");
            upgraded.models().delete("m");
        }
        try (Connection c = DriverManager.getConnection(url, "vigil", "");
                Statement s = c.createStatement();
                var rs = s.executeQuery("SELECT COUNT(*) FROM delivery_attempts")) {
            rs.next();
            assertThat(rs.getInt(1)).as("attempts still go with their delivery").isZero();
        }
    }

    @Test
    void describeNamesTheFile() {
        assertThat(store.describe())
                .isEqualTo("H2 file " + dataDir.resolve("data/metastore").toAbsolutePath());
    }

    @Test
    void anotherMasterKeyCannotReadThePasswords() {
        store.models().upsert(new Model("fraud", "Fraud"));
        store.versions().upsert(version("fraud", "v1"));
        store.datasets().upsert("fraud", "v1", serving(PASSWORD));
        store.close();
        String otherKey = Base64.getEncoder().encodeToString(SecretCipher.newKey());

        store = Metastore.openDefault(dataDir.resolve("data"), Map.of(SecretCipher.MASTER_KEY_ENV, otherKey), clock);

        assertThatThrownBy(() -> store.datasets().find("fraud", "v1", DatasetKind.SERVING))
                .isInstanceOf(VigilStateException.class)
                .hasMessage("Cannot decrypt the stored secret of dataset fraud|v1|serving: it was encrypted for another"
                        + " row, or under another master key");
    }

    /** Review F19: a v1: password (bound to no row) still reads, and is bound to its row when the store opens. */
    @Test
    void aV1PasswordStillReadsAndIsBoundToItsRowWhenTheStoreOpens() throws Exception {
        store.models().upsert(new Model("fraud", "Fraud"));
        store.versions().upsert(version("fraud", "v1"));
        store.datasets().upsert("fraud", "v1", serving("placeholder"));
        SecretCipher cipher = SecretCipher.fromEnvironmentOrKeyFile(Map.of(), dataDir.resolve("data/master.key"));
        String v1 = cipher.encrypt(PASSWORD);
        assertThat(v1).startsWith("v1:");
        try (Connection c = connectRaw();
                java.sql.PreparedStatement ps = c.prepareStatement("UPDATE datasets SET password_enc = ?")) {
            ps.setString(1, v1);
            ps.executeUpdate();
        }
        assertThat(store.datasets()
                        .find("fraud", "v1", DatasetKind.SERVING)
                        .orElseThrow()
                        .source()
                        .password())
                .as("v1: still reads")
                .isEqualTo(PASSWORD);
        store.close();
        store = openStore();
        String stored;
        try (Connection c = connectRaw();
                java.sql.Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("SELECT password_enc FROM datasets")) {
            rs.next();
            stored = rs.getString(1);
        }
        assertThat(stored).startsWith("v2:");
        assertThat(cipher.decrypt(stored, "dataset fraud|v1|serving")).isEqualTo(PASSWORD);
        assertThat(store.datasets()
                        .find("fraud", "v1", DatasetKind.SERVING)
                        .orElseThrow()
                        .source()
                        .password())
                .isEqualTo(PASSWORD);
    }

    /** Review F19: the data directory (metastore and master key) is created owner-only. */
    @Test
    void theDataDirectoryIsCreatedOwnerOnly() throws IOException {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("data"))))
                .isEqualTo("rwx------");
    }

    @Test
    void aNewPasswordReplacesOneEncryptedUnderALostKey() {
        store.models().upsert(new Model("fraud", "Fraud"));
        store.versions().upsert(version("fraud", "v1"));
        store.datasets().upsert("fraud", "v1", serving(PASSWORD));
        store.close();
        String otherKey = Base64.getEncoder().encodeToString(SecretCipher.newKey());
        store = Metastore.openDefault(dataDir.resolve("data"), Map.of(SecretCipher.MASTER_KEY_ENV, otherKey), clock);

        assertThat(store.datasets().upsert("fraud", "v1", serving("new-password")))
                .isEqualTo(Change.UPDATED);

        assertThat(store.datasets().find("fraud", "v1", DatasetKind.SERVING)).contains(serving("new-password"));
    }

    @Test
    void anUnknownUrlIsRefused() {
        SecretCipher cipher = SecretCipher.of(SecretCipher.newKey());
        assertThatThrownBy(() -> Metastore.open("jdbc:mysql://db/vigil?password=hunter2", "u", "p", cipher, clock))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessageContaining("jdbc:mysql://db/vigil?password=******")
                .hasMessageContaining("jdbc:h2:")
                .hasMessageContaining("jdbc:postgresql:")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void anInMemoryStoreWorksToo() {
        SecretCipher cipher = SecretCipher.of(SecretCipher.newKey());
        try (Metastore memory = Metastore.open("jdbc:h2:mem:contract;DB_CLOSE_DELAY=-1", "sa", "", cipher, clock)) {
            memory.models().upsert(new Model("m", "M"));
            assertThat(memory.models().list()).containsExactly(new Model("m", "M"));
            assertThat(memory.describe()).isEqualTo("H2 in memory contract");
        }
    }
}
