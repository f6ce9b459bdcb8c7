package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.client.Vigil;
import dev.vigil.core.model.AggregationPeriod;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.Jdbc;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.Schema;
import dev.vigil.core.spec.SpecCodec;
import dev.vigil.engine.spark.SparkRuntime;
import dev.vigil.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shop data set profiled by a server whose Spark is a standalone cluster (a master and a worker in their own
 * JVMs, from Spark's jars alone: {@link SparkStandalone}) gives the same numbers as a server in local mode, and its
 * tasks run on the worker's executor, which had no Vigil class and no PostgreSQL driver until the server shipped them.
 * A run whose context is stopped under it fails with one sentence; the next run starts a new application and gives
 * the same numbers. A query that fails on the executor fails the run with the source's reason and the executor.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT extends AbstractServerIT {
    private static final Logger LOG = LoggerFactory.getLogger(StandaloneClusterIT.class);
    private static final Instant START = Instant.parse("2026-03-10T00:00:00Z");
    private static final Instant END = Instant.parse("2026-03-14T00:00:00Z");
    private static final List<String> QUERIES = List.of(
            "/api/v1/models/shop/versions/v1/metrics?granularity=hour",
            "/api/v1/models/shop/versions/v1/metrics?granularity=all",
            "/api/v1/models/shop/versions/v1/metrics?granularity=day&segment=owner=web",
            "/api/v1/models/shop/versions/v1/drift?granularity=day");

    private final List<String> taskExecutors = new CopyOnWriteArrayList<>();
    private TestDatabase.Credentials reader;
    private SparkStandalone cluster;
    private Path clusterDir;
    private long startedAt;
    private List<String> onCluster;

    @Override
    protected void createSource(TestDatabase db) throws Exception {
        reader = ItSupport.loadShop(db);
    }

    /** The cluster starts before the server, which is told its master and to advertise the driver on loopback. */
    @Override
    protected ServerConfig configure(ServerConfig config) throws Exception {
        assertThat(System.getProperty("spark.testing"))
                .as("with spark.testing set, Spark would put this JVM's classpath on the executors")
                .isNull();
        startedAt = System.nanoTime();
        clusterDir = Files.createTempDirectory("vigil-spark-cluster");
        closeAfterClass(() -> deleteTree(clusterDir)); // after the cluster, registered after it, has stopped
        cluster = closeAfterClass(SparkStandalone.start(clusterDir, 2));
        return config.withSparkMaster(cluster.masterUrl())
                .withSparkConf(Map.of(
                        "spark.driver.host", "127.0.0.1",
                        "spark.driver.bindAddress", "127.0.0.1",
                        "spark.executor.memory", "512m"));
    }

    @BeforeAll
    void createShop() {
        closeAfterClass(() -> server().spark().close()); // before the cluster goes: no context left dialing it
        ItSupport.createShop(vigil(), db(), reader);
    }

    @AfterAll
    void took() {
        LOG.info("StandaloneClusterIT: {} s from starting the cluster", seconds(startedAt));
    }

    @Test
    @Order(1)
    void theClusterComputesWhatLocalModeComputesOnTheWorkersExecutor(@TempDir Path localDir) throws Exception {
        assertThat(cluster.workerJars())
                .as("the worker's own jars")
                .isNotEmpty()
                .noneMatch(j -> j.startsWith("vigil-") || j.startsWith("postgresql-"));
        // local mode first: one context per JVM, and the cluster's is the one left running for the next test
        double localSeconds;
        List<String> onLocal;
        ServerConfig localConfig = config(localDir).withSparkMaster("local[*]");
        try (VigilServer local = VigilServer.start(localConfig, Map.of(), Clock.systemUTC())) {
            local.spark().session(); // started before the clock, as the cluster's is
            Vigil client = Vigil.connect(local.url(), TOKEN);
            ItSupport.createShop(client, db(), reader);
            long localStart = System.nanoTime();
            for (String dataset : List.of("training", "serving")) {
                boolean training = dataset.equals("training");
                JsonNode run = client.startRun("shop", "v1", dataset, training ? null : START, training ? null : END);
                JsonNode done = awaitOn(client, run.get(0).path("id").asText());
                assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("succeeded");
            }
            localSeconds = seconds(localStart);
            onLocal = answers(local, TOKEN);
        }

        SparkContext sc = clusterContext();
        long clusterStart = System.nanoTime();
        runTrainingAndServing("shop", "v1", START, END);
        double clusterSeconds = seconds(clusterStart);
        assertRanOnExecutors(sc);
        onCluster = answers(server(), TOKEN);
        assertThat(onCluster).isEqualTo(onLocal);
        LOG.info(
                "shop training + serving runs: {} s on the cluster (1 worker, 2 cores), {} s in local mode",
                clusterSeconds,
                localSeconds);
    }

    @Test
    @Order(2)
    void aRunThatLosesItsContextFailsInOneSentenceAndTheNextRunStartsANewOne() throws Exception {
        SparkContext lost = clusterContext();
        // stopped from a thread of this test's: Spark refuses a stop from its listener thread or one it started
        CountDownLatch taskStarted = new CountDownLatch(1);
        Thread stopper = new Thread(
                () -> {
                    try {
                        taskStarted.await();
                        lost.stop(); // as if the cluster manager killed the application
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "stops-spark");
        stopper.setDaemon(true); // left waiting if no task ever starts
        stopper.start();
        lost.addSparkListener(new SparkListener() {
            @Override
            public void onTaskStart(SparkListenerTaskStart start) {
                taskStarted.countDown();
            }
        });
        JsonNode failed = await(vigil().startRun("shop", "v1", "serving", START, END)
                .get(0)
                .path("id")
                .asText());
        assertThat(failed.path("status").asText()).as(failed.toString()).isEqualTo("failed");
        assertThat(failed.path("error").asText())
                .matches("The Spark application on \\Q" + cluster.masterUrl()
                        + "\\E stopped during the run \\(Job \\d+ cancelled because SparkContext was shut down\\);"
                        + " the next run starts a new one")
                .doesNotContain("\n");
        stopper.join(10_000);
        assertThat(lost.isStopped()).isTrue();

        SparkContext sc = clusterContext();
        assertThat(sc).isNotSameAs(lost);
        runToSuccess("shop", "v1", "serving", START, END);
        assertRanOnExecutors(sc);
        assertThat(answers(server(), TOKEN)).isEqualTo(onCluster);
    }

    @Test
    @Order(3)
    void aQueryThatFailsOnTheExecutorFailsTheRunNamingTheExecutor() throws Exception {
        vigil().createModel("broken", "Broken");
        vigil().apply(new ModelVersion(
                "broken",
                "v1",
                ModelType.BINARY,
                AggregationPeriod.HOURLY,
                Schema.builder()
                        .feature("amount", FieldType.numeric())
                        .prediction("score", FieldType.numeric())
                        .build(),
                List.of()));
        // amount fails past the first row: the connect check reads one row (id 1, the table's first), the run all
        vigil().version("broken", "v1")
                .connectServing(
                        ItSupport.source(
                                db(),
                                reader,
                                "SELECT id, ts, CASE WHEN id > 1 THEN amount / (id - id) ELSE amount END AS amount,"
                                        + " score FROM ml.serving"),
                        "id",
                        "ts");
        clusterContext();
        JsonNode failed = await(vigil().startRun("broken", "v1", "serving", START, END)
                .get(0)
                .path("id")
                .asText());
        assertThat(failed.path("status").asText()).as(failed.toString()).isEqualTo("failed");
        assertThat(failed.path("error").asText())
                .matches("\\Qserving.data_source.query failed on " + Jdbc.redactUrl(db().url()) + " as " + reader.user()
                        + ": division by zero (read by executor \\E\\d+ \\(127\\.0\\.0\\.1\\)\\)");
        assertThat(taskExecutors).as("tasks' executors").isNotEmpty().doesNotContain("driver");
    }

    @Test
    @Order(4)
    void dleFitsAndEstimatesOnTheWorkersExecutorWhichHadNoMllib() throws Exception {
        assertThat(cluster.workerJars()).as("the worker's own jars").noneMatch(j -> j.startsWith("spark-mllib"));
        // a regression reading of the shop rows (amount as the actual of score): DLE's mechanics, not a good model
        vigil().apply(new ModelVersion(
                "shop",
                "v2",
                ModelType.REGRESSION,
                AggregationPeriod.HOURLY,
                Schema.builder()
                        .feature("owner", FieldType.string())
                        .prediction("score", FieldType.numeric())
                        .build(),
                List.of()));
        dev.vigil.client.ColumnMapping labels = dev.vigil.client.ColumnMapping.builder()
                .label("score", "amount")
                .build();
        for (dev.vigil.core.model.DatasetKind kind :
                List.of(dev.vigil.core.model.DatasetKind.TRAINING, dev.vigil.core.model.DatasetKind.SERVING)) {
            vigil().version("shop", "v2")
                    .connect(
                            kind,
                            ItSupport.source(db(), reader, "SELECT * FROM ml." + kind.specName()),
                            "id",
                            "ts",
                            labels);
        }
        SparkContext sc = clusterContext();
        runTrainingAndServing("shop", "v2", START, END);
        assertRanOnExecutors(sc);
        HttpResponse<String> response = ItSupport.get(
                server(),
                TOKEN,
                "/api/v1/models/shop/versions/v2/performance?granularity=day&metric=estimated_mae&from=" + START
                        + "&to=" + END);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode rows = SpecCodec.json().readTree(response.body());
        assertThat(rows.size()).as(response.body()).isPositive();
        for (JsonNode row : rows) {
            assertThat(row.path("value").asDouble()).as(row.toString()).isPositive();
            assertThat(row.path("std").asDouble()).as(row.toString()).isPositive();
            assertThat(row.path("reference").asText()).isEqualTo("training");
        }
    }

    /** The server's context (started if need be): on the cluster, with an executor; tasks' executors recorded. */
    private SparkContext clusterContext() {
        SparkContext sc = server().spark().sessionForRun().sparkContext();
        assertThat(sc.master()).isEqualTo(cluster.masterUrl());
        assertThat(SparkRuntime.executors(sc)).as(cluster.logs()).isEqualTo(1);
        taskExecutors.clear();
        sc.addSparkListener(new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
                taskExecutors.add(end.taskInfo().executorId());
            }
        });
        return sc;
    }

    private void assertRanOnExecutors(SparkContext sc) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        int seen = -1;
        while (System.nanoTime() < deadline && seen != taskExecutors.size()) { // the listener bus is asynchronous
            seen = taskExecutors.size();
            Thread.sleep(500);
        }
        assertThat(taskExecutors).as("tasks' executors").isNotEmpty().doesNotContain("driver");
        assertThat(SparkRuntime.executors(sc)).isEqualTo(1);
    }

    /** The bodies of {@link #QUERIES} on {@code server}, each with its status. */
    private static List<String> answers(VigilServer server, String token) throws Exception {
        List<String> out = new java.util.ArrayList<>();
        for (String query : QUERIES) {
            HttpResponse<String> response = ItSupport.get(server, token, query);
            assertThat(response.statusCode()).as(query + ": " + response.body()).isEqualTo(200);
            JsonNode body = SpecCodec.json().readTree(response.body());
            assertThat(body.size()).as(query).isGreaterThan(0);
            out.add(query + " " + body);
        }
        return out;
    }

    private static JsonNode awaitOn(Vigil client, String runId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode run = client.getRun(runId);
            String status = run.path("status").asText();
            if (status.equals("succeeded") || status.equals("failed")) {
                return run;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("run " + runId + " did not finish in 3 minutes");
    }

    /** Deletes {@code dir} and what it holds; the symbolic links to Spark's jars go, never the jars. */
    private static void deleteTree(Path dir) throws java.io.IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static double seconds(long since) {
        return Math.round((System.nanoTime() - since) / 1e8) / 10.0;
    }
}
