package dev.vigil.server.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.model.AggregationPeriod;
import dev.vigil.core.model.DatasetConnection;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.Model;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.PostgresJdbcDataSource;
import dev.vigil.core.model.Schema;
import dev.vigil.core.spec.SpecCodec;
import dev.vigil.query.Rollups;
import dev.vigil.stats.DatasetProfile;
import dev.vigil.store.Alert;
import dev.vigil.store.Metastore;
import dev.vigil.store.StoredProfile;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code seasonal: week} through the real evaluator (decision 0031): nine weeks of hourly serving windows whose row
 * counts follow a weekly cycle (a daily wave of ±400 on 1,000, 300 fewer on weekends, noise σ 20) are stored in a
 * metastore as a run stores them; one hour of the last week, Thursday 14:00, has 200 rows fewer (10σ of the noise).
 * Evaluating the last week's 168 windows, the seasonal monitor raises exactly that one alert; today's anomaly
 * detection over the 24 windows before, whose σ is the daily wave's, raises none there.
 */
class SeasonalMonitorIT {
    private static final Instant START = Instant.parse("2026-01-05T00:00:00Z"); // a Monday
    private static final int WEEKS = 9;

    @Test
    void aCleanWeeklyCycleIsQuietAndAChangedHourAlarms(@TempDir Path dir) {
        ModelVersion version = new ModelVersion(
                "cycle",
                "v1",
                ModelType.BINARY,
                AggregationPeriod.HOURLY,
                Schema.builder()
                        .feature("x", FieldType.numeric())
                        .prediction("score", FieldType.numeric())
                        .build());
        Instant lastWeek = START.plus(Duration.ofDays(7L * (WEEKS - 1)));
        Instant changed = lastWeek.plus(Duration.ofHours(3 * 24 + 14));
        Instant end = START.plus(Duration.ofDays(7L * WEEKS));
        try (Metastore store = Metastore.openDefault(dir, Map.of(), Clock.systemUTC())) {
            store.models().upsert(new Model("cycle", "Cycle"));
            store.versions().upsert(version);
            PostgresJdbcDataSource none = PostgresJdbcDataSource.builder()
                    .url("jdbc:postgresql://localhost:5432/none")
                    .query("SELECT 1")
                    .user("none")
                    .build();
            store.datasets().upsert("cycle", "v1", DatasetConnection.of(DatasetKind.SERVING, none, "id", "ts"));
            Random random = new Random(20261130L);
            for (int day = 0; day < 7 * WEEKS; day++) {
                List<StoredProfile> profiles = new ArrayList<>();
                List<Instant> starts = new ArrayList<>();
                for (int h = 0; h < 24; h++) {
                    Instant ws = START.plus(Duration.ofHours(24L * day + h));
                    boolean weekend = day % 7 >= 5;
                    long rows = Math.round(1000
                            + 400 * Math.sin(2 * Math.PI * h / 24.0)
                            - (weekend ? 300 : 0)
                            + 20 * random.nextGaussian()
                            - (ws.equals(changed) ? 200 : 0));
                    DatasetProfile profile = new DatasetProfile();
                    profile.addRows(rows);
                    starts.add(ws);
                    profiles.add(new StoredProfile(ws, ws.plus(Duration.ofHours(1)), "", "", profile.toBytes()));
                }
                Instant dayEnd = starts.get(23).plus(Duration.ofHours(1));
                store.profiles().replaceWindows("cycle", "v1", "serving", starts, profiles, Optional.of(dayEnd));
                Rollups.refresh(store, version, "serving", starts);
            }
            store.monitors()
                    .upsert(
                            "cycle",
                            "v1",
                            "weekly",
                            SpecCodec.parseYaml(
                                    "{name: weekly, type: model_activity, detection: {method: anomaly, seasonal: week}}",
                                    "m.yaml"));
            store.monitors()
                    .upsert(
                            "cycle",
                            "v1",
                            "trailing",
                            SpecCodec.parseYaml(
                                    "{name: trailing, type: model_activity, detection: {method: anomaly, k: 3,"
                                            + " baseline_windows: 24}}",
                                    "m.yaml"));
            MonitorEvaluator evaluator = new MonitorEvaluator(store, () -> {}, Clock.systemUTC());
            MonitorEvaluator.Summary summary = evaluator.evaluate(version, lastWeek, end);
            assertThat(summary.evaluated()).as("168 windows × 2 monitors").isEqualTo(2 * 168);

            List<Alert> weekly = alerts(store, "weekly");
            assertThat(weekly).extracting(Alert::windowStart).containsExactly(changed);
            assertThat(weekly.get(0).reason())
                    .contains("is outside the 99.9% prediction interval of the same window of the last 8 weeks");
            assertThat(alerts(store, "trailing"))
                    .extracting(Alert::windowStart)
                    .as("mean ± 3σ of the 24 windows before cannot see the changed hour")
                    .doesNotContain(changed);
        }
    }

    private static List<Alert> alerts(Metastore store, String monitor) {
        return store.alerts().list(Optional.of("cycle"), Optional.empty(), 1000).stream()
                .filter(a -> a.monitor().equals(monitor))
                .toList();
    }
}
