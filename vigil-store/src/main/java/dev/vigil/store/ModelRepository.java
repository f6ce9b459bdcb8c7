package dev.vigil.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.core.model.Model;
import dev.vigil.core.spec.SpecCodec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The models in the metastore. */
public final class ModelRepository {
    private final Database db;

    ModelRepository(Database db) {
        this.db = db;
    }

    /** Inserts or replaces the model with this id. */
    public Change upsert(Model model) {
        JsonNode spec = SpecCodec.write(model);
        return db.inTransaction("save model " + model.id(), c -> {
            OffsetDateTime now = db.now();
            Optional<JsonNode> stored = storedSpec(c, model.id());
            if (stored.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO models (id, name, spec, created_at, updated_at) VALUES (?, ?, ?, ?, ?)")) {
                    ps.setString(1, model.id());
                    ps.setString(2, model.name());
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
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE models SET name = ?, spec = ?, updated_at = ? WHERE id = ?")) {
                ps.setString(1, model.name());
                ps.setString(2, spec.toString());
                ps.setObject(3, now);
                ps.setString(4, model.id());
                ps.executeUpdate();
            }
            return Change.UPDATED;
        });
    }

    private static Optional<JsonNode> storedSpec(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT spec FROM models WHERE id = ? FOR UPDATE")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(Database.json(rs.getString(1), "models/" + id)) : Optional.empty();
            }
        }
    }

    /** The model with this id, if stored. */
    public Optional<Model> find(String id) {
        return db.inTransaction("read model " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, spec FROM models WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(read(rs)) : Optional.empty();
                }
            }
        });
    }

    /** Every model, ordered by id. */
    public List<Model> list() {
        return db.inTransaction("list models", c -> {
            List<Model> models = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, spec FROM models ORDER BY id");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    models.add(read(rs));
                }
            }
            return models;
        });
    }

    /** Deletes the model with its versions and their datasets, profiles and runs; false if there was none. */
    public boolean delete(String id) {
        return db.inTransaction("delete model " + id, c -> {
            // The H2 schema has no foreign key on profiles (migration V3): delete them explicitly.
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM profiles WHERE model_id = ?")) {
                ps.setString(1, id);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM models WHERE id = ?")) {
                ps.setString(1, id);
                return ps.executeUpdate() > 0;
            }
        });
    }

    private static Model read(ResultSet rs) throws SQLException {
        String id = rs.getString("id");
        return SpecCodec.readModel(Database.json(rs.getString("spec"), "models/" + id), "");
    }
}
