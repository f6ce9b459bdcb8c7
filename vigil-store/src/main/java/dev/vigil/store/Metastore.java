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
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.flywaydb.core.Flyway;
import org.h2.api.ErrorCode;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.h2.mvstore.RandomAccessStore;

/**
 * Where Vigil keeps its state: models, their versions and dataset connections, stored profiles and watermarks, runs,
 * monitors, alerts and their notification deliveries, and API tokens. An H2 file under the data directory by
 * default, or a PostgreSQL database. Opening it migrates the schema (Flyway);
 * {@link #close()} closes its connection pool (at most {@value #POOL_SIZE} connections).
 */
public final class Metastore implements AutoCloseable {
    static final int POOL_SIZE = 4;
    private static final String H2_PREFIX = "jdbc:h2:";

    static {
        // H2 hashes every VARBINARY value of up to 4 KB to look it up in a JVM-wide cache of equal values, which
        // profiles never are: a run stored 100,000 of them and spent 2.6% of its time hashing (issue 15). Unless the
        // JVM was told otherwise, before H2's SysProperties reads it.
        if (System.getProperty("h2.objectCache") == null) {
            System.setProperty("h2.objectCache", "false");
        }
    }

    private static final String POSTGRESQL_PREFIX = "jdbc:postgresql:";

    /** Below this file size, compaction is not worth its writes. */
    static final long COMPACT_MIN_BYTES = 16L << 20;
    /** Compact when less than this share (%) of the file, or of its chunks, is live. */
    static final int COMPACT_FILL_RATE = 80;
    /** Rewrite the live pages of chunks less full than this (%), as H2's own compaction does. */
    private static final int REWRITE_FILL_RATE = 90;
    /** What one compaction step rewrites or moves at most: what readers and writers may wait for. */
    private static final long COMPACT_STEP_BYTES = 16L << 20;

    private final HikariDataSource pool;
    private final boolean h2File;
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
    private final LeaseRepository leases;
    private final LossModelRepository lossModels;
    private final SessionRepository sessions;
    private final OperationsRepository operations;

    private Metastore(HikariDataSource pool, String description, SecretCipher cipher, Clock clock) {
        this.pool = pool;
        this.h2File = description.startsWith("H2 file ");
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
        this.leases = new LeaseRepository(db);
        this.lossModels = new LossModelRepository(db);
        this.sessions = new SessionRepository(db);
        this.operations = new OperationsRepository(db);
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
        // a 64 MB page cache (H2's default is 16 MB): replacing a batch of windows reads the profiles' B-tree pages
        String url = H2_PREFIX + "file:" + dir.resolve("metastore") + ";AUTO_SERVER=FALSE;CACHE_SIZE=65536";
        try {
            return open(url, "vigil", "", cipher, clock);
        } catch (VigilStateException e) {
            if (lockedByAnotherProcess(e)) {
                throw new VigilStateException(
                        "the data directory " + dir + " is in use by another Vigil server (or"
                                + " vigil rotate-key); stop it, or give this one another --data-dir",
                        e);
            }
            throw e;
        }
    }

