package dev.vigil.engine.source;

import dev.vigil.core.model.DatasetConnection;
import dev.vigil.core.model.PostgresJdbcDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The two questions the profiler asks a session rather than Spark: the time range of a dataset's rows, and the
 * timestamps of the serving rows some actuals' ids name. Both read the timestamp column as its PostgreSQL type
 * asks ({@link SourceTimestamps#instant}).
 */
final class TimestampLookups {
    private final ReadOnlySessions sessions;

    TimestampLookups(ReadOnlySessions sessions) {
        this.sessions = sessions;
    }

    Optional<Instant[]> timeRange(DatasetConnection connection, String timestampType) {
        PostgresJdbcDataSource src = connection.source();
        String sql = SourceSql.timeRange(src, connection.timestampColumn());
        try (Connection c = sessions.open(src);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            Instant min = SourceTimestamps.instant(rs, 1, timestampType);
            Instant max = SourceTimestamps.instant(rs, 2, timestampType);
            return min == null ? Optional.empty() : Optional.of(new Instant[] {min, max});
        } catch (SQLException e) {
            throw SourceFailures.timeRangeFailure(connection, e);
        }
    }

    long timestampsOfIds(
            DatasetConnection serving,
            String idType,
            String timestampType,
            List<String> ids,
            Consumer<Instant> timestamps) {
        String sql = SourceSql.idLookup(serving, idType);
        long unmatched = 0;
        try (Connection c = sessions.open(serving.source());
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("text", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getBoolean(3)) {
                        unmatched++;
                        continue;
                    }
                    Instant at = SourceTimestamps.instant(rs, 2, timestampType);
                    if (at != null) {
                        timestamps.accept(at);
                    }
                }
            }
        } catch (SQLException e) {
            throw sessions.failures().idLookupFailure(serving.source(), idType, e);
        }
        return unmatched;
    }
}
