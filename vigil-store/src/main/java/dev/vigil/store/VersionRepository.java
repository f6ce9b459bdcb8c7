package dev.vigil.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.core.VigilNotFoundException;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.spec.SpecCodec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The versions of the models in the metastore. */
public final class VersionRepository {
    private final Database db;

    VersionRepository(Database db) {
        this.db = db;
    }

    /** Inserts or replaces a version; its model must exist ({@link VigilNotFoundException} otherwise). */
    public Change upsert(ModelVersion version) {
        JsonNode spec = SpecCodec.write(version);
        String name = version.modelId() + "/" + version.version();
        return db.inTransaction("save version " + name, c -> {
            requireModel(c, version.modelId());
            OffsetDateTime now = db.now();
            Optional<JsonNode> stored = storedSpec(c, version.modelId(), version.version());
            if (stored.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO model_versions"
                        + " (model_id, version, spec, created_at, updated_at) VALUES (?, ?, ?, ?, ?)")) {
                    ps.setString(1, version.modelId());
                    ps.setString(2, version.version());
                    ps.setString(3, spec.toString());
                    ps.setObject(4, now);
                    ps.setObject(5, now);
                    ps.executeUpdate();
                }
                return Change.CREATED;
            }
            if (stored.get().equals(spec)) {
                return Change.UNCHANGED;
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE model_versions SET spec = ?, updated_at = ? WHERE model_id = ? AND version = ?")) {
                ps.setString(1, spec.toString());
                ps.setObject(2, now);
                ps.setString(3, version.modelId());
                ps.setString(4, version.version());
                ps.executeUpdate();
            }
            return Change.UPDATED;
        });
    }

    private static void requireModel(Connection c, String modelId) throws SQLException {
        // FOR UPDATE keeps a concurrent delete of the model from slipping in before our insert.
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM models WHERE id = ? FOR UPDATE")) {
            ps.setString(1, modelId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new VigilNotFoundException("model '" + modelId + "' does not exist; create it first");
                }
            }
        }
    }

    private static Optional<JsonNode> storedSpec(Connection c, String modelId, String version) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT spec FROM model_versions WHERE model_id = ? AND version = ? FOR UPDATE")) {
            ps.setString(1, modelId);
            ps.setString(2, version);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? Optional.of(Database.json(rs.getString(1), "versions/" + modelId + "/" + version))
                        : Optional.empty();
            }
        }
    }

    /** The version, if stored. */
    public Optional<ModelVersion> find(String modelId, String version) {
        return db.inTransaction("read version " + modelId + "/" + version, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT model_id, version, spec FROM model_versions WHERE model_id = ? AND version = ?")) {
                ps.setString(1, modelId);
                ps.setString(2, version);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(read(rs)) : Optional.empty();
                }
            }
        });
    }

    /** The versions of a model, ordered by version; empty if the model has none or does not exist. */
    public List<ModelVersion> list(String modelId) {
        return db.inTransaction("list versions of " + modelId, c -> {
            List<ModelVersion> versions = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT model_id, version, spec FROM model_versions WHERE model_id = ? ORDER BY version")) {
                ps.setString(1, modelId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        versions.add(read(rs));
                    }
                }
            }
            return versions;
        });
    }

    /** Deletes the version with its datasets, profiles and runs; false if there was none. */
    public boolean delete(String modelId, String version) {
        return db.inTransaction("delete version " + modelId + "/" + version, c -> {
            // The H2 schema has no foreign key on profiles (migration V3): delete them explicitly.
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM profiles WHERE model_id = ? AND version = ?")) {
                ps.setString(1, modelId);
                ps.setString(2, version);
                ps.executeUpdate();
            }
            try (PreparedStatement ps =
                    c.prepareStatement("DELETE FROM model_versions WHERE model_id = ? AND version = ?")) {
                ps.setString(1, modelId);
                ps.setString(2, version);
                return ps.executeUpdate() > 0;
            }
        });
    }

    private static ModelVersion read(ResultSet rs) throws SQLException {
        String modelId = rs.getString("model_id");
        String version = rs.getString("version");
        JsonNode spec = Database.json(rs.getString("spec"), "versions/" + modelId + "/" + version);
        return SpecCodec.readVersion(modelId, spec, "");
    }
}
