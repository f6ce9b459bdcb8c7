package dev.vigil.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * Signed-in dashboard browsers, kept in the metastore so that any server sharing it answers them (decision 0022):
 * the SHA-256 of the session id (the cookie's value itself is never stored), the token it came from, the role it had
 * then, its CSRF token and when it ends. Revoking a token deletes its sessions (a foreign key).
 */
public final class SessionRepository {
    private final Database db;

    SessionRepository(Database db) {
        this.db = db;
    }

    /** A stored session: whose token, with which role, its CSRF token, until when. */
    public record Session(String tokenId, Role role, String csrf, Instant expiresAt) {
        public Session {
            Objects.requireNonNull(tokenId, "tokenId");
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(csrf, "csrf");
            Objects.requireNonNull(expiresAt, "expiresAt");
        }
    }

    /** Stores {@code session} under {@code sessionId}, and deletes the sessions that have ended. */
    public void create(String sessionId, Session session) {
        db.inTransaction("start a dashboard session", c -> {
            OffsetDateTime now = db.now();
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM dashboard_sessions WHERE expires_at <= ?")) {
                ps.setObject(1, now);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO dashboard_sessions (id_hash, token_id, role,"
                    + " csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, hash(sessionId));
                ps.setString(2, session.tokenId());
                ps.setString(3, session.role().spec());
                ps.setString(4, session.csrf());
                ps.setObject(5, now);
                ps.setObject(6, Database.timestamp(session.expiresAt()));
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** The session stored under {@code sessionId}, unless there is none or it has ended. */
    public Optional<Session> find(String sessionId) {
        return db.inTransaction("read a dashboard session", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT token_id, role, csrf, expires_at"
                    + " FROM dashboard_sessions WHERE id_hash = ? AND expires_at > ?")) {
                ps.setString(1, hash(sessionId));
                ps.setObject(2, db.now());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<Session>empty();
                    }
                    return Optional.of(new Session(
                            rs.getString("token_id"),
                            Role.parse(rs.getString("role"), "dashboard_sessions.role"),
                            rs.getString("csrf"),
                            Database.instant(rs, "expires_at")));
                }
            }
        });
    }

    /** Ends the session stored under {@code sessionId}, if any. */
    public void delete(String sessionId) {
        db.inTransaction("end a dashboard session", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM dashboard_sessions WHERE id_hash = ?")) {
                ps.setString(1, hash(sessionId));
                ps.executeUpdate();
            }
            return null;
        });
    }

    private static String hash(String sessionId) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(sessionId.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
