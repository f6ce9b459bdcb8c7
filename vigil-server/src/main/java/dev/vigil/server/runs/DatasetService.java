package dev.vigil.server.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.model.DatasetConnection;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.PostgresJdbcDataSource;
import dev.vigil.core.spec.SecretResolver;
import dev.vigil.core.spec.SpecCodec;
import dev.vigil.core.spec.SpecDiff;
import dev.vigil.core.spec.SpecValidator;
import dev.vigil.engine.source.PostgresSource;
import dev.vigil.engine.source.SourceColumn;
import dev.vigil.store.Change;
import dev.vigil.store.Metastore;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.postgresql.Driver;
import org.postgresql.PGProperty;
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

    /**
     * What a connect stored (or, in a dry run, would store), whether it was created, updated or unchanged, the
     * columns the source has, and what an update replaced ({@code features.owner: owner_name → owner}).
     */
    public record Connected(
            DatasetConnection connection, Change change, List<SourceColumn> columns, List<String> replaced) {}

    /**
     * Connects {@code kind} of {@code version} as the spec {@code body} says; without {@code data_source.password}
     * the stored password is kept, but only for the same host, port, database, user and {@code ssl*} settings
     * (a changed address needs it again, before any connection is made). Refused in one sentence per problem, naming the key, before anything is stored.
     */
    public Connected connect(ModelVersion version, DatasetKind kind, ObjectNode body) {
        return connect(version, kind, body, false);
    }

    /**
     * As {@link #connect(ModelVersion, DatasetKind, ObjectNode)}; with {@code dryRun}, every check is made, the live
     * source's too, and the change is worked out, but nothing is stored.
     */
    public Connected connect(ModelVersion version, DatasetKind kind, ObjectNode body, boolean dryRun) {
        return connect(version, kind, body, dryRun, Set.of());
    }

    /**
     * As {@link #connect(ModelVersion, DatasetKind, ObjectNode, boolean)}; a dry run leaves the stored datasets of
     * {@code also} out of the label check: the same apply replaces them (and checks its datasets with each other).
     */
    public Connected connect(
            ModelVersion version, DatasetKind kind, ObjectNode body, boolean dryRun, Set<DatasetKind> also) {
        Optional<DatasetConnection> existing = store.datasets().find(version.modelId(), version.version(), kind);
        String prefix = kind.specName() + ".";
        DatasetConnection connection = SpecCodec.readDataset(kind, body, prefix, SecretResolver.LITERAL);
        JsonNode sourceNode = body.get("data_source");
        boolean passwordGiven = sourceNode != null && sourceNode.hasNonNull("password");
        if (!passwordGiven && existing.isPresent()) {
            PostgresJdbcDataSource stored = existing.get().source();
            if (!sameAddress(stored, connection.source())) {
                throw new VigilArgumentException(prefix + "data_source.password: is required again because the"
                        + " URL's host, port, database or the user changed; the stored password is only sent to"
                        + " the address it was given for");
            }
            connection = connection.withPassword(stored.password());
        }
        SpecValidator.throwIfAny(SpecValidator.datasetProblems(version, connection, prefix));
        for (DatasetConnection other : store.datasets().list(version.modelId(), version.version())) {
            if (!(dryRun && also.contains(other.dataset()))) {
                SpecValidator.throwIfAny(SpecValidator.labelConflicts(connection, other, prefix));
            }
        }
        List<SourceColumn> columns = source.check(version, connection, prefix);
        List<String> replaced = existing.isEmpty()
                ? List.of()
                : SpecDiff.diff(SpecCodec.write(existing.get(), false), SpecCodec.write(connection, false));
        if (dryRun) {
            boolean same = existing.isPresent() && existing.get().equals(connection);
            Change change = existing.isEmpty() ? Change.CREATED : same ? Change.UNCHANGED : Change.UPDATED;
            if (change == Change.UPDATED && replaced.isEmpty()) {
                replaced = List.of("data_source.password: a new one");
            }
            return new Connected(connection, change, columns, change == Change.UPDATED ? replaced : List.of());
        }
        Change change = store.datasets().upsert(version.modelId(), version.version(), connection);
        LOG.info(
                "dataset {}/{}/{}: {} ({} columns checked)",
                version.modelId(),
                version.version(),
                kind,
                change,
                columns.size());
        if (change == Change.UPDATED && replaced.isEmpty()) {
            replaced = List.of("data_source.password: a new one");
        }
        return new Connected(connection, change, columns, change == Change.UPDATED ? replaced : List.of());
    }

    /** The URL parameters, besides host, port and database, that decide where and how the password is sent. */
    private static final List<String> ADDRESS_KEYS = List.of(
            PGProperty.PG_HOST.getName(),
            PGProperty.PG_PORT.getName(),
            PGProperty.PG_DBNAME.getName(),
            PGProperty.USER.getName(),
            PGProperty.SERVICE.getName());

    /**
     * Whether {@code next} sends its password to the same place as {@code stored}: the same hosts, ports and
     * database in the URL (as pgjdbc reads it), the same user, and the same {@code ssl*} settings. A URL pgjdbc
     * cannot read is never the same.
     */
    static boolean sameAddress(PostgresJdbcDataSource stored, PostgresJdbcDataSource next) {
        Properties before = Driver.parseURL(stored.url(), null);
        Properties after = Driver.parseURL(next.url(), null);
        if (before == null || after == null || !Objects.equals(stored.user(), next.user())) {
            return false;
        }
        Set<String> keys = new TreeSet<>(ADDRESS_KEYS);
        for (Properties p : List.of(before, after)) {
            for (String key : p.stringPropertyNames()) {
                if (key.toLowerCase(Locale.ROOT).startsWith("ssl")) {
                    keys.add(key);
                }
            }
        }
        for (String key : keys) {
            if (!Objects.equals(before.getProperty(key), after.getProperty(key))) {
                return false;
            }
        }
        return true;
    }
}
