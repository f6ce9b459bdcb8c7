package dev.vigil.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.core.VigilNotFoundException;
import dev.vigil.core.VigilStateException;
import dev.vigil.core.model.DatasetConnection;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.spec.SecretResolver;
import dev.vigil.core.spec.SpecCodec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The dataset connections of the versions in the metastore. The password of a connection's source is
 * kept apart from its spec, encrypted with the {@link SecretCipher}; the spec column never holds it.
 */
public final class DatasetRepository {
    private final Database db;
    private final SecretCipher cipher;

    DatasetRepository(Database db, SecretCipher cipher) {
        this.db = db;
        this.cipher = cipher;
    }

    /** A stored row: the spec without password and the encrypted password (null when none). */
    private record Stored(JsonNode spec, String passwordEnc) {}

    /**
     * Inserts or replaces the connection of {@code connection.dataset()} of a version, which must
     * exist ({@link VigilNotFoundException} otherwise). A connection without a password keeps the
     * stored one (ADR 0002: a dashboard edits a query without asking for the password again).
     * UNCHANGED when the spec and the password are both equal to the stored ones.
     */
    public Change upsert(String modelId, String version, DatasetConnection connection) {
        JsonNode spec = specWithoutPassword(connection);
        DatasetKind kind = connection.dataset();
        String name = modelId + "/" + version + "/" + kind.specName();
        return db.inTransaction("save dataset " + name, c -> {
            requireVersion(c, modelId, version);
            OffsetDateTime now = db.now();
            Optional<Stored> stored = stored(c, modelId, version, kind, true);
            String password = connection.source().password();
            if (stored.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO datasets (model_id, version, kind, spec,"
                        + " password_enc, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                    ps.setString(1, modelId);
                    ps.setString(2, version);
                    ps.setString(3, kind.specName());
                    ps.setString(4, spec.toString());
                    ps.setString(5, cipher.encrypt(password, row(modelId, version, kind)));
                    ps.setObject(6, now);
                    ps.setObject(7, now);
                    ps.executeUpdate();
                }
                return Change.CREATED;
            }
            String storedEnc = stored.get().passwordEnc();
            boolean samePassword =
                    password == null || password.equals(decryptOrNull(storedEnc, row(modelId, version, kind)));
            if (samePassword && stored.get().spec().equals(spec)) {
                return Change.UNCHANGED;
            }
            String passwordEnc = password == null || samePassword
                    ? storedEnc
                    : cipher.encrypt(password, row(modelId, version, kind));
            try (PreparedStatement ps = c.prepareStatement("UPDATE datasets SET spec = ?, password_enc = ?,"
                    + " updated_at = ? WHERE model_id = ? AND version = ? AND kind = ?")) {
                ps.setString(1, spec.toString());
                ps.setString(2, passwordEnc);
                ps.setObject(3, now);
                ps.setString(4, modelId);
                ps.setString(5, version);
                ps.setString(6, kind.specName());
                ps.executeUpdate();
            }
            return Change.UPDATED;
        });
    }

    /**
     * The stored password, or null when there is none or it was encrypted under another master key:
     * a new password then simply replaces it, which is how a lost key is recovered from.
     */
    private String decryptOrNull(String passwordEnc, String row) {
        try {
            return cipher.decrypt(passwordEnc, row);
        } catch (VigilStateException e) {
            return null;
        }
    }

    /** The connection as SpecCodec writes it, minus {@code password_set}: derived state is not stored. */
    private static JsonNode specWithoutPassword(DatasetConnection connection) {
        ObjectNode spec = SpecCodec.write(connection, false);
        ((ObjectNode) spec.get("data_source")).remove("password_set");
        return spec;
    }

