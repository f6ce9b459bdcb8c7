package dev.vigil.store;

import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/** Runs: created queued, then updated with progress until they succeed or fail. */
public final class RunRepository {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String COLUMNS = "id, model_id, version, dataset, range_start, range_end, status,"
            + " windows_total, windows_done, rows_read, rows_with_problems, null_timestamp_count, unmatched_actuals_count,"
            + " error, created_at, started_at, finished_at";

    private final Database db;

    RunRepository(Database db) {
        this.db = db;
    }

    /** A new queued run of {@code dataset} over [{@code from}, {@code to}) with {@code windows} windows. */
    public Run create(String modelId, String version, String dataset, Instant from, Instant to, int windows) {
        byte[] id = new byte[6];
        RANDOM.nextBytes(id);
        Run run = new Run(
                "run_" + HexFormat.of().formatHex(id),
                modelId,
                version,
                dataset,
                from,
                to,
                Run.Status.QUEUED,
                windows,
                0,
                0,
                0,
                0,
                0,
                null,
                db.now().toInstant(),
                null,
                null);
        db.inTransaction("create a run of " + modelId + "/" + version + "/" + dataset, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO runs (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, run.id());
                ps.setString(2, modelId);
                ps.setString(3, version);
                ps.setString(4, dataset);
                ps.setObject(5, Database.timestamp(from));
                ps.setObject(6, Database.timestamp(to));
                ps.setString(7, run.status().name());
                ps.setInt(8, windows);
                ps.setInt(9, 0);
                ps.setLong(10, 0);
                ps.setLong(11, 0);
                ps.setLong(12, 0);
                ps.setLong(13, 0);
                ps.setString(14, null);
                ps.setObject(15, Database.timestamp(run.createdAt()));
                ps.setObject(16, null);
                ps.setObject(17, null);
                ps.executeUpdate();
            }
            return null;
        });
        return run;
    }

    /** Marks the run running (sets its start time). */
    public void started(String id) {
        update(id, "UPDATE runs SET status = 'RUNNING', started_at = ? WHERE id = ?", db.now());
    }

    /** Records the range and number of windows once the run has worked them out. */
    public void planned(String id, Instant from, Instant to, int windowsTotal) {
        db.inTransaction("plan run " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE runs SET range_start = ?, range_end = ?, windows_total = ? WHERE id = ?")) {
                ps.setObject(1, Database.timestamp(from));
                ps.setObject(2, Database.timestamp(to));
                ps.setInt(3, windowsTotal);
                ps.setString(4, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Records progress: windows done, rows read, rows with problems and, among them, rows with a NULL timestamp
     * so far.
     */
    public void progress(String id, int windowsDone, long rowsRead, long rowsWithProblems, long nullTimestamps) {
        db.inTransaction("record the progress of run " + id, c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE runs SET windows_done = ?, rows_read = ?, rows_with_problems = ?,"
                            + " null_timestamp_count = ? WHERE id = ?")) {
                ps.setInt(1, windowsDone);
                ps.setLong(2, rowsRead);
                ps.setLong(3, rowsWithProblems);
                ps.setLong(4, nullTimestamps);
                ps.setString(5, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Records how many distinct actual ids the run read that match no prediction (runs of an actuals dataset). */
    public void unmatchedActuals(String id, long count) {
        db.inTransaction("record the unmatched actuals of run " + id, c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE runs SET unmatched_actuals_count = ? WHERE id = ?")) {
                ps.setLong(1, count);
                ps.setString(2, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Marks the run succeeded, if it is still running: a run already failed (by the reaper, past its lease) stays
     * failed.
     */
    public void succeeded(String id) {
        update(
                id,
                "UPDATE runs SET status = 'SUCCEEDED', finished_at = ? WHERE id = ? AND status = 'RUNNING'",
                db.now());
    }

    /**
     * Marks the run failed with its reason (one sentence, no secret), if it is still queued or running: the first
     * result recorded is the one kept.
     */
    public void failed(String id, String reason) {
        db.inTransaction("record the failure of run " + id, c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE runs SET status = 'FAILED', error = ?, finished_at = ? WHERE id = ?"
                            + " AND status IN ('QUEUED', 'RUNNING')")) {
                ps.setString(1, reason);
                ps.setObject(2, db.now());
                ps.setString(3, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Runs left queued or running by a server that stopped are failed with this reason. */
    public int failUnfinished(String reason) {
        return db.inTransaction("close unfinished runs", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE runs SET status = 'FAILED', error = ?,"
                    + " finished_at = ? WHERE status IN ('QUEUED', 'RUNNING')")) {
                ps.setString(1, reason);
                ps.setObject(2, db.now());
                return ps.executeUpdate();
            }
        });
    }

    public Optional<Run> find(String id) {
        return db.inTransaction("read run " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM runs WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(read(rs)) : Optional.<Run>empty();
                }
            }
        });
    }

    /** The newest {@code limit} runs of a version, newest first. */
    public List<Run> list(String modelId, String version, int limit) {
        return db.inTransaction("list the runs of " + modelId + "/" + version, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM runs WHERE model_id = ? AND version = ? ORDER BY created_at DESC, id DESC")) {
                ps.setString(1, modelId);
                ps.setString(2, version);
                ps.setMaxRows(limit);
                List<Run> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(read(rs));
                    }
                }
                return out;
            }
        });
    }

    private void update(String id, String sql, Object time) {
        db.inTransaction("update run " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setObject(1, time);
                ps.setString(2, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    private static Run read(ResultSet rs) throws SQLException {
        return new Run(
                rs.getString("id"),
                rs.getString("model_id"),
                rs.getString("version"),
                rs.getString("dataset"),
                Database.instant(rs, "range_start"),
                Database.instant(rs, "range_end"),
                Run.Status.valueOf(rs.getString("status")),
                rs.getInt("windows_total"),
                rs.getInt("windows_done"),
                rs.getLong("rows_read"),
                rs.getLong("rows_with_problems"),
                rs.getLong("null_timestamp_count"),
                rs.getLong("unmatched_actuals_count"),
                rs.getString("error"),
                Database.instant(rs, "created_at"),
                Database.instant(rs, "started_at"),
                Database.instant(rs, "finished_at"));
    }
}
