package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.core.model.AggregationPeriod;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.Schema;
import dev.vigil.engine.profile.DatasetProfiler;
import dev.vigil.engine.source.PostgresSource;
import dev.vigil.server.runs.RunService;
import dev.vigil.server.runs.Scheduler;
import dev.vigil.testing.MutableClock;
import dev.vigil.testing.TestDatabase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs that hit an {@link Error}, or stop making progress, on a real server: the model and its serving dataset are
 * made through the API, over rows in a real PostgreSQL, and the runs read them with Spark. The fault comes through the
 * run service's own seams (its engine supplier and its listener), on a run service and scheduler built the way the
 * server builds them, over the server's metastore; the runs are read back through the API.
 */
class RunErrorIT extends AbstractServerIT {
    private static final Instant START = Instant.parse("2026-02-02T00:00:00Z");
    private static final int HOURS = 6;
    private static final Instant END = START.plus(Duration.ofHours(HOURS));

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
    void connect() {
        for (String model : List.of("oom", "stack", "stuck")) {
            vigil().createModel(model, model);
            vigil().apply(new ModelVersion(
                    model,
                    "v1",
                    ModelType.BINARY,
                    AggregationPeriod.HOURLY,
                    Schema.builder()
                            .feature("amount", FieldType.numeric())
                            .prediction("proba", FieldType.numeric())
                            .build(),
                    List.of()));
            vigil().version(model, "v1")
                    .connectServing(ItSupport.source(db(), reader, "SELECT * FROM ml.events"), "id", "ts");
        }
        PostgresSource source = new PostgresSource(Duration.ofSeconds(5), Duration.ofSeconds(300), server().spark());
        DatasetProfiler profiler = new DatasetProfiler(server().spark(), source);
        engine = () -> profiler;
    }

    @Test
    void aRunOutOfMemoryIsFailedWithItsSentenceAndTheNextScheduledRunSucceeds() throws Exception {
        AtomicInteger evaluations = new AtomicInteger();
        RunService.Listener failsOnce = (version, from, to) -> {
            if (version.modelId().equals("oom") && evaluations.getAndIncrement() == 0) {
                throw new OutOfMemoryError("Java heap space");
            }
        };
        try (RunService runs =
                        new RunService(server().metastore(), engine, clock, failsOnce, ServerConfig.Limits.defaults());
                Scheduler scheduler = new Scheduler(server().metastore(), runs, clock)) {
            scheduler.tick(); // first sight: nothing due until the next hour
            clock.advance(Duration.ofHours(1));
            scheduler.tick();
            JsonNode failed = await(latest("oom").path("id").asText());
            assertThat(failed.path("status").asText()).isEqualTo("failed");
            assertThat(failed.path("error").asText())
                    .isEqualTo("the run ran out of memory (OutOfMemoryError) while evaluating the monitors of windows "
                            + failed.path("from").asText() + " to "
                            + failed.path("to").asText()
                            + "; give the server more heap (-Xmx in VIGIL_JAVA_OPTS) or run a shorter range");
            assertThat(failed.path("windows_done").asInt())
                    .as("the batch before the error is kept")
                    .isEqualTo(failed.path("windows_total").asInt())
                    .isGreaterThan(1);

            scheduler.tick(); // sees the failure: retried in 30 s
            clock.advance(Duration.ofSeconds(31));
            scheduler.tick();
            JsonNode retried = await(latest("oom").path("id").asText());
            assertThat(retried.path("id").asText())
                    .isNotEqualTo(failed.path("id").asText());
            assertThat(retried.path("status").asText()).as(retried.toString()).isEqualTo("succeeded");
            assertThat(evaluations.get()).isEqualTo(2);
        }
    }

    @Test
    void aRunOutOfStackIsFailedAndTheRunThreadGoesOn() throws Exception {
        AtomicInteger starts = new AtomicInteger();
        Supplier<DatasetProfiler> overflowsOnce = () -> {
            if (starts.getAndIncrement() == 0) {
                throw new StackOverflowError();
            }
            return engine.get();
        };
        try (RunService runs = new RunService(
                server().metastore(), overflowsOnce, clock, (v, f, t) -> {}, ServerConfig.Limits.defaults())) {
            var version = server().metastore().version("stack", "v1");
            String first = runs.submit(version, DatasetKind.SERVING, Optional.of(START), Optional.of(END))
                    .id();
            JsonNode failed = await(first);
            assertThat(failed.path("status").asText()).isEqualTo("failed");
            assertThat(failed.path("error").asText())
                    .isEqualTo("the run ran out of stack (StackOverflowError) while starting Spark;"
                            + " the server log has where, please report it");
            String second = runs.submit(version, DatasetKind.SERVING, Optional.of(START), Optional.of(END))
                    .id();
            JsonNode done = await(second);
            assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("succeeded");
            assertThat(done.path("windows_done").asInt()).isEqualTo(HOURS);
        }
    }

    @Test
    void aRunWithoutProgressPastItsLeaseIsFailedAndItsDatasetScheduledAgain() throws Exception {
        CountDownLatch hanging = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        AtomicInteger evaluations = new AtomicInteger();
        RunService.Listener hangsOnce = (version, from, to) -> {
            if (version.modelId().equals("stuck") && evaluations.getAndIncrement() == 0) {
                hanging.countDown();
                try {
                    Thread.sleep(Duration.ofMinutes(5).toMillis()); // a call that never returns
                } catch (InterruptedException e) {
                    interrupted.countDown();
                    throw new IllegalStateException("interrupted");
                }
            }
        };
        ServerConfig.Limits limits = new ServerConfig.Limits(1 << 20, 10_000, 100, 600);
        try (RunService runs = new RunService(server().metastore(), engine, clock, hangsOnce, limits);
                Scheduler scheduler = new Scheduler(server().metastore(), runs, clock)) {
            scheduler.tick();
            clock.advance(Duration.ofHours(1));
            scheduler.tick();
            assertThat(hanging.await(3, TimeUnit.MINUTES)).isTrue();
            String stuck = latest("stuck").path("id").asText();
            clock.advance(Duration.ofSeconds(599));
            scheduler.tick();
            assertThat(vigil().getRun(stuck).path("status").asText())
                    .as("within its lease")
                    .isEqualTo("running");
            assertThat(latest("stuck").path("id").asText()).isEqualTo(stuck);

            clock.advance(Duration.ofSeconds(2));
            scheduler.tick(); // reaps it, then sees it failed: retried in 30 s
            assertThat(interrupted.await(30, TimeUnit.SECONDS))
                    .as("its thread was interrupted")
                    .isTrue();
            JsonNode reaped = vigil().getRun(stuck);
            assertThat(reaped.path("status").asText()).isEqualTo("failed");
            assertThat(reaped.path("error").asText())
                    .isEqualTo("the run made no progress for 600 seconds (VIGIL_RUN_LEASE) and was stopped;"
                            + " run it again, or raise VIGIL_RUN_LEASE if its batches take that long");
            clock.advance(Duration.ofSeconds(31));
            scheduler.tick();
            JsonNode retried = await(latest("stuck").path("id").asText());
            assertThat(retried.path("id").asText()).isNotEqualTo(stuck);
            assertThat(retried.path("status").asText()).as(retried.toString()).isEqualTo("succeeded");
            assertThat(vigil().getRun(stuck).path("status").asText())
                    .as("its thread went on once interrupted, and its success came too late to replace the failure")
                    .isEqualTo("failed");
        }
    }

    private JsonNode latest(String model) {
        return vigil().getJson("/api/v1/models/" + model + "/versions/v1/runs").get(0);
    }
}
