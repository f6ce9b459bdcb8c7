package dev.vigil.server.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.core.model.AggregationPeriod;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.Model;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.Schema;
import dev.vigil.core.spec.SpecCodec;
import dev.vigil.store.Metastore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A monitor's PUT answer says what an update replaced and warns of e-mail actions on a server without SMTP. */
class MonitorServiceIT {
    private static final String THREE_ACTIONS = "{name: drift-watch, type: model_activity,"
            + " detection: {method: absolute, min: 1}, actions: [{type: webhook, url: \"https://hooks.example.com/a\"},"
            + " {type: email, to: [oncall@example.com]}, {type: webhook, url: \"https://hooks.example.com/b\"}]}";
    private static final String ONE_ACTION = "{name: drift-watch, type: model_activity,"
            + " detection: {method: absolute, min: 1}, actions: [{type: email, to: [oncall@example.com]}]}";

    private Metastore store;
    private ModelVersion version;

    @BeforeEach
    void open(@TempDir Path dataDir) {
        store = Metastore.openDefault(dataDir, Map.of(), Clock.systemUTC());
        store.models().upsert(new Model("shop", "Shop"));
        version = new ModelVersion(
                "shop",
                "v1",
                ModelType.BINARY,
                AggregationPeriod.HOURLY,
                Schema.builder()
                        .feature("amount", FieldType.numeric())
                        .prediction("score", FieldType.numeric())
                        .build());
        store.versions().upsert(version);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static JsonNode spec(String yaml) {
        return SpecCodec.parseYaml(yaml, "test");
    }

    @Test
    void anEmailActionOnAServerWithoutSmtpIsStoredWithAWarning() {
        MonitorService withoutSmtp = new MonitorService(store, m -> {}, false);
        MonitorService.Stored stored = withoutSmtp.put(version, "drift-watch", spec(ONE_ACTION));
        assertThat(stored.spec().path("warnings"))
                .extracting(JsonNode::asText)
                .containsExactly("monitor drift-watch: e-mail action, but the server has no SMTP server"
                        + " (VIGIL_SMTP_HOST); its e-mails will fail");
        assertThat(store.monitors().list("shop", "v1")).hasSize(1);

        MonitorService withSmtp = new MonitorService(store, m -> {}, true);
        assertThat(withSmtp.put(version, "drift-watch", spec(ONE_ACTION)).spec().path("warnings"))
                .isEmpty();
    }

    @Test
    void anUpdateSaysWhatItReplaced() {
        MonitorService monitors = new MonitorService(store, m -> {}, true);
        assertThat(monitors.put(version, "drift-watch", spec(THREE_ACTIONS))
                        .spec()
                        .path("replaced"))
                .isEmpty();
        MonitorService.Stored updated = monitors.put(version, "drift-watch", spec(ONE_ACTION));
        assertThat(updated.change().name()).isEqualTo("UPDATED");
        assertThat(updated.spec().path("replaced")).extracting(JsonNode::asText).containsExactly("actions: 3 → 1");
        assertThat(monitors.put(version, "drift-watch", spec(ONE_ACTION)).spec().path("replaced"))
                .as("an unchanged monitor replaced nothing")
                .isEmpty();
    }
}
