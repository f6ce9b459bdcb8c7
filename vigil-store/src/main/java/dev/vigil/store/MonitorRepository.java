package dev.vigil.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.core.VigilNotFoundException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The monitors of each version, as the JSON the REST API reads and writes (MonitorCodec). They are decoded
 * against their version by the server, so a monitor stays readable when its version changes.
 */
public final class MonitorRepository {
    private final Database db;

    MonitorRepository(Database db) {
        this.db = db;
    }

    /** A stored monitor: its name and spec. */
    public record StoredMonitor(String name, JsonNode spec) {}

    /** Inserts or replaces monitor {@code name} of a version, which must exist. */
    public Change upsert(String modelId, String version, String name, JsonNode spec) {
        return db.inTransaction("save monitor " + modelId + "/" + version + "/" + name, c -> {
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
            OffsetDateTime now = db.now();
            Optional<JsonNode> stored = Optional.empty();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT spec FROM monitors WHERE model_id = ? AND version = ? AND name = ? FOR UPDATE")) {
                ps.setString(1, modelId);
                ps.setString(2, version);
                ps.setString(3, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        stored = Optional.of(Database.json(rs.getString(1), "monitors/" + name));
                    }
                }
            }
            if (stored.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO monitors (model_id, version, name, spec,"
                        + " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                    ps.setString(1, modelId);
                    ps.setString(2, version);
                    ps.setString(3, name);
                    ps.setString(4, spec.toString());
                    ps.setObject(5, now);
                    ps.setObject(6, now);
                    ps.executeUpdate();
                }
                return Change.CREATED;
            }
            if (stored.get().equals(spec)) {
                return Change.UNCHANGED;
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE monitors SET spec = ?, updated_at = ?"
                    + " WHERE model_id = ? AND version = ? AND name = ?")) {
                ps.setString(1, spec.toString());
                ps.setObject(2, now);
                ps.setString(3, modelId);
                ps.setString(4, version);
                ps.setString(5, name);
                ps.executeUpdate();
            }
            return Change.UPDATED;
        });
    }

    /** The monitors of a version, by name. */
    public List<StoredMonitor> list(String modelId, String version) {
        return db.inTransaction("read the monitors of " + modelId + "/" + version, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT name, spec FROM monitors WHERE model_id = ? AND version = ? ORDER BY name")) {
                ps.setString(1, modelId);
                ps.setString(2, version);
                List<StoredMonitor> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new StoredMonitor(
                                rs.getString(1), Database.json(rs.getString(2), "monitors/" + rs.getString(1))));
                    }
                }
                return out;
            }
        });
    }

    /** Deletes a monitor (its alerts stay); false when there was none. */
    public boolean delete(String modelId, String version, String name) {
        return db.inTransaction("delete monitor " + modelId + "/" + version + "/" + name, c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("DELETE FROM monitors WHERE model_id = ? AND version = ? AND name = ?")) {
                ps.setString(1, modelId);
                ps.setString(2, version);
                ps.setString(3, name);
                return ps.executeUpdate() > 0;
            }
        });
    }
}
