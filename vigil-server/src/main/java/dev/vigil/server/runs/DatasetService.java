package dev.vigil.server.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.core.model.DatasetConnection;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.spec.SecretResolver;
import dev.vigil.core.spec.SpecCodec;
import dev.vigil.core.spec.SpecValidator;
import dev.vigil.engine.source.PostgresSource;
import dev.vigil.engine.source.SourceColumn;
import dev.vigil.store.Change;
import dev.vigil.store.Metastore;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connecting the datasets runs read: a connection is checked against its version and the other connections, then
 * against the live source (read-only, decision 0003), and only then stored.
 */
public final class DatasetService {
    private static final Logger LOG = LoggerFactory.getLogger(DatasetService.class);

    private final Metastore store;
    private final PostgresSource source;

    public DatasetService(Metastore store, PostgresSource source) {
        this.store = store;
        this.source = source;
    }

    /** What a connect stored, whether it was created, updated or unchanged, and the columns the source has. */
    public record Connected(DatasetConnection connection, Change change, List<SourceColumn> columns) {}

    /**
     * Connects {@code kind} of {@code version} as the spec {@code body} says; without {@code data_source.password}
     * the stored password is kept. Refused in one sentence per problem, naming the key, before anything is stored.
     */
    public Connected connect(ModelVersion version, DatasetKind kind, ObjectNode body) {
        Optional<DatasetConnection> existing = store.datasets().find(version.modelId(), version.version(), kind);
        String prefix = kind.specName() + ".";
        DatasetConnection connection = SpecCodec.readDataset(kind, body, prefix, SecretResolver.LITERAL);
        JsonNode sourceNode = body.get("data_source");
        boolean passwordGiven = sourceNode != null && sourceNode.hasNonNull("password");
        if (!passwordGiven && existing.isPresent()) {
            connection = connection.withPassword(existing.get().source().password());
        }
        SpecValidator.throwIfAny(SpecValidator.datasetProblems(version, connection, prefix));
        for (DatasetConnection other : store.datasets().list(version.modelId(), version.version())) {
            SpecValidator.throwIfAny(SpecValidator.labelConflicts(connection, other, prefix));
        }
        List<SourceColumn> columns = source.check(version, connection, prefix);
        Change change = store.datasets().upsert(version.modelId(), version.version(), connection);
        LOG.info(
                "dataset {}/{}/{}: {} ({} columns checked)",
                version.modelId(),
                version.version(),
                kind,
                change,
                columns.size());
        return new Connected(connection, change, columns);
    }
}