    /**
     * Whether H2 refused the file because another process holds it: its error 90020 ("database may be already in
     * use") over the MVStore's "file is locked". Within one JVM, H2 shares an open file instead.
     */
    private static boolean lockedByAnotherProcess(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getErrorCode() == ErrorCode.DATABASE_ALREADY_OPEN_1) {
                return true;
            }
            if (t instanceof MVStoreException mv && mv.getErrorCode() == DataUtils.ERROR_FILE_LOCKED) {
                return true;
            }
        }
        return false;
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

    /**
     * The model {@code id}; a {@link VigilNotFoundException} saying so when there is none, with the next step (a
     * model is made by applying its spec, often the step a user skipped before a run or a query).
     */
    public Model model(String id) {
        return models().find(id)
                .orElseThrow(() -> new VigilNotFoundException("model '" + id
                        + "' does not exist (vigil models lists them; vigil apply -f spec.yaml creates one)"));
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

    /** Named leases: work one server at a time does, when several share this metastore (decision 0022). */
    public LeaseRepository leases() {
        return leases;
    }

    /** DLE's loss models of regression versions, fitted on a labeled reference (ADR 0028). */
    public LossModelRepository lossModels() {
        return lossModels;
    }

    /** Signed-in dashboard browsers, which any server sharing this metastore answers (decision 0022). */
    public SessionRepository sessions() {
        return sessions;
    }

    /**
     * Whether several servers may share this metastore: a PostgreSQL database may; an H2 file is held by one process
     * (so every unfinished run found at startup is a dead server's).
     */
    public boolean shareable() {
        return !description.startsWith("H2 ");
    }

    /** The audit log: every change asked of the server (ADR 0015). */
    /** Counts of alerts, runs and deliveries for the Prometheus endpoint. */
    public OperationsRepository operations() {
        return operations;
    }

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

    /**
     * Gives the disk space of profiles replaced by a re-run back to the file system, when the metastore is an H2 file
     * much larger than its live data (decision 0019): partly dead chunks are rewritten, chunks are moved to the front
     * of the file and the file is truncated, 16 MB at a time (more when a chunk is larger), for at most {@code
     * maxTime}. Readers go on meanwhile; a writer waits for one step at most (about 0.1 to 1 s). Cheap when there is
     * nothing to reclaim (a few fill-rate reads); a no-op on PostgreSQL, where autovacuum reclaims dead rows. Meant to
     * follow a run that replaced many windows; concurrent calls take turns. Returns the bytes the file shrank by
     * (negative if it grew).
     */
    public synchronized long compactIfNeeded(Duration maxTime) {
        Objects.requireNonNull(maxTime, "maxTime");
        if (!h2File) {
            return 0;
        }
        try (Connection c = pool.getConnection()) {
            // H2 has no SQL for an online compaction (only SHUTDOWN COMPACT, which closes the database), so this uses
            // its MVStore, as its own background housekeeping does; see decision 0019 for why that alone is not enough.
            MVStore mv = ((SessionLocal) c.unwrap(JdbcConnection.class).getSession())
                    .getDatabase()
                    .getStore()
                    .getMvStore();
            if (!(mv.getFileStore() instanceof RandomAccessStore file) || !needsCompaction(file)) {
                return 0;
            }
            long before = file.size();
            long deadline = System.nanoTime() + maxTime.toNanos();
            int retention = mv.getRetentionTime();
            // Dead chunks are kept for the retention time (45 s), in case the OS has not yet written the newer
            // ones; the steps below sync the file before they overwrite or truncate anything, as H2's close does.
            mv.setRetentionTime(0);
            try {
                long step = COMPACT_STEP_BYTES;
                long size = file.size();
                int fill = file.getFillRate();
                int chunksFill = file.getChunksFillRate();
                while (System.nanoTime() < deadline) {
                    mv.compact(REWRITE_FILL_RATE, (int) Math.min(Integer.MAX_VALUE, step)); // mostly dead chunks
                    mv.commit();
                    mv.sync();
                    file.compactMoveChunks(101, step, mv); // chunks into the holes before them; truncates the end
                    mv.commit();
                    if (!needsCompaction(file)) {
                        break;
                    }
                    boolean progress =
                            file.size() < size || file.getFillRate() > fill || file.getChunksFillRate() > chunksFill;
                    if (!progress) {
                        if (step > 2 * file.size()) {
                            break; // nothing more to gain (pages of maps that are not open cannot move)
                        }
                        step *= 2; // a chunk larger than the step is never moved: allow larger ones
                    }
                    size = Math.min(size, file.size());
                    fill = Math.max(fill, file.getFillRate());
                    chunksFill = Math.max(chunksFill, file.getChunksFillRate());
                }
            } finally {
                mv.setRetentionTime(retention);
            }
            return before - file.size();
        } catch (SQLException | MVStoreException e) {
            throw new VigilStateException("Cannot compact the metastore (" + description + "): " + e.getMessage(), e);
        }
    }

    /** Whether less than {@value #COMPACT_FILL_RATE}% of a file worth compacting, or of its chunks, is live. */
    private static boolean needsCompaction(RandomAccessStore file) {
        return file.size() >= COMPACT_MIN_BYTES
                && (file.getFillRate() < COMPACT_FILL_RATE || file.getChunksFillRate() < COMPACT_FILL_RATE);
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
