package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.client.Vigil;
import dev.vigil.core.model.AggregationPeriod;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.Schema;
import dev.vigil.engine.profile.DatasetProfiler;
import dev.vigil.engine.source.PostgresSource;
import dev.vigil.server.runs.RunService;
import dev.vigil.store.Metastore;
import dev.vigil.testing.MutableClock;
import dev.vigil.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Monitors of windows a run stored and never evaluated, because the server stopped in between (review F10): the
 * server evaluates them on its next tick, or when it starts again, and raises each alert exactly once.
 *
 * <p>The crash is a run service built the way the server builds it, over the server's metastore, whose listener (the
 * monitor evaluation) never runs: the batch is stored, its evaluation is not, as when the process dies between the
 * two. The rows are in a real PostgreSQL and the runs read them with Spark; the alerts are read through the API.
 */
class EvaluationCatchUpIT extends AbstractServerIT {
    private static final Instant START = Instant.parse("2026-02-02T00:00:00Z");
    private static final int HOURS = 6;
    private static final Instant END = START.plus(Duration.ofHours(HOURS));
    /**
     * Hour h holds amounts 1.5 × (3h, 3h + 1, 3h + 2), so its maximum is 4.5 h + 3: 3, 7.5, 12, 16.5, 21, 25.5. Above
     * 20 are hours 4 and 5.
     */
    private static final String MONITOR = "{name: big-amount, type: metric_change, fields: [amount], metric: max,"
            + " detection: {method: absolute, max: 20}}";

    private static final List<String> FIRING_HOURS = List.of("2026-02-02T04:00:00Z", "2026-02-02T05:00:00Z");

    private final MutableClock clock = new MutableClock(END.plus(Duration.ofMinutes(10)));
    private TestDatabase.Credentials reader;
    private Supplier<DatasetProfiler> engine;

    @Override
    protected void createSource(TestDatabase db) throws Exception {
        db.execute(
                "CREATE SCHEMA ml",
                "CREATE TABLE ml.events (id bigint, ts timestamptz, amount double precision, proba double precision)",
                // three rows an hour for six hours: 18 rows
                "INSERT INTO ml.events SELECT g, timestamptz '" + START + "' + (g / 3) * interval '1 hour',"
                        + " g * 1.5, (g % 10) / 10.0 FROM generate_series(0, " + (HOURS * 3 - 1) + ") g");
        reader = db.createReadOnlyUser("ml", List.of("events"));
    }

    @Override
    protected Clock clock() {
        return clock;
    }

    @BeforeAll
    void engine() {
        PostgresSource source = new PostgresSource(Duration.ofSeconds(5), Duration.ofSeconds(300), server().spark());
        DatasetProfiler profiler = new DatasetProfiler(server().spark(), source);
        engine = () -> profiler;
    }

    @Test
    void aRunsOwnEvaluationRaisesTheAlertsAndAdvancesTheWatermarkAndATickAddsNothing() throws Exception {
        create(vigil(), "evaluated");
        runToSuccess("evaluated", "v1", "serving", START, END);
        List<String> raised = ids(vigil(), "evaluated");
        assertThat(windows(vigil(), "evaluated")).isEqualTo(FIRING_HOURS);
        assertThat(server().metastore().profiles().evaluatedUpTo("evaluated", "v1"))
                .contains(END);

        server().tick();
        assertThat(ids(vigil(), "evaluated")).isEqualTo(raised);
    }

    @Test
    void windowsStoredAndNotEvaluatedAreEvaluatedOnTheNextTickExactlyOnce() throws Exception {
        create(vigil(), "crashed");
        storeWithoutEvaluating(server().metastore(), "crashed", this::await);
        assertThat(vigil().alerts(Map.of("model", "crashed")))
                .as("the run stored its windows, and the server stopped before evaluating them")
                .isEmpty();
        assertThat(server().metastore().profiles().evaluatedUpTo("crashed", "v1"))
                .isEmpty();

        server().tick();
        assertThat(windows(vigil(), "crashed")).isEqualTo(FIRING_HOURS);
        assertThat(server().metastore().profiles().evaluatedUpTo("crashed", "v1"))
                .contains(END);
        List<String> raised = ids(vigil(), "crashed");

        server().tick();
        assertThat(ids(vigil(), "crashed"))
                .as("no second alert on the next tick")
                .isEqualTo(raised);
    }

