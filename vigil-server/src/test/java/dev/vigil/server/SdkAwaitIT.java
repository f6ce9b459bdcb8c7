package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.core.VigilStateException;
import dev.vigil.core.model.ModelType;
import dev.vigil.testing.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The SDK waits for runs: {@code runAndWait} returns once the runs succeeded, so the queries after it read profiles;
 * a failed run throws with its error, and a run still going at the timeout throws with its progress.
 */
class SdkAwaitIT extends AbstractServerIT {
    private static final Instant FROM = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-01-01T01:00:00Z");

    private TestDatabase.Credentials reader;

    @Override
    protected void createSource(TestDatabase db) {
        ExampleSource.create(db);
        db.execute("CREATE TABLE ml.doomed AS SELECT * FROM ml.model_predictions");
        reader = db.createReadOnlyUser("ml", List.of("model_predictions", "training", "doomed"));
    }

    private void connect(String modelId, String servingTable) {
        vigil().createModel(modelId, "Await");
        var v1 = vigil().createModelVersion(modelId, "v1", ModelType.BINARY, ExampleSource.schema());
        v1.connectServing(
                ItSupport.source(
                        db(),
                        reader,
                        "SELECT prediction_id, prediction_timestamp, raw_text, amount, owner_name AS owner, is_new,"
                                + " embeddings, will_buy_insurance, proba FROM ml." + servingTable),
                "prediction_id",
                "prediction_timestamp");
        v1.connectTraining(ItSupport.source(db(), reader, "SELECT * FROM ml.training"), "id", "ts");
    }

    @Test
    void runAndWaitReturnsTheSucceededRunsAndTheQueriesAfterItHaveRows() {
        connect("await-ok", "model_predictions");
        List<JsonNode> runs = vigil().runAndWait("await-ok", "v1", "all", FROM, TO, Duration.ofMinutes(3));

        assertThat(runs)
                .extracting(r -> r.path("dataset").asText() + " "
                        + r.path("status").asText() + " " + r.path("rows_read").asLong())
                .containsExactlyInAnyOrder("serving succeeded 20", "training succeeded 20");
        assertThat(vigil().drift("await-ok", "v1", Map.of("from", FROM.toString(), "to", TO.toString())))
                .as("the drift of the serving hour against training")
                .isNotEmpty();
    }

    @Test
    void aFailedRunThrowsWithItsError() {
        connect("await-failed", "doomed");
        db().execute("DROP TABLE ml.doomed");

        assertThatThrownBy(() -> vigil().runAndWait("await-failed", "v1", "serving", FROM, TO, Duration.ofMinutes(3)))
                .isInstanceOfSatisfying(VigilStateException.class, e -> {
                    String runId = e.getMessage().replaceFirst("^run (run_[0-9a-f]+) .*$", "$1");
                    JsonNode run = vigil().getRun(runId);
                    assertThat(run.path("status").asText()).isEqualTo("failed");
                    assertThat(run.path("error").asText()).contains("ml.doomed");
                    assertThat(e.getMessage())
                            .isEqualTo("run " + runId + " (serving) failed: "
                                    + run.path("error").asText());
                });
    }

    @Test
    void aRunStillGoingAtTheTimeoutThrowsWithItsProgress() {
        connect("await-slow", "model_predictions");
        String runId = vigil().startRun("await-slow", "v1", "serving", FROM, TO)
                .get(0)
                .path("id")
                .asText();

        assertThatThrownBy(() -> vigil().awaitRun(runId, Duration.ZERO))
                .isInstanceOf(VigilStateException.class)
                .hasMessageMatching(
                        "run " + runId + " \\(serving\\) is still (queued|running) after 0 s \\(0/[01] windows\\);"
                                + " wait longer with awaitRun\\(\"" + runId + "\", timeout\\)");
        assertThat(vigil().awaitRun(runId, Duration.ofMinutes(3))
                        .path("windows_done")
                        .asInt())
                .as("the run went on")
                .isEqualTo(1);
    }
}
