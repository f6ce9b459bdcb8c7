package dev.vigil.store;

import dev.vigil.core.VigilStateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;

/**
 * The run a write belongs to, and the server holding it (decision 0022): a write fenced by it happens only while the
 * run is still running and held by that server. A server taken for dead (a long pause, a network split) whose run
 * another server failed meanwhile then writes nothing, even if it passed its last lease check just before: the check
 * is in the write's own transaction, and it locks the run's row, so a reaper failing the run waits for the write's
 * commit, or the write for the failure's.
 */
public record RunFence(String runId, String owner) {
    public RunFence {
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(owner, "owner");
    }

    /** The run was failed, here or by another server, before this write: nothing was written. */
    public static final class Lost extends VigilStateException {
        Lost(String message) {
            super(message);
        }
    }

    /** Locks the run's row on {@code c}'s transaction, or throws {@link Lost} when it is no longer this holder's. */
    void hold(Connection c) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT 1 FROM runs WHERE id = ? AND owner = ? AND status = 'RUNNING' FOR UPDATE")) {
            ps.setString(1, runId);
            ps.setString(2, owner);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw lost();
                }
            }
        }
    }

    /** The sentence of a run that lost its lease. */
    Lost lost() {
        return new Lost("run " + runId + " is no longer running on server " + owner + ": it was failed meanwhile,"
                + " here or by another server past its lease; it stops before writing anything more");
    }
}
