package dev.vigil.engine.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.testing.PostgresTestServer;
import dev.vigil.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * An epoch-number timestamp column read the same way by PostgreSQL (the window predicates) and by Vigil's tasks
 * ({@link SourceTimestamps#epochSeconds}), in seconds, milli-, micro- and nanoseconds (review F20: microseconds used
 * to be read as milliseconds, thousands of years ahead, and matched no window without a word).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EpochUnitsIT {
    /** 2026-03-01T10:30:00Z, by hand: 20,513 days × 86,400 s + 10.5 h × 3,600 s. */
    private static final long INSIDE = 20_513L * 86_400 + 37_800;

    private static final long OUTSIDE = INSIDE + 3_600;
    private static final long[] UNITS = {1L, 1_000L, 1_000_000L, 1_000_000_000L};

    private TestDatabase db;

    @BeforeAll
    void createTable() throws Exception {
        db = PostgresTestServer.fromEnvironment().createDatabase("epoch_units");
        try (Connection c = db.connectAsAdmin();
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t (id int, ts bigint)");
            for (int u = 0; u < UNITS.length; u++) {
                st.execute("INSERT INTO t VALUES (" + (u + 1) + ", " + INSIDE * UNITS[u] + "), (" + (u + 5) + ", "
                        + OUTSIDE * UNITS[u] + ")");
            }
        }
    }

    @AfterAll
    void drop() throws Exception {
        db.close();
    }

    @Test
    void everyUnitFallsInTheSameWindowForPostgresqlAndForVigil() throws Exception {
        Instant start = Instant.parse("2026-03-01T10:00:00Z");
        assertThat(Instant.ofEpochSecond(INSIDE)).isEqualTo(Instant.parse("2026-03-01T10:30:00Z"));
        List<Integer> ids = new ArrayList<>();
        try (Connection c = db.connectAsAdmin();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT id FROM t WHERE "
                        + SourceSql.window("ts", "int8", start, start.plusSeconds(3600)) + " ORDER BY id")) {
            while (rs.next()) {
                ids.add(rs.getInt(1));
            }
        }
        assertThat(ids).containsExactly(1, 2, 3, 4);
        for (long unit : UNITS) {
            assertThat(SourceTimestamps.epochSeconds(INSIDE * unit))
                    .as("%d per second", unit)
                    .isEqualTo((double) INSIDE);
        }
    }
}
