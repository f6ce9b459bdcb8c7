package dev.vigil.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.VigilNotFoundException;
import dev.vigil.core.VigilStateException;
import dev.vigil.core.model.Jdbc;
import dev.vigil.core.model.Model;
import dev.vigil.core.model.ModelVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import org.flywaydb.core.Flyway;

/**
 * Where Vigil keeps its state: models, their versions and dataset connections, stored profiles and watermarks, runs,
 * monitors, alerts and their notification deliveries, and API tokens. An H2 file under the data directory by
 * default, or a PostgreSQL database. Opening it migrates the schema (Flyway);
 * {@link #close()} closes its connection pool (at most {@value #POOL_SIZE} connections).
 */
public final class Metastore implements AutoCloseable {
    static final int POOL_SIZE = 4;
    private static final String H2_PREFIX = "jdbc:h2:";
    private static final String POSTGRESQL_PREFIX = "jdbc:postgresql:";

    private final HikariDataSource pool;
    private final String description;
    private final Database db;
    private final ModelRepository models;
    private final VersionRepository versions;
    private final DatasetRepository datasets;
    private final TokenRepository tokens;
    private final ProfileRepository profiles;
    private final RunRepository runs;
    private final MonitorRepository monitors;
    private final AlertRepository alerts;
    private final DeliveryRepository deliveries;
    private final AuditRepository audit;

    private Metastore(HikariDataSource pool, String description, SecretCipher cipher, Clock clock) {
        this.pool = pool;
        this.description = description;
        this.db = new Database(pool, clock, description);
        this.audit = new AuditRepository(db);
        this.models = new ModelRepository(db);
        this.versions = new VersionRepository(db);
        this.datasets = new DatasetRepository(db, cipher);
        this.tokens = new TokenRepository(db, clock);
        this.profiles = new ProfileRepository(db);
        this.runs = new RunRepository(db);
        this.monitors = new MonitorRepository(db, cipher);
        // Monitors stored by schema V6 kept their action URLs in the clear: encrypt them now (a no-op once done).
        monitors.encryptStoredUrls();
        // Secrets stored as v1: were bound to no row: bind them to theirs (v2:) now (a no-op once done).
        datasets.bindStoredPasswords();
        this.deliveries = new DeliveryRepository(db);
        this.alerts = new AlertRepository(db, deliveries);
    }

    /**
     * The default metastore: an H2 file {@code dataDir/metastore} (the directory is created if
     * needed) with the master key from {@code VIGIL_MASTER_KEY} in {@code env} or {@code dataDir/master.key}.
     */
    public static Metastore openDefault(Path dataDir, Map<String, String> env, Clock clock) {
        Path dir = createDataDir(dataDir);
        return openDefault(dir, SecretCipher.fromEnvironmentOrKeyFile(env, dir.resolve("master.key")), clock);
    }

    /** The default metastore, an H2 file {@code dataDir/metastore}, with this master key. */
    public static Metastore openDefault(Path dataDir, SecretCipher cipher, Clock clock) {
        Path dir = createDataDir(dataDir);
        String url = H2_PREFIX + "file:" + dir.resolve("metastore") + ";AUTO_SERVER=FALSE";
        return open(url, "vigil", "", cipher, clock);
    }

    private static Path createDataDir(Path dataDir) {
        Path dir = dataDir.toAbsolutePath().normalize();
        try {
            if (!Files.exists(dir)
                    && dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                // owner-only from the start: it holds the metastore (specs, queries, profiles) and the master key
                Files.createDirectories(
                        dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw new VigilStateException("Cannot create the data directory " + dir + ": " + e.getMessage(), e);
        }
        return dir;
    }

    /** The metastore at a {@code jdbc:h2:} or {@code jdbc:postgresql:} URL, migrated to the current schema. */
    public static Metastore open(String jdbcUrl, String user, String password, SecretCipher cipher, Clock clock) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(cipher, "cipher");
        Objects.requireNonNull(clock, "clock");
        String redacted = Jdbc.redactUrl(jdbcUrl);
        String location;
        String description;
        if (jdbcUrl.startsWith(H2_PREFIX)) {
            location = "classpath:db/migration/h2";
            description = describeH2(redacted);
        } else if (jdbcUrl.startsWith(POSTGRESQL_PREFIX)) {
            location = "classpath:db/migration/postgresql";
            description = "PostgreSQL at " + redacted;
        } else {
            throw new VigilArgumentException(
                    "metastore URL '" + redacted + "' is not supported (expected jdbc:h2: or jdbc:postgresql:)");
        }

        HikariConfig config = new HikariConfig();
        config.setPoolName("vigil-metastore");
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(10_000);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new VigilStateException(
                    "Cannot connect to the metastore at " + redacted + ": " + reason(e, password), e);
        }
        try {
            Flyway.configure().dataSource(pool).locations(location).load().migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw new VigilStateException(
                    "Cannot migrate the metastore at " + redacted + ": " + reason(e, password), e);
        }
        try {
            return new Metastore(pool, description, cipher, clock);
        } catch (RuntimeException e) { // the startup pass over stored monitors failed: release the pool (and H2's lock)
            pool.close();
            throw e;
        }
    }

