package dev.vigil.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts over the metastore for the Prometheus endpoint: open alerts, finished runs and failed notifications. Read at
 * scrape time from the metastore rather than counted in the process, so that every server sharing it (decision 0022)
 * reports the same numbers and a restart loses none.
 */
public final class OperationsRepository {
    private final Database db;

    OperationsRepository(Database db) {
        this.db = db;
    }

    /** The number of unresolved (open or acknowledged) alerts of one version and severity. */
    public record OpenAlerts(String modelId, String version, String severity, long count) {}

    /** A finished run: its dataset, whether it failed, and how long it ran (from its start to its end). */
    public record FinishedRun(String modelId, String version, String dataset, Run.Status status, Duration took) {}

    /** The number of notifications of one channel kind ({@code webhook}, {@code slack}, …) that failed for good. */
    public record FailedDeliveries(String channel, long count) {}

    /** Unresolved alerts by version and severity. */
    public List<OpenAlerts> openAlerts() {
        return db.inTransaction("count open alerts", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT model_id, version, severity, COUNT(*) FROM alerts"
                    + " WHERE status <> 'RESOLVED' GROUP BY model_id, version, severity")) {
                List<OpenAlerts> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new OpenAlerts(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)));
                    }
                }
                return out;
            }
        });
    }

    /** Every run that started and finished (succeeded or failed), oldest first. */
    public List<FinishedRun> finishedRuns() {
        return db.inTransaction("read finished runs", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT model_id, version, dataset, status, started_at,"
                    + " finished_at FROM runs WHERE status IN ('SUCCEEDED', 'FAILED') AND started_at IS NOT NULL"
                    + " AND finished_at IS NOT NULL ORDER BY created_at")) {
                List<FinishedRun> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Instant started = Database.instant(rs, "started_at");
                        Instant finished = Database.instant(rs, "finished_at");
                        Duration took = Duration.between(started, finished);
                        out.add(new FinishedRun(
                                rs.getString(1),
                                rs.getString(2),
                                rs.getString(3),
                                Run.Status.valueOf(rs.getString(4)),
                                took.isNegative() ? Duration.ZERO : took));
                    }
                }
                return out;
            }
        });
    }

    /** Deliveries failed for good (every attempt spent), by channel kind. */
    public List<FailedDeliveries> failedDeliveries() {
        return db.inTransaction("count failed deliveries", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT channel, COUNT(*) FROM deliveries WHERE status = 'FAILED' GROUP BY channel")) {
                List<FailedDeliveries> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new FailedDeliveries(rs.getString(1), rs.getLong(2)));
                    }
                }
                return out;
            }
        });
    }
}
