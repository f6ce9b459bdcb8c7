package dev.vigil.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.core.VigilNotFoundException;
import dev.vigil.core.model.DatasetConnection;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.PostgresJdbcDataSource;
import dev.vigil.core.monitor.MonitorCodec;
import dev.vigil.core.spec.SpecCodec;
import java.util.List;
import java.util.Map;

/**
 * One version of a model on the server; connects its datasets. Each {@code connect*} call makes the
 * server check the source live (columns present, types compatible, read-only session) before it
 * stores the connection with its password encrypted.
 */
public final class VersionHandle {
    private final Vigil vigil;
    private final String modelId;
    private final String version;

    VersionHandle(Vigil vigil, String modelId, String version) {
        this.vigil = vigil;
        this.modelId = modelId;
        this.version = version;
    }

    public String modelId() {
        return modelId;
    }

    public String version() {
        return version;
    }

    /**
     * Creates or replaces a monitor written as in the spec's {@code monitors:} list (YAML or JSON), checked
     * against this version first: a malformed monitor is refused with a message naming its key. The answer's
     * {@code replaced} lists what an update dropped or changed ({@code actions: 3 → 1}), also logged as a WARNING.
     */
    public JsonNode createMonitor(String yaml) {
        ModelVersion stored = vigil.listVersions(modelId).stream()
                .filter(v -> v.version().equals(version))
                .findFirst()
                .orElseThrow(
                        () -> new VigilNotFoundException("model '" + modelId + "' has no version '" + version + "'"));
        JsonNode answer = vigil.putMonitor(
                modelId, version, MonitorCodec.read(SpecCodec.parseYaml(yaml, "monitor"), "monitor", stored));
        Vigil.warnReplaced(
                "monitor " + modelId + "/" + version + "/" + answer.path("name").asText(),
                answer.path("change").asText(),
                Vigil.strings(answer.path("replaced")));
        return answer;
    }

    /** Connects the serving dataset; every field reads the column of its own name. */
    public Connected connectServing(PostgresJdbcDataSource source, String idColumn, String timestampColumn) {
        return connectServing(source, idColumn, timestampColumn, ColumnMapping.NONE);
    }

    /** Connects the serving dataset with explicit field→column mappings and labels (actuals on the same query). */
    public Connected connectServing(
            PostgresJdbcDataSource source, String idColumn, String timestampColumn, ColumnMapping mapping) {
        return connect(DatasetKind.SERVING, source, idColumn, timestampColumn, mapping);
    }

    /** Connects the training dataset: the default drift baseline. */
    public Connected connectTraining(PostgresJdbcDataSource source, String idColumn, String timestampColumn) {
        return connectTraining(source, idColumn, timestampColumn, ColumnMapping.NONE);
    }

    public Connected connectTraining(
            PostgresJdbcDataSource source, String idColumn, String timestampColumn, ColumnMapping mapping) {
        return connect(DatasetKind.TRAINING, source, idColumn, timestampColumn, mapping);
    }

    /** Connects the testing dataset. */
    public Connected connectTesting(PostgresJdbcDataSource source, String idColumn, String timestampColumn) {
        return connectTesting(source, idColumn, timestampColumn, ColumnMapping.NONE);
    }

    public Connected connectTesting(
            PostgresJdbcDataSource source, String idColumn, String timestampColumn, ColumnMapping mapping) {
        return connect(DatasetKind.TESTING, source, idColumn, timestampColumn, mapping);
    }

    /**
     * Connects a separate actuals query, joined to predictions on {@code idColumn};
     * {@code timestampColumn} is when each actual was recorded and {@code labels} maps prediction
     * fields to the columns holding their actual values.
     */
    public Connected connectActuals(
            PostgresJdbcDataSource source, String idColumn, String timestampColumn, Map<String, String> labels) {
        return connect(DatasetKind.ACTUALS, source, idColumn, timestampColumn, new ColumnMapping(Map.of(), labels));
    }

    /** Connects any dataset. */
    public Connected connect(
            DatasetKind dataset,
            PostgresJdbcDataSource source,
            String idColumn,
            String timestampColumn,
            ColumnMapping mapping) {
        return connect(
                new DatasetConnection(dataset, source, idColumn, timestampColumn, mapping.fields(), mapping.labels()));
    }

    /** Connects a dataset described in full. */
    public Connected connect(DatasetConnection connection) {
        return vigil.connect(modelId, version, connection);
    }

    /** The connected datasets as the server describes them (never with passwords). */
    public List<JsonNode> datasets() {
        return vigil.datasets(modelId, version);
    }

    /** Disconnects a dataset. */
    public void disconnect(DatasetKind dataset) {
        vigil.disconnect(modelId, version, dataset);
    }
}