    private static void requireVersion(Connection c, String modelId, String version) throws SQLException {
        // FOR UPDATE keeps a concurrent delete of the version from slipping in before our insert.
        try (PreparedStatement ps =
                c.prepareStatement("SELECT 1 FROM model_versions WHERE model_id = ? AND version = ? FOR UPDATE")) {
            ps.setString(1, modelId);
            ps.setString(2, version);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new VigilNotFoundException(
                            "version '" + version + "' of model '" + modelId + "' does not exist; create it first");
                }
            }
        }
    }

    private static Optional<Stored> stored(
            Connection c, String modelId, String version, DatasetKind kind, boolean forUpdate) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT spec, password_enc FROM datasets"
                + " WHERE model_id = ? AND version = ? AND kind = ?" + (forUpdate ? " FOR UPDATE" : ""))) {
            ps.setString(1, modelId);
            ps.setString(2, version);
            ps.setString(3, kind.specName());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                JsonNode spec = Database.json(rs.getString(1), "datasets/" + modelId + "/" + version + "/" + kind);
                return Optional.of(new Stored(spec, rs.getString(2)));
            }
        }
    }

    /** The connection with its decrypted password, if stored. */
    public Optional<DatasetConnection> find(String modelId, String version, DatasetKind kind) {
        return db.inTransaction(
                "read dataset " + modelId + "/" + version + "/" + kind.specName(),
                c -> stored(c, modelId, version, kind, false).map(s -> read(modelId, version, kind, s)));
    }

    /** The connections of a version with their decrypted passwords, in {@link DatasetKind} order. */
    public List<DatasetConnection> list(String modelId, String version) {
        return db.inTransaction("list datasets of " + modelId + "/" + version, c -> {
            List<DatasetConnection> connections = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT kind, spec, password_enc FROM datasets WHERE model_id = ? AND version = ?")) {
                ps.setString(1, modelId);
                ps.setString(2, version);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        DatasetKind kind = DatasetKind.fromSpec(rs.getString("kind"), "datasets.kind");
                        JsonNode spec =
                                Database.json(rs.getString("spec"), "datasets/" + modelId + "/" + version + "/" + kind);
                        connections.add(read(modelId, version, kind, new Stored(spec, rs.getString("password_enc"))));
                    }
                }
            }
            connections.sort(Comparator.comparing(DatasetConnection::dataset));
            return connections;
        });
    }

    /** Deletes the connection; false if there was none. */
    public boolean delete(String modelId, String version, DatasetKind kind) {
        return db.inTransaction("delete dataset " + modelId + "/" + version + "/" + kind.specName(), c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("DELETE FROM datasets WHERE model_id = ? AND version = ? AND kind = ?")) {
                ps.setString(1, modelId);
                ps.setString(2, version);
                ps.setString(3, kind.specName());
                return ps.executeUpdate() > 0;
            }
        });
    }

    private DatasetConnection read(String modelId, String version, DatasetKind kind, Stored stored) {
        // The stored spec holds no secret reference, so every value is taken literally.
        DatasetConnection connection = SpecCodec.readDataset(kind, stored.spec(), "", SecretResolver.LITERAL);
        return connection.withPassword(cipher.decrypt(stored.passwordEnc(), row(modelId, version, kind)));
    }

    /** The row a dataset's password is bound to (the AAD of its {@code v2:} ciphertext): model|version|kind. */
    static String row(String modelId, String version, DatasetKind kind) {
        return "dataset " + modelId + "|" + version + "|" + kind.specName();
    }

    /**
     * Re-encrypts the passwords stored as {@code v1:} (bound to no row) as {@code v2:}, bound to their row; run once
     * when the metastore opens. A password that does not decrypt (another master key) is left as it is. Returns how
     * many were re-encrypted.
     */
    int bindStoredPasswords() {
        return db.inTransaction("bind the stored passwords to their datasets", c -> {
            List<String[]> unbound = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                            "SELECT model_id, version, kind, password_enc FROM datasets WHERE password_enc LIKE 'v1:%'");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    unbound.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)});
                }
            }
            int bound = 0;
            for (String[] d : unbound) {
                DatasetKind kind = DatasetKind.fromSpec(d[2], "datasets.kind");
                String plain = decryptOrNull(d[3], null);
                if (plain == null) {
                    continue;
                }
                // only if unchanged since it was read: a concurrent upsert (a shared metastore) may have replaced it
                try (PreparedStatement ps = c.prepareStatement("UPDATE datasets SET password_enc = ? WHERE model_id = ?"
                        + " AND version = ? AND kind = ? AND password_enc = ?")) {
                    ps.setString(1, cipher.encrypt(plain, row(d[0], d[1], kind)));
                    ps.setString(2, d[0]);
                    ps.setString(3, d[1]);
                    ps.setString(4, d[2]);
                    ps.setString(5, d[3]);
                    bound += ps.executeUpdate();
                }
            }
            return bound;
        });
    }

    /**
     * Re-encrypts every stored password from this repository's key to {@code newKey}, bound to its row, inside the
     * caller's transaction {@code c} (key rotation, decision 0002). A password that does not decrypt with the current
     * key stops it with a {@link VigilStateException} naming the dataset, so the caller rolls everything back. Returns
     * how many passwords were re-encrypted.
     */
    int reencryptAll(Connection c, SecretCipher newKey) throws SQLException {
        List<String[]> rows = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT model_id, version, kind, password_enc FROM datasets"
                        + " WHERE password_enc IS NOT NULL ORDER BY model_id, version, kind FOR UPDATE");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)});
            }
        }
        for (String[] d : rows) {
            DatasetKind kind = DatasetKind.fromSpec(d[2], "datasets.kind");
            String row = row(d[0], d[1], kind);
            String plain;
            try {
                plain = cipher.decrypt(d[3], row);
            } catch (VigilStateException e) {
                throw new VigilStateException(
                        "Cannot rotate the master key: the password of dataset " + d[0] + "/" + d[1] + "/" + d[2]
                                + " does not decrypt with the current master key; nothing was changed",
                        e);
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE datasets SET password_enc = ? WHERE model_id = ? AND version = ? AND kind = ?")) {
                ps.setString(1, newKey.encrypt(plain, row));
                ps.setString(2, d[0]);
                ps.setString(3, d[1]);
                ps.setString(4, d[2]);
                ps.executeUpdate();
            }
        }
        return rows.size();
    }
}
