package dev.vigil.store;

import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Objects;

/**
 * Work that one server at a time does, by name ({@code evaluate m/v1}, {@code clock-driven monitors}): a named lease
 * in the metastore, held by one owner until it ends, then free for any server (decision 0022). Pool-safe, unlike a
 * session-level advisory lock, and the same on H2 and PostgreSQL.
 */
public final class LeaseRepository {
    private final Database db;

    LeaseRepository(Database db) {
        this.db = db;
    }

    /**
     * Takes or renews the lease {@code name} for {@code owner} for {@code lease}: true when it is free, expired or
     * already {@code owner}'s; false while another owner holds it. Of owners taking a free lease at once, one gets it:
     * the others' insert fails on the primary key, and their retry finds its row held.
     */
    public boolean acquire(String name, String owner, Duration lease) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(lease, "lease");
        return db.inTransaction("take the lease " + name, c -> {
            OffsetDateTime now = db.now();
            try (PreparedStatement ps = c.prepareStatement("UPDATE leases SET owner = ?, lease_until = ?"
                    + " WHERE name = ? AND (owner = ? OR lease_until < ?)")) {
                ps.setString(1, owner);
                ps.setObject(2, now.plus(lease));
                ps.setString(3, name);
                ps.setString(4, owner);
                ps.setObject(5, now);
                if (ps.executeUpdate() == 1) {
                    return true;
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO leases (name, owner, lease_until)"
                    + " SELECT ?, ?, CAST(? AS TIMESTAMP WITH TIME ZONE)"
                    + " WHERE NOT EXISTS (SELECT 1 FROM leases WHERE name = ?)")) {
                ps.setString(1, name);
                ps.setString(2, owner);
                ps.setObject(3, now.plus(lease));
                ps.setString(4, name);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Gives the lease {@code name} back, if {@code owner} holds it: the next server to ask gets it at once. */
    public void release(String name, String owner) {
        db.inTransaction("give the lease " + name + " back", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM leases WHERE name = ? AND owner = ?")) {
                ps.setString(1, name);
                ps.setString(2, owner);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Gives back every lease, whoever holds it; returns how many. Only for a metastore one process holds (an H2 file):
     * at its startup every lease left is a dead process's, and the restarted server, a new holder, would otherwise
     * wait for them to expire.
     */
    public int releaseAll() {
        return db.inTransaction("give every lease back", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM leases")) {
                return ps.executeUpdate();
            }
        });
    }
}
