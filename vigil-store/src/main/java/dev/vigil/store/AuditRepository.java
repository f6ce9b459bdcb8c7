package dev.vigil.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The audit log (ADR 0015): every change asked of the server, kept in the metastore so that an admin can see who did
 * what, when and from where. Entries are only ever added; bodies are never kept (they can hold passwords).
 */
public final class AuditRepository {
    /** Longest path kept; longer ones are cut (the column holds 2,000 characters on H2). */
    private static final int MAX_PATH = 2000;

    private static final int MAX_REMOTE = 200;

    private final Database db;

    AuditRepository(Database db) {
        this.db = db;
    }

    /** Adds {@code entry} (its id is ignored), its time kept to the microsecond as every stored time is. */
    public void record(AuditEntry entry) {
        db.inTransaction("record an audit entry", c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_log"
                    + " (at, token_id, token_name, role, method, path, status, remote)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setObject(1, Database.timestamp(entry.at().truncatedTo(ChronoUnit.MICROS)));
                ps.setString(2, entry.tokenId());
                ps.setString(3, entry.tokenName());
                if (entry.role() == null) {
                    ps.setNull(4, Types.VARCHAR);
                } else {
                    ps.setString(4, entry.role().spec());
                }
                ps.setString(5, entry.method());
                ps.setString(6, cut(entry.path(), MAX_PATH));
                ps.setInt(7, entry.status());
                ps.setString(8, entry.remote() == null ? null : cut(entry.remote(), MAX_REMOTE));
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * The newest entries first, at most {@code limit}, older than entry {@code beforeId} when it is given (to page back)
     * and not older than {@code since} when it is given.
     */
    public List<AuditEntry> list(int limit, Long beforeId, Instant since) {
        StringBuilder sql = new StringBuilder(
                "SELECT id, at, token_id, token_name, role, method, path, status, remote FROM audit_log WHERE 1 = 1");
        if (beforeId != null) {
            sql.append(" AND id < ?");
        }
        if (since != null) {
            sql.append(" AND at >= ?");
        }
        sql.append(" ORDER BY id DESC FETCH FIRST ? ROWS ONLY");
        return db.inTransaction("read the audit log", c -> {
            List<AuditEntry> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int i = 1;
                if (beforeId != null) {
                    ps.setLong(i++, beforeId);
                }
                if (since != null) {
                    ps.setObject(i++, Database.timestamp(since));
                }
                ps.setInt(i, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(read(rs));
                    }
                }
            }
            return out;
        });
    }

    private static AuditEntry read(ResultSet rs) throws SQLException {
        String role = rs.getString("role");
        return new AuditEntry(
                rs.getLong("id"),
                Database.instant(rs, "at"),
                rs.getString("token_id"),
                rs.getString("token_name"),
                role == null ? null : Role.parse(role, "audit_log.role"),
                rs.getString("method"),
                rs.getString("path"),
                rs.getInt("status"),
                rs.getString("remote"));
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
