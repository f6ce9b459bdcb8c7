package dev.vigil.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Profiles by dataset and window. Writing replaces whole windows in one transaction: what a
 * window held before is deleted and its new profiles inserted, so a re-run, a retry or a crash
 * never leaves a window double-counted or half-written.
 */
public final class ProfileRepository {
    private static final int BATCH = 500;

    private final Database db;

    ProfileRepository(Database db) {
        this.db = db;
    }

    /**
     * Replaces the windows starting at {@code windowStarts} with {@code profiles} (which must lie
     * in those windows) and, when {@code watermark} is given, advances the dataset's watermark to
     * it, all in one transaction.
     */
    public void replaceWindows(
            String modelId,
            String version,
            String dataset,
            Collection<Instant> windowStarts,
            List<StoredProfile> profiles,
            Optional<Instant> watermark) {
        replaceWindows(modelId, version, dataset, windowStarts, profiles, watermark, List.of());
    }

    /**
     * {@link #replaceWindows(String, String, String, Collection, List, Optional) Replaces the windows} and, in the same
     * transaction, marks the UTC days {@code staleDays} as {@linkplain StaleRollup stale}: their roll-ups no longer
     * match the hours until they are refreshed, and a crash before that leaves the mark for the repair.
     */
    public void replaceWindows(
            String modelId,
            String version,
            String dataset,
            Collection<Instant> windowStarts,
            List<StoredProfile> profiles,
            Optional<Instant> watermark,
            Collection<Instant> staleDays) {
        replaceWindows(modelId, version, dataset, windowStarts, profiles, watermark, staleDays, Optional.empty());
    }

