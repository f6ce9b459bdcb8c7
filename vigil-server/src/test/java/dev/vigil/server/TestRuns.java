package dev.vigil.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.client.Vigil;
import java.time.Duration;

/** Waiting for a run in the integration tests. */
final class TestRuns {
    private TestRuns() {}

    /** The run once it succeeded or failed; an assertion error after three minutes. */
    static JsonNode await(Vigil vigil, String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode run = vigil.getRun(id);
            String status = run.path("status").asText();
            if (status.equals("succeeded") || status.equals("failed")) {
                return run;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("run " + id + " did not finish in 3 minutes");
    }
}
