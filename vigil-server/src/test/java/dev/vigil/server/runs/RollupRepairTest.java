package dev.vigil.server.runs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.model.AggregationPeriod;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.Model;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.Schema;
import dev.vigil.query.Rollups;
import dev.vigil.stats.DatasetProfile;
import dev.vigil.stats.FieldProfile;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server repairs roll-ups a crashed run left stale: when its run service starts, and on every scheduler tick.
 */
class RollupRepairTest {
    private static final Instant DAY = Instant.parse("2026-02-02T00:00:00Z");

    /** Stores three hours of the day as a batch does, marks included, and stops before the refresh (a crash). */
    private static void replaceHoursAndCrash(Metastore store, ModelVersion v, double value) {
        List<Instant> hours = new ArrayList<>();
        List<StoredProfile> profiles = new ArrayList<>();
        for (int h = 0; h < 3; h++) {
            Instant start = DAY.plus(Duration.ofHours(h));
            hours.add(start);
            FieldProfile a = FieldProfile.create(FieldType.numeric());
            a.addNumber(value + h);
            DatasetProfile rows = new DatasetProfile();
            rows.addRows(1);
            profiles.add(new StoredProfile(start, start.plus(Duration.ofHours(1)), "", "", rows.toBytes()));
            profiles.add(new StoredProfile(start, start.plus(Duration.ofHours(1)), "", "a", a.toBytes()));
        }
        store.profiles()
                .replaceWindows("m", "v1", "serving", hours, profiles, Optional.empty(), Rollups.days(v, hours));
    }

    /** The maximum of field a in the day's roll-up, or null when the day has none. */
    private static Double dayMax(Metastore store) {
        return store
                .profiles()
                .find("m", "v1", "serving@day", DAY, DAY.plus(Duration.ofDays(1)), Optional.of(""), Optional.of("a"))
                .stream()
                .findFirst()
                .map(p -> FieldProfile.fromBytes(p.bytes()).metrics().get("max"))
                .orElse(null);
    }

    @Test
    void staleRollupsAreRepairedAtStartupAndOnEveryTick(@TempDir Path dir) {
        Clock clock = Clock.systemUTC();
        try (Metastore store = Metastore.openDefault(dir, Map.of(), clock)) {
            ModelVersion v = new ModelVersion(
                    "m",
                    "v1",
                    ModelType.BINARY,
                    AggregationPeriod.HOURLY,
                    Schema.builder()
                            .feature("a", FieldType.numeric())
                            .prediction("p", FieldType.numeric())
                            .build());
            store.models().upsert(new Model("m", "M"));
            store.versions().upsert(v);
            replaceHoursAndCrash(store, v, 10);
            assertThat(dayMax(store))
                    .as("no roll-up: the run crashed before it")
                    .isNull();

            try (RunService runs = new RunService(
                            store,
                            () -> {
                                throw new AssertionError("no run");
                            },
                            clock);
                    Scheduler scheduler = new Scheduler(store, runs, clock)) {
                assertThat(dayMax(store))
                        .as("repaired when the run service started")
                        .isEqualTo(12.0);
                assertThat(store.profiles().staleRollups()).isEmpty();

                replaceHoursAndCrash(store, v, 20);
                assertThat(dayMax(store)).as("stale").isEqualTo(12.0);
                scheduler.tick();
                assertThat(dayMax(store)).as("repaired on the tick").isEqualTo(22.0);
                assertThat(store.profiles().staleRollups()).isEmpty();
            }
        }
    }
}
