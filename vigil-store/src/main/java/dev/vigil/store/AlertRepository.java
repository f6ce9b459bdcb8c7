package dev.vigil.store;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.VigilNotFoundException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Alerts, at most one per monitor, field, segment and focal window. Their notifications are in
 * {@link DeliveryRepository}; raising an alert queues them in the same transaction.
 */
public final class AlertRepository {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String COLUMNS = "id, model_id, version, monitor, field, segment, window_start, window_end,"
            + " metric, metric_value, threshold, baseline, severity, status, reason, created_at, updated_at, resolved_at";

    private final Database db;
    private final DeliveryRepository deliveries;

    AlertRepository(Database db, DeliveryRepository deliveries) {
        this.db = db;
        this.deliveries = deliveries;
    }

    /**
     * What raising an alert did: the alert as stored, whether it is new, and the deliveries queued for it (held
     * until {@link DeliveryRepository#release}).
     */
    public record Raised(Alert alert, boolean created, List<String> deliveries) {}

    /** Raises an alert without notifications. */
    public Raised raise(Alert draft) {
        return raise(draft, List.of(), Instant.EPOCH);
    }

    /**
     * Raises the alert of {@code draft}'s monitor, field, segment and window: a new open alert, or, when one
     * exists, the same alert with the new value (its status kept: a resolved alert stays resolved, since a later
     * window cleared it). A new alert queues, in the same transaction, one delivery per channel of
     * {@code channels} (by action index) unless its group (monitor, field, segment, UTC day) already has one; they
     * are held until {@code holdUntil}, or until {@link DeliveryRepository#release}d. {@code draft}'s id, status
     * and times are ignored.
     */
    public Raised raise(Alert draft, List<String> channels, Instant holdUntil) {
        return db.inTransaction("raise an alert of monitor " + draft.monitor(), c -> {
            Optional<Alert> existing = findKey(c, draft);
            OffsetDateTime now = db.now();
            if (existing.isPresent()) {
                Alert a = existing.get();
                Alert.Status status = a.status();
                try (PreparedStatement ps = c.prepareStatement("UPDATE alerts SET metric_value = ?, threshold = ?,"
                        + " baseline = ?, severity = ?, status = ?, reason = ?, metric = ?, updated_at = ?"
                        + " WHERE id = ?")) {
                    setDouble(ps, 1, draft.value());
                    setDouble(ps, 2, draft.threshold());
                    setDouble(ps, 3, draft.baseline());
                    ps.setString(4, draft.severity());
                    ps.setString(5, status.name());
                    ps.setString(6, draft.reason());
                    ps.setString(7, draft.metric());
                    ps.setObject(8, now);
                    ps.setString(9, a.id());
                    ps.executeUpdate();
                }
                return new Raised(find(c, a.id()).orElseThrow(), false, List.of());
            }
            byte[] bytes = new byte[6];
            RANDOM.nextBytes(bytes);
            String id = "alert_" + HexFormat.of().formatHex(bytes);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO alerts (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, id);
                ps.setString(2, draft.modelId());
                ps.setString(3, draft.version());
                ps.setString(4, draft.monitor());
                ps.setString(5, draft.field());
                ps.setString(6, draft.segment());
                ps.setObject(7, Database.timestamp(draft.windowStart()));
                ps.setObject(8, Database.timestamp(draft.windowEnd()));
                ps.setString(9, draft.metric());
                setDouble(ps, 10, draft.value());
                setDouble(ps, 11, draft.threshold());
                setDouble(ps, 12, draft.baseline());
                ps.setString(13, draft.severity());
                ps.setString(14, Alert.Status.OPEN.name());
                ps.setString(15, draft.reason());
                ps.setObject(16, now);
                ps.setObject(17, now);
                ps.setObject(18, null);
                ps.executeUpdate();
            }
            Alert alert = find(c, id).orElseThrow();
            List<String> queued = new ArrayList<>();
            for (int i = 0; i < channels.size(); i++) {
                deliveries.enqueue(c, alert, i, channels.get(i), holdUntil).ifPresent(queued::add);
            }
            return new Raised(alert, true, queued);
        });
    }

    /**
     * The condition of a monitor cleared for a field and segment in the window starting at {@code windowStart}:
     * resolves its open or acknowledged alerts of that window and of earlier ones, and queues their resolves
     * ({@link DeliveryRepository#RESOLVE}) in the same transaction. Returns how many.
     */
    public int resolveCleared(
            String modelId, String version, String monitor, String field, String segment, Instant windowStart) {
        return db.inTransaction("resolve the cleared alerts of monitor " + monitor, c -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM alerts WHERE model_id = ? AND version = ?"
                    + " AND monitor = ? AND field = ? AND segment = ? AND window_start <= ? AND status <> 'RESOLVED'"
                    + " ORDER BY id FOR UPDATE")) {
                ps.setString(1, modelId);
                ps.setString(2, version);
                ps.setString(3, monitor);
                ps.setString(4, field);
                ps.setString(5, segment);
                ps.setObject(6, Database.timestamp(windowStart));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            OffsetDateTime now = db.now();
            int resolved = 0;
            for (String id : ids) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE alerts SET status = 'RESOLVED', resolved_at = ?,"
                        + " updated_at = ? WHERE id = ? AND status <> 'RESOLVED'")) {
                    ps.setObject(1, now);
                    ps.setObject(2, now);
                    ps.setString(3, id);
                    if (ps.executeUpdate() == 1) {
                        resolved++;
                        deliveries.enqueueResolves(c, id);
                    }
                }
            }
            return resolved;
        });
    }

    /**
     * Acknowledges or resolves an alert by hand; resolving it queues its resolves ({@link DeliveryRepository#RESOLVE})
     * in the same transaction.
     */
    public Alert setStatus(String id, Alert.Status status) {
        if (status == Alert.Status.OPEN) {
            throw new VigilArgumentException("status: an alert is acknowledged or resolved, not opened by hand");
        }
        return db.inTransaction("set the status of alert " + id, c -> {
            // Locked, so that of two resolves at once (two people, or a person and a clean window) one queues the
            // channels' resolves and the other finds the alert resolved already.
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM alerts WHERE id = ? FOR UPDATE")) {
                ps.setString(1, id);
                ps.executeQuery().close();
            }
            Optional<Alert> current = find(c, id);
            if (current.isEmpty()) {
                throw new VigilNotFoundException("alert '" + id + "' does not exist");
            }
            if (status == Alert.Status.ACKNOWLEDGED && current.get().status() == Alert.Status.RESOLVED) {
                throw new VigilArgumentException(
                        "status: alert '" + id + "' is resolved already; it cannot be" + " acknowledged");
            }
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE alerts SET status = ?, updated_at = ?, resolved_at = ? WHERE id = ?")) {
                OffsetDateTime now = db.now();
                ps.setString(1, status.name());
                ps.setObject(2, now);
                ps.setObject(3, status == Alert.Status.RESOLVED ? now : null);
                ps.setString(4, id);
                if (ps.executeUpdate() == 0) {
                    throw new VigilNotFoundException("alert '" + id + "' does not exist");
                }
            }
            if (status == Alert.Status.RESOLVED && current.get().status() != Alert.Status.RESOLVED) {
                deliveries.enqueueResolves(c, id);
            }
            return find(c, id).orElseThrow();
        });
    }

    public Optional<Alert> find(String id) {
        return db.inTransaction("read alert " + id, c -> find(c, id));
    }

    /** Alerts, newest window first; {@code modelId} and {@code status} filter when present. */
    public List<Alert> list(Optional<String> modelId, Optional<Alert.Status> status, int limit) {
        return list(modelId, status, Optional.empty(), limit);
    }

    /**
     * Alerts, newest window first; {@code modelId}, {@code status} and {@code since} (windows starting at or after
     * it) filter when present. A backfill resolves most of its own alerts as it goes: {@code since} shows what fired
     * over a range, whatever became of it.
     */
    public List<Alert> list(
            Optional<String> modelId, Optional<Alert.Status> status, Optional<Instant> since, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM alerts WHERE 1 = 1");
        modelId.ifPresent(m -> sql.append(" AND model_id = ?"));
        status.ifPresent(s -> sql.append(" AND status = ?"));
        since.ifPresent(s -> sql.append(" AND window_start >= ?"));
        sql.append(" ORDER BY window_start DESC, monitor, field, segment");
        return db.inTransaction("list alerts", c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int i = 1;
                if (modelId.isPresent()) {
                    ps.setString(i++, modelId.get());
                }
                if (status.isPresent()) {
                    ps.setString(i++, status.get().name());
                }
                if (since.isPresent()) {
                    ps.setObject(i, Database.timestamp(since.get()));
                }
                ps.setMaxRows(limit);
                List<Alert> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(read(rs));
                    }
                }
                return out;
            }
        });
    }

    private static Optional<Alert> findKey(Connection c, Alert draft) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM alerts WHERE model_id = ? AND"
                + " version = ? AND monitor = ? AND field = ? AND segment = ? AND window_start = ? FOR UPDATE")) {
            ps.setString(1, draft.modelId());
            ps.setString(2, draft.version());
            ps.setString(3, draft.monitor());
            ps.setString(4, draft.field());
            ps.setString(5, draft.segment());
            ps.setObject(6, Database.timestamp(draft.windowStart()));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    private static Optional<Alert> find(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM alerts WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    private static Alert read(ResultSet rs) throws SQLException {
        return new Alert(
                rs.getString("id"),
                rs.getString("model_id"),
                rs.getString("version"),
                rs.getString("monitor"),
                rs.getString("field"),
                rs.getString("segment"),
                Database.instant(rs, "window_start"),
                Database.instant(rs, "window_end"),
                rs.getString("metric"),
                doubleOrNull(rs, "metric_value"),
                doubleOrNull(rs, "threshold"),
                doubleOrNull(rs, "baseline"),
                rs.getString("severity"),
                Alert.Status.valueOf(rs.getString("status")),
                rs.getString("reason"),
                Database.instant(rs, "created_at"),
                Database.instant(rs, "updated_at"),
                Database.instant(rs, "resolved_at"));
    }

    private static Double doubleOrNull(ResultSet rs, String column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : v;
    }

    private static void setDouble(PreparedStatement ps, int i, Double v) throws SQLException {
        if (v == null || !Double.isFinite(v)) {
            ps.setNull(i, Types.DOUBLE);
        } else {
            ps.setDouble(i, v);
        }
    }
}
