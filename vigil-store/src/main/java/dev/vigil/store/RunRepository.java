package dev.vigil.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.core.spec.SpecCodec;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Runs: created queued, then updated with progress until they succeed or fail. A run is held by the server that
 * queued it ({@link Holder}) until its lease ends; the holder renews the lease on progress, and any server fails a
 * run whose lease expired ({@link #expired()}, {@link #failExpired}), so that servers sharing a metastore never fail
 * each other's live runs (decision 0022).
 */
public final class RunRepository {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String COLUMNS = "id, model_id, version, dataset, range_start, range_end, status,"
            + " windows_total, windows_done, rows_read, rows_with_problems, null_timestamp_count, unmatched_actuals_count,"
            + " error, created_at, started_at, finished_at";

    /** What a run is read with: its columns and what it says about its rows and its planning. */
    private static final String READ_COLUMNS = COLUMNS + ", problems, warning, note";

    /** A parameter typed for PostgreSQL, which would read an untyped one of INSERT … SELECT as text. */
    private static final String TS = "CAST(? AS TIMESTAMP WITH TIME ZONE)";

    private static final String UNFINISHED = "status IN ('QUEUED', 'RUNNING')";
    private static final String LEASE_EXPIRED = "(lease_until IS NULL OR lease_until < ?)";

    private final Database db;

    RunRepository(Database db) {
        this.db = db;
    }

    /**
     * The server holding a run ({@code owner}: its id, host and pid, for the sentence of a run failed past its lease)
     * and how long each renewal holds it.
     */
    public record Holder(String owner, Duration lease) {
        public Holder {
            Objects.requireNonNull(owner, "owner");
            Objects.requireNonNull(lease, "lease");
        }
    }

    /** A queued or running run whose lease expired: who held it, and when it last renewed the lease (null if never). */
    public record Expired(String id, String owner, Instant renewedAt) {}

    /** A run the scheduler claimed, with the due time it was claimed for. */
    public record Scheduled(Run run, Instant dueAt) {}

    /**
     * A new queued run of {@code dataset} over [{@code from}, {@code to}) with {@code windows} windows, held by no
     * server: any server may fail it as expired.
     */
    public Run create(String modelId, String version, String dataset, Instant from, Instant to, int windows) {
        return insert(modelId, version, dataset, from, to, windows, null, null).orElseThrow();
    }

    /** A new queued run, held by {@code holder} for one lease. */
    public Run create(
            String modelId, String version, String dataset, Instant from, Instant to, int windows, Holder holder) {
        Objects.requireNonNull(holder, "holder");
        return insert(modelId, version, dataset, from, to, windows, holder, null)
                .orElseThrow();
    }

    /**
     * Claims the scheduled run of {@code dataset} due at {@code dueAt} for {@code holder}, in one statement: a new
     * queued run, unless a run was already claimed for that due time or the dataset has a queued or running run (then
     * empty). Of servers claiming the same due time at once, one gets the run: the unique index on the due time makes
     * the others' insert wait for it and fail, and their retry finds its row.
     */
    public Optional<Run> claimScheduled(String modelId, String version, String dataset, Instant dueAt, Holder holder) {
        Objects.requireNonNull(dueAt, "dueAt");
        Objects.requireNonNull(holder, "holder");
        return insert(modelId, version, dataset, Instant.EPOCH, Instant.EPOCH, 0, holder, dueAt);
    }

    private Optional<Run> insert(
            String modelId,
            String version,
            String dataset,
            Instant from,
            Instant to,
            int windows,
            Holder holder,
            Instant dueAt) {
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
                null,
                Map.of(),
                null,
                null);
        OffsetDateTime now = Database.timestamp(run.createdAt());
        return db.inTransaction("create a run of " + modelId + "/" + version + "/" + dataset, c -> {
            String sql = "INSERT INTO runs (" + COLUMNS + ", owner, renewed_at, lease_until, scheduled_for)"
                    + " SELECT ?, ?, ?, ?, " + TS + ", " + TS + ", ?, ?, ?, ?, ?, ?, ?, ?, " + TS + ", " + TS + ", "
                    + TS
                    + ", ?, " + TS + ", " + TS + ", " + TS;
            if (dueAt != null) {
                sql += " WHERE NOT EXISTS (SELECT 1 FROM runs WHERE model_id = ? AND version = ? AND dataset = ?"
                        + " AND (scheduled_for = " + TS + " OR " + UNFINISHED + "))";
            }
            try (PreparedStatement ps = c.prepareStatement(sql)) {
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
                ps.setObject(15, now);
                ps.setObject(16, null);
                ps.setObject(17, null);
                ps.setString(18, holder == null ? null : holder.owner());
                ps.setObject(19, holder == null ? null : now);
                ps.setObject(
                        20,
                        holder == null
                                ? null
                                : Database.timestamp(run.createdAt().plus(holder.lease())));
                ps.setObject(21, Database.timestamp(dueAt));
                if (dueAt != null) {
                    ps.setString(22, modelId);
                    ps.setString(23, version);
                    ps.setString(24, dataset);
                    ps.setObject(25, Database.timestamp(dueAt));
                }
                return ps.executeUpdate() == 1 ? Optional.of(run) : Optional.<Run>empty();
            }
        });
    }

    /** Marks the run running (sets its start time). */
    public void started(String id) {
        update(id, "UPDATE runs SET status = 'RUNNING', started_at = ? WHERE id = ?", db.now());
    }

    /**
     * Starts the queued run for its holder: running, its start time set and its lease renewed, unless it is no longer
     * queued (failed past its lease meanwhile) or another run of its dataset is running, on this server or another
     * (then false). On PostgreSQL a partial unique index keeps two servers from both starting one at once.
     */
    public boolean start(String id, Holder holder) {
        Objects.requireNonNull(holder, "holder");
        return db.inTransaction("start run " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE runs SET status = 'RUNNING', started_at = ?,"
                    + " owner = ?, renewed_at = ?, lease_until = ? WHERE id = ? AND status = 'QUEUED' AND NOT EXISTS"
                    + " (SELECT 1 FROM runs o WHERE o.model_id = runs.model_id AND o.version = runs.version"
                    + " AND o.dataset = runs.dataset AND o.status = 'RUNNING' AND o.id <> runs.id)")) {
                OffsetDateTime now = db.now();
                ps.setObject(1, now);
                ps.setString(2, holder.owner());
                ps.setObject(3, now);
                ps.setObject(4, now.plus(holder.lease()));
                ps.setString(5, id);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /**
     * Renews the lease of the unfinished runs among {@code ids} that {@code holder} still holds; returns those it
     * renewed (a run missing from the answer was failed past its lease: its holder must stop it).
     */
    public Set<String> renew(Collection<String> ids, Holder holder) {
        Objects.requireNonNull(holder, "holder");
        if (ids.isEmpty()) {
            return Set.of();
        }
        return db.inTransaction("renew the lease of " + ids.size() + " runs", c -> {
            Set<String> renewed = new HashSet<>();
            try (PreparedStatement ps = c.prepareStatement("UPDATE runs SET renewed_at = ?, lease_until = ?"
                    + " WHERE id = ? AND owner = ? AND " + UNFINISHED)) {
                OffsetDateTime now = db.now();
                for (String id : ids) {
                    ps.setObject(1, now);
                    ps.setObject(2, now.plus(holder.lease()));
                    ps.setString(3, id);
                    ps.setString(4, holder.owner());
                    if (ps.executeUpdate() == 1) {
                        renewed.add(id);
                    }
                }
            }
            return renewed;
        });
    }

    /**
     * The heartbeat of {@code holder}: renews, in one statement, the lease of every queued or running run it holds,
     * and of no other server's; returns the ids of those it renewed. A run failed past its lease by another server is held by
     * no one any more and is not renewed.
     */
    public Set<String> renewAll(Holder holder) {
        Objects.requireNonNull(holder, "holder");
        return db.inTransaction("renew the lease of the runs of " + holder.owner(), c -> {
            // the ids first, their rows locked, so that the answer is exactly the rows the update renews (the same
            // SQL on H2 and PostgreSQL; H2 has no UPDATE ... RETURNING)
            Set<String> ids = new HashSet<>();
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT id FROM runs WHERE owner = ? AND " + UNFINISHED + " FOR UPDATE")) {
                ps.setString(1, holder.owner());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            if (ids.isEmpty()) {
                return ids;
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE runs SET lease_until = ?, renewed_at = ? WHERE owner = ? AND " + UNFINISHED)) {
                OffsetDateTime now = db.now();
                ps.setObject(1, now.plus(holder.lease()));
                ps.setObject(2, now);
                ps.setString(3, holder.owner());
                ps.executeUpdate();
            }
            return ids;
        });
    }

    /** The ids of the queued or running runs {@code holder} holds. */
    public Set<String> heldBy(Holder holder) {
        Objects.requireNonNull(holder, "holder");
        return db.inTransaction("list the runs of " + holder.owner(), c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM runs WHERE owner = ? AND " + UNFINISHED)) {
                ps.setString(1, holder.owner());
                Set<String> out = new HashSet<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
                return out;
            }
        });
    }

    /** The queued or running runs whose lease expired (or that never had one), whoever held them. */
    public List<Expired> expired() {
        return db.inTransaction("find the runs past their lease", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, owner, renewed_at FROM runs WHERE " + UNFINISHED
                    + " AND " + LEASE_EXPIRED + " ORDER BY created_at, id")) {
                ps.setObject(1, db.now());
                List<Expired> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Expired(
                                rs.getString("id"), rs.getString("owner"), Database.instant(rs, "renewed_at")));
                    }
                }
                return out;
            }
        });
    }

    /**
     * Fails the run with {@code reason} if it is still queued or running past its lease: one statement, so of servers
     * reaping at once one records it (true), and a holder that renewed meanwhile keeps it.
     */
    public boolean failExpired(String id, String reason) {
        return db.inTransaction("fail run " + id + " past its lease", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE runs SET status = 'FAILED', error = ?,"
                    + " finished_at = ? WHERE id = ? AND " + UNFINISHED + " AND " + LEASE_EXPIRED)) {
                OffsetDateTime now = db.now();
                ps.setString(1, reason);
                ps.setObject(2, now);
                ps.setString(3, id);
                ps.setObject(4, now);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** The model id, version and dataset of every running run, on any server sharing the metastore. */
    public Set<List<String>> running() {
        return db.inTransaction("list the running runs", c -> {
            try (PreparedStatement ps =
                            c.prepareStatement("SELECT model_id, version, dataset FROM runs WHERE status = 'RUNNING'");
                    ResultSet rs = ps.executeQuery()) {
                Set<List<String>> out = new HashSet<>();
                while (rs.next()) {
                    out.add(List.of(rs.getString(1), rs.getString(2), rs.getString(3)));
                }
                return out;
            }
        });
    }

    /**
     * The newest {@code limit} scheduled runs of a dataset, latest due time first: what the scheduler of every server
     * decides from (the run in flight, the failures in a row before the next retry, the last due time).
     */
    public List<Scheduled> scheduled(String modelId, String version, String dataset, int limit) {
        return db.inTransaction("list the scheduled runs of " + modelId + "/" + version + "/" + dataset, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + READ_COLUMNS + ", scheduled_for FROM runs"
                    + " WHERE model_id = ? AND version = ? AND dataset = ? AND scheduled_for IS NOT NULL"
                    + " ORDER BY scheduled_for DESC")) {
                ps.setString(1, modelId);
                ps.setString(2, version);
                ps.setString(3, dataset);
                ps.setMaxRows(limit);
                List<Scheduled> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Scheduled(read(rs), Database.instant(rs, "scheduled_for")));
                    }
                }
                return out;
            }
        });
    }

    /** Records the range and number of windows once the run has worked them out. */
    public void planned(String id, Instant from, Instant to, int windowsTotal) {
        planned(id, from, to, windowsTotal, Optional.empty());
    }

    /**
     * {@link #planned(String, Instant, Instant, int) Records the range}, only while {@code fence}'s run is running
     * and held by its server; otherwise writes nothing and throws {@link RunFence.Lost}.
     */
    public void planned(String id, Instant from, Instant to, int windowsTotal, Optional<RunFence> fence) {
        db.inTransaction("plan run " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE runs SET range_start = ?, range_end = ?, windows_total = ? WHERE id = ?" + fence(fence))) {
                ps.setObject(1, Database.timestamp(from));
                ps.setObject(2, Database.timestamp(to));
                ps.setInt(3, windowsTotal);
                ps.setString(4, id);
                fenced(ps, 5, id, fence);
            }
            return null;
        });
    }

    /** The condition of an update of a run fenced by {@code fence} ({@link #fenced}): none without one. */
    private static String fence(Optional<RunFence> fence) {
        return fence.isPresent() ? " AND owner = ? AND status = 'RUNNING'" : "";
    }

    /**
     * Binds the {@linkplain #fence(Optional) fence's condition} at {@code index} and runs the update: with a fence, an
     * update that touched no row (the run was failed meanwhile, or is another server's) throws {@link RunFence.Lost}.
     */
    private static void fenced(PreparedStatement ps, int index, String id, Optional<RunFence> fence)
            throws SQLException {
        if (fence.isPresent()) {
            ps.setString(index, fence.get().owner());
        }
        if (ps.executeUpdate() == 0 && fence.isPresent()) {
            throw new RunFence(id, fence.get().owner()).lost();
        }
    }

    /**
     * Records progress: windows done, rows read, rows with problems and, among them, rows with a NULL timestamp
     * so far.
     */
    public void progress(String id, int windowsDone, long rowsRead, long rowsWithProblems, long nullTimestamps) {
        progress(id, windowsDone, rowsRead, rowsWithProblems, nullTimestamps, Optional.empty());
    }

    /**
     * {@link #progress(String, int, long, long, long) Records progress}, only while {@code fence}'s run is running and
     * held by its server: a failed run's counters stay as they were when it failed ({@link RunFence.Lost}).
     */
    public void progress(
            String id,
            int windowsDone,
            long rowsRead,
            long rowsWithProblems,
            long nullTimestamps,
            Optional<RunFence> fence) {
        db.inTransaction("record the progress of run " + id, c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE runs SET windows_done = ?, rows_read = ?, rows_with_problems = ?,"
                            + " null_timestamp_count = ? WHERE id = ?" + fence(fence))) {
                ps.setInt(1, windowsDone);
                ps.setLong(2, rowsRead);
                ps.setLong(3, rowsWithProblems);
                ps.setLong(4, nullTimestamps);
                ps.setString(5, id);
                fenced(ps, 6, id, fence);
            }
            return null;
        });
    }

    /**
     * Records the rows with a problem per {@code "field: reason"} so far (as {@link #progress}, only while
     * {@code fence}'s run is running and held by its server).
     */
    public void problems(String id, Map<String, Long> problems, Optional<RunFence> fence) {
        ObjectNode json = SpecCodec.json().createObjectNode();
        problems.forEach(json::put);
        db.inTransaction("record the problems of run " + id, c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE runs SET problems = ? WHERE id = ?" + fence(fence))) {
                ps.setString(1, json.toString());
                ps.setString(2, id);
                fenced(ps, 3, id, fence);
            }
            return null;
        });
    }

    /** Records what a run that succeeded still got wrong (one sentence), shown with it; null clears it. */
    public void warning(String id, String warning) {
        text(id, "warning", warning);
    }

    /** Records how the run was planned (one sentence: a reference read whole, empty windows skipped). */
    public void note(String id, String note) {
        text(id, "note", note);
    }

    private void text(String id, String column, String value) {
        db.inTransaction("record the " + column + " of run " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE runs SET " + column + " = ? WHERE id = ?")) {
                ps.setString(1, value);
                ps.setString(2, id);
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
     * Marks the run succeeded if it is still running and held by {@code holder}; false when another server failed it
     * past its lease meanwhile (it stays failed, and is tried again).
     */
    public boolean succeeded(String id, Holder holder) {
        return db.inTransaction("record the success of run " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE runs SET status = 'SUCCEEDED', finished_at = ?"
                    + " WHERE id = ? AND status = 'RUNNING' AND owner = ?")) {
                ps.setObject(1, db.now());
                ps.setString(2, id);
                ps.setString(3, holder.owner());
                return ps.executeUpdate() == 1;
            }
        });
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
            try (PreparedStatement ps = c.prepareStatement("SELECT " + READ_COLUMNS + " FROM runs WHERE id = ?")) {
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
            try (PreparedStatement ps = c.prepareStatement("SELECT " + READ_COLUMNS
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
                Database.instant(rs, "finished_at"),
                problems(rs.getString("problems")),
                rs.getString("warning"),
                rs.getString("note"));
    }

    /** The stored {@code {"field: reason": rows}} object, in its order; none before V13 or without problems. */
    private static Map<String, Long> problems(String json) {
        if (json == null) {
            return Map.of();
        }
        Map<String, Long> out = new LinkedHashMap<>();
        Database.json(json, "run problems")
                .fields()
                .forEachRemaining(e -> out.put(e.getKey(), e.getValue().asLong()));
        return out;
    }
}
