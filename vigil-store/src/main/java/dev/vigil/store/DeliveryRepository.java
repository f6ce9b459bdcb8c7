package dev.vigil.store;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The notification outbox of alerts: one delivery per alert group (monitor, field, segment, UTC day) and action of
 * its monitor, with every attempt recorded. {@link AlertRepository#raise(Alert, List, Instant)} queues a new alert's
 * deliveries in the alert's own transaction, held until {@link #release}d.
 *
 * <p>A delivery is of one of two kinds: {@link #OPEN} tells the channel about the alert, {@link #RESOLVE} tells a
 * channel that keeps incidents of its own (PagerDuty, Opsgenie: {@link #RESOLVABLE}) that the alert it was told about
 * is resolved. Resolving an alert queues its resolves in the same transaction; a resolve is due only once its opening
 * was delivered, and is skipped when the opening was not (decision 0023).
 */
public final class DeliveryRepository {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The kind of a delivery that tells the channel about a new alert. */
    public static final String OPEN = "open";
    /** The kind of a delivery that tells the channel the alert it opened is resolved. */
    public static final String RESOLVE = "resolve";
    /**
     * The channels (action types) that are sent a resolve: those that keep an incident open until told. A webhook,
     * Slack, e-mail and Teams post a message; a second message would be news, not a resolve, and is not sent.
     */
    public static final Set<String> RESOLVABLE = Set.of("pagerduty", "opsgenie");

    private static final String SELECT =
            "SELECT id, alert_id, action_index, channel, kind, status, attempts, last_error FROM deliveries";

    private final Database db;

    DeliveryRepository(Database db) {
        this.db = db;
    }

    /** A notification of an alert to one action of its monitor; {@code kind} is {@link #OPEN} or {@link #RESOLVE}. */
    public record Delivery(
            String id,
            String alertId,
            int actionIndex,
            String channel,
            String kind,
            String status,
            int attempts,
            String lastError) {
        /** Whether this delivery resolves what its opening sent. */
        public boolean resolves() {
            return RESOLVE.equals(kind);
        }
    }

    /**
     * Queues the notification of {@code alert} to action {@code actionIndex} unless its group (monitor, field,
     * segment, UTC day) already has one for that action. Returns whether one was queued.
     */
    public boolean enqueue(Alert alert, int actionIndex, String channel) {
        return db.inTransaction(
                "queue a notification of alert " + alert.id(),
                c -> enqueue(c, alert, actionIndex, channel, Instant.EPOCH).isPresent());
    }

    /**
     * The new delivery's id, due at {@code dueAt} (or now, when earlier), unless the group already has one; written
     * on {@code c}, so inside the caller's transaction.
     */
    Optional<String> enqueue(Connection c, Alert alert, int actionIndex, String channel, Instant dueAt)
            throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT 1 FROM deliveries WHERE group_key = ? AND action_index = ? AND kind = ?")) {
            ps.setString(1, alert.groupKey());
            ps.setInt(2, actionIndex);
            ps.setString(3, OPEN);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(insert(c, alert.id(), alert.groupKey(), actionIndex, channel, OPEN, dueAt));
    }

    /**
     * Queues, on {@code c} (the transaction resolving {@code alertId}), a resolve for each opening of that alert
     * to a {@link #RESOLVABLE} channel that was delivered or may still be; one whose opening failed or was skipped
     * told the channel nothing to resolve. Returns the new deliveries' ids.
     */
    List<String> enqueueResolves(Connection c, String alertId) throws SQLException {
        List<String[]> openings = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT group_key, action_index, channel FROM deliveries o"
                + " WHERE alert_id = ? AND kind = ? AND status IN ('PENDING', 'DELIVERED') AND NOT EXISTS (SELECT 1"
                + " FROM deliveries r WHERE r.group_key = o.group_key AND r.action_index = o.action_index"
                + " AND r.kind = ?) ORDER BY action_index")) {
            ps.setString(1, alertId);
            ps.setString(2, OPEN);
            ps.setString(3, RESOLVE);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (RESOLVABLE.contains(rs.getString(3))) {
                        openings.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
                    }
                }
            }
        }
        List<String> ids = new ArrayList<>();
        for (String[] o : openings) {
            ids.add(insert(c, alertId, o[0], Integer.parseInt(o[1]), o[2], RESOLVE, Instant.EPOCH));
        }
        return ids;
    }

    private String insert(
            Connection c, String alertId, String groupKey, int actionIndex, String channel, String kind, Instant dueAt)
            throws SQLException {
        byte[] bytes = new byte[6];
        RANDOM.nextBytes(bytes);
        OffsetDateTime now = db.now();
        String id = "dlv_" + HexFormat.of().formatHex(bytes);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO deliveries (id, alert_id, group_key,"
                + " action_index, channel, kind, status, attempts, next_attempt_at, last_error, created_at,"
                + " delivered_at) VALUES (?, ?, ?, ?, ?, ?, 'PENDING', 0, ?, NULL, ?, NULL)")) {
            ps.setString(1, id);
            ps.setString(2, alertId);
            ps.setString(3, groupKey);
            ps.setInt(4, actionIndex);
            ps.setString(5, channel);
            ps.setString(6, kind);
            ps.setObject(7, dueAt.isAfter(now.toInstant()) ? Database.timestamp(dueAt) : now);
            ps.setObject(8, now);
            ps.executeUpdate();
        }
        return id;
    }

    /**
     * Releases held deliveries to be sent now, except those whose alert was resolved meanwhile (an evaluation that
     * raised and cleared it in one pass, as a backfill does): they are skipped, with that reason. Returns how many
     * were released.
     */
    public int release(List<String> deliveryIds) {
        if (deliveryIds.isEmpty()) {
            return 0;
        }
        return db.inTransaction("release notifications", c -> {
            int released = 0;
            OffsetDateTime now = db.now();
            for (String id : deliveryIds) {
                String status;
                try (PreparedStatement ps = c.prepareStatement("SELECT a.status FROM deliveries d JOIN alerts a ON"
                        + " a.id = d.alert_id WHERE d.id = ? AND d.status = 'PENDING'")) {
                    ps.setString(1, id);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            continue;
                        }
                        status = rs.getString(1);
                    }
                }
                if (Alert.Status.RESOLVED.name().equals(status)) {
                    skip(c, id, "not sent: the alert was resolved in the same evaluation (a later window was clean)");
                } else {
                    try (PreparedStatement ps =
                            c.prepareStatement("UPDATE deliveries SET next_attempt_at = ? WHERE id = ?")) {
                        ps.setObject(1, now);
                        ps.setString(2, id);
                        ps.executeUpdate();
                    }
                    released++;
                }
            }
            return released;
        });
    }

    /** Marks a delivery not sent, for good, with {@code reason} recorded as its only attempt's outcome. */
    public void skipped(String deliveryId, String reason) {
        db.inTransaction("skip notification " + deliveryId, c -> {
            skip(c, deliveryId, reason);
            return null;
        });
    }

    private void skip(Connection c, String deliveryId, String reason) throws SQLException {
        int attempt;
        try (PreparedStatement ps = c.prepareStatement("SELECT attempts FROM deliveries WHERE id = ?")) {
            ps.setString(1, deliveryId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return;
                }
                attempt = rs.getInt(1) + 1;
            }
        }
        skipResolveOf(c, deliveryId);
        recordAttempt(c, deliveryId, attempt, db.now(), reason);
        try (PreparedStatement ps = c.prepareStatement("UPDATE deliveries SET status = 'SKIPPED', attempts = ?,"
                + " next_attempt_at = NULL, last_error = ?, claimed_by = NULL, claimed_until = NULL WHERE id = ?")) {
            ps.setInt(1, attempt);
            ps.setString(2, reason);
            ps.setString(3, deliveryId);
            ps.executeUpdate();
        }
    }

    /**
     * When {@code deliveryId} is an opening that will not be delivered, skips its pending resolve: the channel has
     * nothing to resolve.
     */
    private void skipResolveOf(Connection c, String deliveryId) throws SQLException {
        String resolve;
        try (PreparedStatement ps = c.prepareStatement("SELECT r.id FROM deliveries o JOIN deliveries r ON"
                + " r.group_key = o.group_key AND r.action_index = o.action_index AND r.kind = ?"
                + " WHERE o.id = ? AND o.kind = ? AND r.status = 'PENDING'")) {
            ps.setString(1, RESOLVE);
            ps.setString(2, deliveryId);
            ps.setString(3, OPEN);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return;
                }
                resolve = rs.getString(1);
            }
        }
        skip(c, resolve, "not sent: the alert's opening was not delivered, so there is nothing to resolve");
    }

    /**
     * Pending deliveries whose next attempt is due at {@code now} and that no server is attempting (claimed, its
     * claim not yet expired), oldest first. A resolve is due only once its opening was delivered.
     */
    public List<Delivery> due(Instant now, int limit) {
        return db.inTransaction("read the due notifications", c -> {
            try (PreparedStatement ps = c.prepareStatement(SELECT + " d WHERE status = 'PENDING' AND next_attempt_at"
                    + " <= ? AND (claimed_until IS NULL OR claimed_until < ?) AND (kind = ? OR EXISTS (SELECT 1 FROM"
                    + " deliveries o WHERE o.group_key = d.group_key AND o.action_index = d.action_index"
                    + " AND o.kind = ? AND o.status = 'DELIVERED')) ORDER BY next_attempt_at, id")) {
                ps.setObject(1, Database.timestamp(now));
                ps.setObject(2, Database.timestamp(now));
                ps.setString(3, OPEN);
                ps.setString(4, OPEN);
                ps.setMaxRows(limit);
                return read(ps);
            }
        });
    }

    /**
     * Claims the delivery for {@code owner}'s next attempt, for {@code hold} at most, in one statement: true when it
     * is still pending with {@code attempts} attempts recorded (as the claimer read it) and no other server's claim
     * holds it. Of servers sharing the metastore, one attempts each delivery; recording the attempt ends the claim,
     * and a claim whose server died expires (then the delivery may be sent twice, at least once being the rule).
     */
    public boolean claim(String deliveryId, int attempts, String owner, Duration hold) {
        return db.inTransaction("claim notification " + deliveryId, c -> {
            OffsetDateTime now = db.now();
            try (PreparedStatement ps = c.prepareStatement("UPDATE deliveries SET claimed_by = ?, claimed_until = ?"
                    + " WHERE id = ? AND status = 'PENDING' AND attempts = ?"
                    + " AND (claimed_until IS NULL OR claimed_until < ? OR claimed_by = ?)")) {
                ps.setString(1, owner);
                ps.setObject(2, now.plus(hold));
                ps.setString(3, deliveryId);
                ps.setInt(4, attempts);
                ps.setObject(5, now);
                ps.setString(6, owner);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /**
     * Ends every claim, whoever made it; returns how many. Only for a metastore one process holds (an H2 file): at its
     * startup every claim left is a dead process's, and its deliveries would otherwise stay hidden until it expired.
     */
    public int releaseAllClaims() {
        return db.inTransaction("release every claimed notification", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE deliveries SET claimed_by = NULL,"
                    + " claimed_until = NULL WHERE claimed_by IS NOT NULL OR claimed_until IS NOT NULL")) {
                return ps.executeUpdate();
            }
        });
    }

    /** Ends every claim of {@code owner} (a server stopping): its deliveries are due again for any server. */
    public int releaseClaims(String owner) {
        return db.inTransaction("release the notifications claimed by " + owner, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE deliveries SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by = ?")) {
                ps.setString(1, owner);
                return ps.executeUpdate();
            }
        });
    }

    /**
     * Records an attempt of a delivery: {@code outcome} in one line; delivered, or pending again at
     * {@code retryAt}, or (no {@code retryAt}) failed for good.
     */
    public void attempted(String deliveryId, boolean delivered, String outcome, Optional<Instant> retryAt) {
        db.inTransaction("record a notification attempt", c -> {
            int attempt;
            try (PreparedStatement ps = c.prepareStatement("SELECT attempts FROM deliveries WHERE id = ? FOR UPDATE")) {
                ps.setString(1, deliveryId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null; // its alert was deleted with its version
                    }
                    attempt = rs.getInt(1) + 1;
                }
            }
            OffsetDateTime now = db.now();
            recordAttempt(c, deliveryId, attempt, now, outcome);
            String status = delivered ? "DELIVERED" : retryAt.isPresent() ? "PENDING" : "FAILED";
            try (PreparedStatement ps = c.prepareStatement("UPDATE deliveries SET status = ?, attempts = ?,"
                    + " next_attempt_at = ?, last_error = ?, delivered_at = ?, claimed_by = NULL, claimed_until = NULL"
                    + " WHERE id = ?")) {
                ps.setString(1, status);
                ps.setInt(2, attempt);
                ps.setObject(3, retryAt.map(Database::timestamp).orElse(null));
                ps.setString(4, delivered ? null : outcome);
                ps.setObject(5, delivered ? now : null);
                ps.setString(6, deliveryId);
                ps.executeUpdate();
            }
            if (status.equals("FAILED")) {
                skipResolveOf(c, deliveryId);
            }
            return null;
        });
    }

    private static void recordAttempt(
            Connection c, String deliveryId, int attempt, OffsetDateTime attemptedAt, String outcome)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO delivery_attempts (delivery_id, attempt, attempted_at, outcome) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, deliveryId);
            ps.setInt(2, attempt);
            ps.setObject(3, attemptedAt);
            ps.setString(4, outcome);
            ps.executeUpdate();
        }
    }

    /** The deliveries of an alert, by action index. */
    public List<Delivery> list(String alertId) {
        return db.inTransaction("read the notifications of alert " + alertId, c -> {
            try (PreparedStatement ps =
                    c.prepareStatement(SELECT + " WHERE alert_id = ? ORDER BY action_index, kind")) {
                ps.setString(1, alertId);
                return read(ps);
            }
        });
    }

    /** The outcome of every attempt of a delivery, in order. */
    public List<String> attempts(String deliveryId) {
        return db.inTransaction("read the attempts of notification " + deliveryId, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT outcome FROM delivery_attempts WHERE delivery_id = ? ORDER BY attempt")) {
                ps.setString(1, deliveryId);
                List<String> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
                return out;
            }
        });
    }

    private static List<Delivery> read(PreparedStatement ps) throws SQLException {
        List<Delivery> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Delivery(
                        rs.getString("id"),
                        rs.getString("alert_id"),
                        rs.getInt("action_index"),
                        rs.getString("channel"),
                        rs.getString("kind"),
                        rs.getString("status"),
                        rs.getInt("attempts"),
                        rs.getString("last_error")));
            }
        }
        return out;
    }
}
