package dev.vigil.server.runs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.core.model.AggregationPeriod;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.Model;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.Schema;
import dev.vigil.store.Alert;
import dev.vigil.store.DeliveryRepository;
import dev.vigil.store.Metastore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On an H2 file, which one process holds, a server that starts after a crash gives back every named lease and every
 * notification claim the crashed process left (decision 0022): as a new holder it would otherwise wait for them to
 * expire, its monitor passes for up to 10 minutes and its notifications for 5.
 */
class SingleServerStartupTest {
    @Test
    void leasesAndClaimsACrashLeftAreGivenBackWhenTheRunServiceStarts(@TempDir Path dir) {
        Clock clock = Clock.systemUTC();
        String deliveryId;
        String alertId;
        try (Metastore crashed = Metastore.openDefault(dir, Map.of(), clock)) {
            crashed.models().upsert(new Model("m", "M"));
            crashed.versions()
                    .upsert(new ModelVersion(
                            "m",
                            "v1",
                            ModelType.BINARY,
                            AggregationPeriod.HOURLY,
                            Schema.builder()
                                    .feature("a", FieldType.numeric())
                                    .prediction("p", FieldType.numeric())
                                    .build()));
            assertThat(crashed.leases().acquire("evaluate m/v1", "srv_dead", Duration.ofMinutes(10)))
                    .isTrue();
            assertThat(crashed.leases().acquire("clock-driven monitors", "srv_dead", Duration.ofMinutes(5)))
                    .isTrue();
            Instant start = Instant.parse("2026-03-08T00:00:00Z");
            Alert alert = crashed.alerts()
                    .raise(new Alert(
                            null,
                            "m",
                            "v1",
                            "drift",
                            "a",
                            "",
                            start,
                            start.plusSeconds(3600),
                            "drift_score",
                            0.3,
                            0.1,
                            null,
                            "high",
                            null,
                            "drift_score 0.3 above 0.1",
                            null,
                            null,
                            null))
                    .alert();
            assertThat(crashed.deliveries().enqueue(alert, 0, "webhook")).isTrue();
            alertId = alert.id();
            deliveryId = crashed.deliveries().list(alertId).get(0).id();
            assertThat(crashed.deliveries().claim(deliveryId, 0, "srv_dead", Duration.ofMinutes(5)))
                    .isTrue();
            assertThat(crashed.deliveries().due(clock.instant(), 10)).isEmpty();
        } // the process died holding them

        try (Metastore store = Metastore.openDefault(dir, Map.of(), clock)) {
            assertThat(store.leases().acquire("evaluate m/v1", "srv_new", Duration.ofMinutes(10)))
                    .as("before the run service starts, still the dead process's")
                    .isFalse();
            try (RunService runs = new RunService(
                    store,
                    () -> {
                        throw new AssertionError("no run");
                    },
                    clock)) {
                assertThat(store.leases().acquire("evaluate m/v1", "srv_new", Duration.ofMinutes(10)))
                        .isTrue();
                assertThat(store.leases().acquire("clock-driven monitors", "srv_new", Duration.ofMinutes(5)))
                        .isTrue();
                assertThat(store.deliveries().due(clock.instant(), 10))
                        .extracting(DeliveryRepository.Delivery::id)
                        .containsExactly(deliveryId);
                assertThat(store.deliveries().list(alertId))
                        .extracting(DeliveryRepository.Delivery::status, DeliveryRepository.Delivery::attempts)
                        .as("only the claim ended: still pending, no attempt")
                        .containsExactly(org.assertj.core.groups.Tuple.tuple("PENDING", 0));
            }
        }
    }
}
