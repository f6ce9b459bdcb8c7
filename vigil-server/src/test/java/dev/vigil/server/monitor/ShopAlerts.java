package dev.vigil.server.monitor;

import dev.vigil.core.spec.SpecCodec;
import dev.vigil.store.Alert;
import dev.vigil.store.Metastore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The notifier tests' shop/v1 fixtures, written straight to the metastore as the API and the evaluator would: a
 * {@code model_activity} monitor with given actions, and a {@code row_count} alert of it with its deliveries due.
 */
final class ShopAlerts {
    private ShopAlerts() {}

    /** Stores monitor {@code name} of shop/v1 with {@code actions} (JSON objects), as a PUT that passed would have. */
    static void monitor(Metastore store, String name, String... actions) throws Exception {
        store.monitors()
                .upsert(
                        "shop",
                        "v1",
                        name,
                        SpecCodec.json()
                                .readTree("{\"name\": \"" + name + "\", \"type\": \"model_activity\", \"detection\":"
                                        + " {\"method\": \"absolute\", \"min\": 1}, \"actions\": ["
                                        + String.join(", ", actions) + "]}"));
    }

    /**
     * Raises an alert of {@code monitor} for the hour from {@code start}, one delivery due at once per channel (in
     * action order), as the evaluator does; its id.
     */
    static String raise(Metastore store, String monitor, Instant start, String... channels) {
        return store.alerts()
                .raise(
                        new Alert(
                                null,
                                "shop",
                                "v1",
                                monitor,
                                "",
                                "",
                                start,
                                start.plus(Duration.ofHours(1)),
                                "row_count",
                                0.0,
                                1.0,
                                null,
                                "medium",
                                Alert.Status.OPEN,
                                "row_count 0 is below 1",
                                null,
                                null,
                                null),
                        List.of(channels),
                        Instant.EPOCH)
                .alert()
                .id();
    }
}