    @Test
    void windowsStoredAndNotEvaluatedAreEvaluatedWhenTheServerStartsAgain(@TempDir Path dataDir) throws Exception {
        List<String> raised;
        try (VigilServer first = VigilServer.start(config(dataDir), Map.of(), clock)) {
            Vigil sdk = Vigil.connect(first.url(), TOKEN);
            create(sdk, "restarted");
            storeWithoutEvaluating(first.metastore(), "restarted", runId -> awaitOn(sdk, runId));
            assertThat(sdk.alerts(Map.of("model", "restarted"))).isEmpty();
        }
        try (VigilServer second = VigilServer.start(config(dataDir), Map.of(), clock)) {
            Vigil sdk = Vigil.connect(second.url(), TOKEN);
            assertThat(windows(sdk, "restarted"))
                    .as("evaluated when the server started, before any tick")
                    .isEqualTo(FIRING_HOURS);
            raised = ids(sdk, "restarted");
            second.tick();
            assertThat(ids(sdk, "restarted")).isEqualTo(raised);
        }
        try (VigilServer third = VigilServer.start(config(dataDir), Map.of(), clock)) {
            assertThat(ids(Vigil.connect(third.url(), TOKEN), "restarted"))
                    .as("nothing raised again at the next start")
                    .isEqualTo(raised);
        }
    }

    /** A model {@code model}/v1 with its serving dataset and the monitor, made through the API of {@code sdk}. */
    private void create(Vigil sdk, String model) {
        sdk.createModel(model, model);
        sdk.apply(new ModelVersion(
                model,
                "v1",
                ModelType.BINARY,
                AggregationPeriod.HOURLY,
                Schema.builder()
                        .feature("amount", FieldType.numeric())
                        .prediction("proba", FieldType.numeric())
                        .build(),
                List.of()));
        sdk.version(model, "v1").connectServing(ItSupport.source(db(), reader, "SELECT * FROM ml.events"), "id", "ts");
        sdk.version(model, "v1").createMonitor(MONITOR);
    }

    /** A waiting for a run to finish. */
    private interface Await {
        JsonNode finished(String runId) throws InterruptedException;
    }

    /** Runs serving over the six hours, storing every window and evaluating none (the crash). */
    private void storeWithoutEvaluating(Metastore store, String model, Await await) throws Exception {
        try (RunService crashing =
                new RunService(store, engine, clock, (version, from, to) -> {}, ServerConfig.Limits.defaults())) {
            String id = crashing.submit(
                            store.version(model, "v1"), DatasetKind.SERVING, Optional.of(START), Optional.of(END))
                    .id();
            JsonNode done = await.finished(id);
            assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("succeeded");
            assertThat(done.path("windows_done").asInt()).isEqualTo(HOURS);
        }
    }

    private static JsonNode awaitOn(Vigil sdk, String runId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode run = sdk.getRun(runId);
            String status = run.path("status").asText();
            if (status.equals("succeeded") || status.equals("failed")) {
                return run;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("run " + runId + " did not finish in 3 minutes");
    }

    /** The window starts of the model's alerts, oldest first; each alert of the monitor big-amount on amount. */
    private static List<String> windows(Vigil sdk, String model) {
        List<String> out = new ArrayList<>();
        for (JsonNode a : sdk.alerts(Map.of("model", model))) {
            assertThat(a.path("monitor").asText()).isEqualTo("big-amount");
            assertThat(a.path("field").asText()).isEqualTo("amount");
            out.add(a.path("window_start").asText());
        }
        out.sort(null);
        return out;
    }

    /** The ids of the model's alerts, sorted. */
    private static List<String> ids(Vigil sdk, String model) {
        List<String> out = new ArrayList<>();
        sdk.alerts(Map.of("model", model)).forEach(a -> out.add(a.path("id").asText()));
        out.sort(null);
        return out;
    }
}