    private static String describeH2(String redactedUrl) {
        String rest = redactedUrl.substring(H2_PREFIX.length());
        int options = rest.indexOf(';');
        String path = options < 0 ? rest : rest.substring(0, options);
        if (path.startsWith("file:")) {
            return "H2 file " + path.substring("file:".length());
        }
        if (path.startsWith("mem:")) {
            return "H2 in memory " + path.substring("mem:".length());
        }
        return "H2 " + redactedUrl;
    }

    /** The innermost message of a failure, with the password masked should a driver ever echo it. */
    private static String reason(Throwable e, String password) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        if (password != null && !password.isEmpty()) {
            message = message.replace(password, "******");
        }
        return message;
    }

    /** The model {@code id}; a {@link VigilNotFoundException} saying so when there is none. */
    public Model model(String id) {
        return models().find(id).orElseThrow(() -> new VigilNotFoundException("model '" + id + "' does not exist"));
    }

    /** The version {@code version} of model {@code modelId}; a {@link VigilNotFoundException} naming which is missing. */
    public ModelVersion version(String modelId, String version) {
        Model model = model(modelId);
        return versions()
                .find(model.id(), version)
                .orElseThrow(() ->
                        new VigilNotFoundException("model '" + model.id() + "' has no version '" + version + "'"));
    }

    public ModelRepository models() {
        return models;
    }

    public VersionRepository versions() {
        return versions;
    }

    public DatasetRepository datasets() {
        return datasets;
    }

    public TokenRepository tokens() {
        return tokens;
    }

    public ProfileRepository profiles() {
        return profiles;
    }

    public RunRepository runs() {
        return runs;
    }

    public MonitorRepository monitors() {
        return monitors;
    }

    /** Alerts: raised, resolved, acknowledged and listed. */
    public AlertRepository alerts() {
        return alerts;
    }

    /** The notification outbox of alerts: queued, released, due and attempted deliveries. */
    public DeliveryRepository deliveries() {
        return deliveries;
    }

    /** The audit log: every change asked of the server (ADR 0015). */
    public AuditRepository audit() {
        return audit;
    }

    /**
     * Whether the metastore answers a trivial query (given a second at most once connected): what {@code /healthz} asks. Never throws;
     * a failure is logged by the caller, not returned to whoever asked.
     */
    public boolean answers() {
        try (var c = pool.getConnection();
                var st = c.createStatement()) {
            st.setQueryTimeout(1);
            st.execute("SELECT 1");
            return true;
        } catch (java.sql.SQLException | RuntimeException e) {
            return false;
        }
    }

    /** How many secrets a key rotation re-encrypted, by kind. */
    public record RotatedSecrets(int datasetPasswords, int actionUrls) {
        /** All of them. */
        public int total() {
            return datasetPasswords + actionUrls;
        }
    }

    /**
     * Re-encrypts every stored secret (dataset passwords, monitor action URLs) from this store's master key to {@code
     * newKey}, in one transaction: all or nothing (decision 0002, {@code vigil rotate-key}). A secret that does not
     * decrypt with the current key stops it with a {@link VigilStateException} naming its row, and nothing changes.
     * Meant for a metastore no server has open. Closes this store either way, as its repositories still hold the old
     * key: open it again with {@code newKey}.
     */
    public RotatedSecrets rotateMasterKey(SecretCipher newKey) {
        Objects.requireNonNull(newKey, "newKey");
        try {
            return db.inTransaction(
                    "re-encrypt the stored secrets under the new master key",
                    c -> new RotatedSecrets(datasets.reencryptAll(c, newKey), monitors.reencryptAll(c, newKey)));
        } finally {
            close();
        }
    }

    /** Where the metastore lives, for logs and {@code vigil status}: never a password. */
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return "Metastore[" + description + "]";
    }
}