    /**
     * {@link #replaceWindows(String, String, String, Collection, List, Optional, Collection) Replaces the windows and
     * marks their days}, only while {@code fence}'s run is running and held by its server (checked and locked first, in
     * the same transaction); otherwise writes nothing and throws {@link RunFence.Lost}.
     */
    public void replaceWindows(
            String modelId,
            String version,
            String dataset,
            Collection<Instant> windowStarts,
            List<StoredProfile> profiles,
            Optional<Instant> watermark,
            Collection<Instant> staleDays,
            Optional<RunFence> fence) {
        db.inTransaction("save the profiles of " + modelId + "/" + version + "/" + dataset, c -> {
            if (fence.isPresent()) {
                fence.get().hold(c);
            }
            markStale(c, modelId, version, dataset, staleDays); // first: undone with the rest if a write fails
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM profiles WHERE model_id = ? AND version = ?"
                    + " AND dataset = ? AND window_start = ?")) {
                for (Instant start : windowStarts) {
                    delete.setString(1, modelId);
                    delete.setString(2, version);
                    delete.setString(3, dataset);
                    delete.setObject(4, Database.timestamp(start));
                    delete.addBatch();
                }
                delete.executeBatch();
            }
            insert(c, modelId, version, dataset, profiles);
            if (watermark.isPresent()) {
                setWatermark(c, modelId, version, dataset, watermark.get());
            }
            return null;
        });
    }

    /**
     * Replaces only the profiles whose field starts with {@code fieldPrefix} in the windows starting at
     * {@code windowStarts} (the performance of windows whose actuals changed), in one transaction; the window's
     * other profiles stay as they are.
     */
    public void replaceFields(
            String modelId,
            String version,
            String dataset,
            String fieldPrefix,
            Collection<Instant> windowStarts,
            List<StoredProfile> profiles) {
        replaceFields(modelId, version, dataset, fieldPrefix, windowStarts, profiles, List.of());
    }

    /** {@link #replaceFields Replaces the fields} and marks {@code staleDays} stale, in one transaction. */
    public void replaceFields(
            String modelId,
            String version,
            String dataset,
            String fieldPrefix,
            Collection<Instant> windowStarts,
            List<StoredProfile> profiles,
            Collection<Instant> staleDays) {
        replaceFields(modelId, version, dataset, fieldPrefix, windowStarts, profiles, staleDays, Optional.empty());
    }

    /** {@link #replaceFields Replaces the fields} and marks their days, only while {@code fence}'s run holds. */
    public void replaceFields(
            String modelId,
            String version,
            String dataset,
            String fieldPrefix,
            Collection<Instant> windowStarts,
            List<StoredProfile> profiles,
            Collection<Instant> staleDays,
            Optional<RunFence> fence) {
        for (StoredProfile p : profiles) {
            if (!p.field().startsWith(fieldPrefix)) {
                throw new IllegalArgumentException("profile of field '" + p.field() + "' is not a " + fieldPrefix);
            }
        }
        String pattern = fieldPrefix.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
        db.inTransaction("save the " + fieldPrefix + " profiles of " + modelId + "/" + version + "/" + dataset, c -> {
            if (fence.isPresent()) {
                fence.get().hold(c);
            }
            markStale(c, modelId, version, dataset, staleDays);
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM profiles WHERE model_id = ? AND version = ?"
                    + " AND dataset = ? AND window_start = ? AND field LIKE ? ESCAPE '!'")) {
                for (Instant start : windowStarts) {
                    delete.setString(1, modelId);
                    delete.setString(2, version);
                    delete.setString(3, dataset);
                    delete.setObject(4, Database.timestamp(start));
                    delete.setString(5, pattern);
                    delete.addBatch();
                }
                delete.executeBatch();
            }
            insert(c, modelId, version, dataset, profiles);
            return null;
        });
    }

    /** Every day marked stale, of every version and dataset, oldest first. */
    public List<StaleRollup> staleRollups() {
        return db.inTransaction("read the stale roll-ups", c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT model_id, version, dataset, day_start, generation FROM"
                            + " stale_rollups ORDER BY model_id, version, dataset, day_start")) {
                List<StaleRollup> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new StaleRollup(
                                rs.getString("model_id"),
                                rs.getString("version"),
                                rs.getString("dataset"),
                                Database.instant(rs, "day_start"),
                                rs.getLong("generation")));
                    }
                }
                return out;
            }
        });
    }

    /**
     * Clears the marks of {@code refreshed}, each only if it was not marked again since it was read (its generation
     * is unchanged): hours replaced during the refresh keep their day marked.
     */
    public void clearStale(Collection<StaleRollup> refreshed) {
        if (refreshed.isEmpty()) {
            return;
        }
        db.inTransaction("clear the stale roll-up marks", c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("DELETE FROM stale_rollups WHERE model_id = ? AND version = ?"
                            + " AND dataset = ? AND day_start = ? AND generation = ?")) {
                for (StaleRollup r : refreshed) {
                    ps.setString(1, r.modelId());
                    ps.setString(2, r.version());
                    ps.setString(3, r.dataset());
                    ps.setObject(4, Database.timestamp(r.day()));
                    ps.setLong(5, r.generation());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** Marks {@code days} stale (a new mark, or the next generation of an existing one), on {@code c}'s transaction. */
    private static void markStale(
            Connection c, String modelId, String version, String dataset, Collection<Instant> days)
            throws SQLException {
        for (Instant day : days) {
            try (PreparedStatement update = c.prepareStatement("UPDATE stale_rollups SET generation = generation + 1"
                    + " WHERE model_id = ? AND version = ? AND dataset = ? AND day_start = ?")) {
                update.setString(1, modelId);
                update.setString(2, version);
                update.setString(3, dataset);
                update.setObject(4, Database.timestamp(day));
                if (update.executeUpdate() > 0) {
                    continue;
                }
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO stale_rollups (model_id, version, dataset,"
                    + " day_start, generation) VALUES (?, ?, ?, ?, 1)")) {
                insert.setString(1, modelId);
                insert.setString(2, version);
                insert.setString(3, dataset);
                insert.setObject(4, Database.timestamp(day));
                insert.executeUpdate();
            }
        }
    }

    /** Which of the windows starting in [{@code from}, {@code to}) have been profiled (have stored profiles). */
    public SortedSet<Instant> profiledWindows(
            String modelId, String version, String dataset, Instant from, Instant to) {
        return db.inTransaction("read the profiled windows of " + modelId + "/" + version + "/" + dataset, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT window_start FROM profiles WHERE"
                    + " model_id = ? AND version = ? AND dataset = ? AND window_start >= ? AND window_start < ?"
                    + " AND segment = '' AND field = ''")) {
                ps.setString(1, modelId);
                ps.setString(2, version);
                ps.setString(3, dataset);
                ps.setObject(4, Database.timestamp(from));
                ps.setObject(5, Database.timestamp(to));
                SortedSet<Instant> out = new TreeSet<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(Database.instant(rs, "window_start"));
                    }
                }
                return out;
            }
        });
    }

    /** The start of the oldest and the end of the newest window of the dataset that have rows, if any. */
    public Optional<Instant[]> windowRange(String modelId, String version, String dataset) {
        return db.inTransaction("read the windows of " + modelId + "/" + version + "/" + dataset, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT min(window_start) AS first_start, max(window_end)"
                    + " AS last_end FROM profiles WHERE model_id = ? AND version = ? AND dataset = ? AND segment = ''"
                    + " AND field = ''")) {
                ps.setString(1, modelId);
                ps.setString(2, version);
                ps.setString(3, dataset);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    Instant first = Database.instant(rs, "first_start");
                    return first == null
                            ? Optional.<Instant[]>empty()
                            : Optional.of(new Instant[] {first, Database.instant(rs, "last_end")});
                }
            }
        });
    }

    /** Advances the dataset's watermark to {@code watermark}; never moves it back. */
    public void advanceWatermark(String modelId, String version, String dataset, Instant watermark) {
        db.inTransaction("advance the watermark of " + modelId + "/" + version + "/" + dataset, c -> {
            setWatermark(c, modelId, version, dataset, watermark);
            return null;
        });
    }

    /**
     * The profiles of windows starting in [{@code from}, {@code to}), ordered by window, segment
     * and field; {@code segment} and {@code field} filter when present ({@code ""} selects all
     * rows or the dataset-level counts).
     */
    public List<StoredProfile> find(
            String modelId,
            String version,
            String dataset,
            Instant from,
            Instant to,
            Optional<String> segment,
            Optional<String> field) {
        return findFields(modelId, version, dataset, from, to, segment, field.map(List::of));
    }

    /**
     * The profiles of windows starting in [{@code from}, {@code to}) whose field is one of {@code fields} (all
     * fields when empty), ordered by window, segment and field; {@code segment} filters when present.
     */
    public List<StoredProfile> findFields(
            String modelId,
            String version,
            String dataset,
            Instant from,
            Instant to,
            Optional<String> segment,
            Optional<? extends Collection<String>> fields) {
        List<StoredProfile> out = new ArrayList<>();
        forEachField(modelId, version, dataset, from, to, segment, fields, out::add);
        return out;
    }

    /**
     * {@link #findFields}, handing each profile to {@code each} as it is read instead of collecting them, so that a
     * caller that merges them holds only what it keeps (a year of a version's profiles is hundreds of megabytes).
     * {@code each} runs inside the read's transaction: it must not use the metastore.
     */
    public void forEachField(
            String modelId,
            String version,
            String dataset,
            Instant from,
            Instant to,
            Optional<String> segment,
            Optional<? extends Collection<String>> fields,
            Consumer<StoredProfile> each) {
        StringBuilder sql = new StringBuilder("SELECT window_start, window_end, segment, field, profile FROM profiles"
                + " WHERE model_id = ? AND version = ? AND dataset = ? AND window_start >= ? AND window_start < ?");
        segment.ifPresent(s -> sql.append(" AND segment = ?"));
        List<String> wanted = fields.map(f -> List.copyOf(f)).orElse(List.of());
        if (fields.isPresent()) {
            sql.append(wanted.isEmpty() ? " AND 1 = 0" : " AND field IN (" + "?, ".repeat(wanted.size() - 1) + "?)");
        }
        sql.append(" ORDER BY window_start, segment, field");
        db.inTransaction("read profiles of " + modelId + "/" + version + "/" + dataset, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int i = 1;
                ps.setString(i++, modelId);
                ps.setString(i++, version);
                ps.setString(i++, dataset);
                ps.setObject(i++, Database.timestamp(from));
                ps.setObject(i++, Database.timestamp(to));
                if (segment.isPresent()) {
                    ps.setString(i++, segment.get());
                }
                for (String f : wanted) {
                    ps.setString(i++, f);
                }
                ps.setFetchSize(1000);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        each.accept(new StoredProfile(
                                Database.instant(rs, "window_start"),
                                Database.instant(rs, "window_end"),
                                rs.getString("segment"),
                                rs.getString("field"),
                                rs.getBytes("profile")));
                    }
                }
                return null;
            }
        });
    }

    /** The end of the last window the dataset was profiled up to, if any. */
    public Optional<Instant> watermark(String modelId, String version, String dataset) {
        return db.inTransaction("read the watermark of " + modelId + "/" + version + "/" + dataset, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT watermark FROM watermarks WHERE model_id = ? AND version = ? AND dataset = ?")) {
                ps.setString(1, modelId);
                ps.setString(2, version);
                ps.setString(3, dataset);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(Database.instant(rs, "watermark")) : Optional.<Instant>empty();
                }
            }
        });
    }

    /**
     * The evaluation watermark of a version: the end of the serving windows whose monitor evaluation completed, if
     * any evaluation has (an installation upgraded to it starts at its serving watermark).
     */
    public Optional<Instant> evaluatedUpTo(String modelId, String version) {
        return db.inTransaction("read the evaluation watermark of " + modelId + "/" + version, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT evaluated_up_to FROM evaluation_watermarks WHERE model_id = ? AND version = ?")) {
                ps.setString(1, modelId);
                ps.setString(2, version);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(Database.instant(rs, "evaluated_up_to")) : Optional.<Instant>empty();
                }
            }
        });
    }

    /**
     * Advances the evaluation watermark of a version to {@code upTo} once the monitors of the serving windows before
     * it are evaluated and their alerts stored; never moves it back (a backfill of older windows leaves it).
     */
    public void advanceEvaluated(String modelId, String version, Instant upTo) {
        db.inTransaction("advance the evaluation watermark of " + modelId + "/" + version, c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE evaluation_watermarks SET evaluated_up_to = ?"
                    + " WHERE model_id = ? AND version = ? AND evaluated_up_to < ?")) {
                update.setObject(1, Database.timestamp(upTo));
                update.setString(2, modelId);
                update.setString(3, version);
                update.setObject(4, Database.timestamp(upTo));
                if (update.executeUpdate() > 0) {
                    return null;
                }
            }
            try (PreparedStatement exists =
                    c.prepareStatement("SELECT 1 FROM evaluation_watermarks WHERE model_id = ? AND version = ?")) {
                exists.setString(1, modelId);
                exists.setString(2, version);
                try (ResultSet rs = exists.executeQuery()) {
                    if (rs.next()) {
                        return null; // already at or beyond upTo
                    }
                }
            }
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO evaluation_watermarks (model_id, version, evaluated_up_to) VALUES (?, ?, ?)")) {
                insert.setString(1, modelId);
                insert.setString(2, version);
                insert.setObject(3, Database.timestamp(upTo));
                insert.executeUpdate();
            }
            return null;
        });
    }

    private static void insert(
            Connection c, String modelId, String version, String dataset, List<StoredProfile> profiles)
            throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO profiles (model_id, version, dataset,"
                + " window_start, window_end, segment, field, profile) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            int pending = 0;
            for (StoredProfile p : profiles) {
                insert.setString(1, modelId);
                insert.setString(2, version);
                insert.setString(3, dataset);
                insert.setObject(4, Database.timestamp(p.windowStart()));
                insert.setObject(5, Database.timestamp(p.windowEnd()));
                insert.setString(6, p.segment());
                insert.setString(7, p.field());
                insert.setBytes(8, p.bytes());
                insert.addBatch();
                if (++pending == BATCH) {
                    insert.executeBatch();
                    pending = 0;
                }
            }
            if (pending > 0) {
                insert.executeBatch();
            }
        }
    }

    private static void setWatermark(Connection c, String modelId, String version, String dataset, Instant watermark)
            throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE watermarks SET watermark = ?"
                + " WHERE model_id = ? AND version = ? AND dataset = ? AND watermark < ?")) {
            update.setObject(1, Database.timestamp(watermark));
            update.setString(2, modelId);
            update.setString(3, version);
            update.setString(4, dataset);
            update.setObject(5, Database.timestamp(watermark));
            if (update.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement exists =
                c.prepareStatement("SELECT 1 FROM watermarks WHERE model_id = ? AND version = ? AND dataset = ?")) {
            exists.setString(1, modelId);
            exists.setString(2, version);
            exists.setString(3, dataset);
            try (ResultSet rs = exists.executeQuery()) {
                if (rs.next()) {
                    return; // already at or beyond this watermark: a backfill never moves it back
                }
            }
        }
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO watermarks (model_id, version, dataset, watermark) VALUES (?, ?, ?, ?)")) {
            insert.setString(1, modelId);
            insert.setString(2, version);
            insert.setString(3, dataset);
            insert.setObject(4, Database.timestamp(watermark));
            insert.executeUpdate();
        }
    }
}
