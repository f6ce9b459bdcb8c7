package dev.vigil.cli;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.VigilStateException;
import dev.vigil.server.ServerConfig;
import dev.vigil.store.Metastore;
import dev.vigil.store.SecretCipher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vigil rotate-key}: re-encrypts every secret of a stopped server's metastore under a new master key, in one
 * transaction (decision 0002, review F19), so rotating the key no longer means typing every password again.
 *
 * <p>The current key is read as the server reads it: {@code VIGIL_MASTER_KEY}, else {@code <data-dir>/master.key}.
 * With a key file, the new key (from {@code --new-key-file}, or freshly generated) is first written owner-only to
 * {@code master.key.new}; only once the metastore has committed does {@code master.key} become {@code
 * master.key.old} and {@code master.key.new} become {@code master.key}. A key in the environment cannot be changed
 * from here, so the new key must then come from {@code --new-key-file}, and the user sets the variable. Nothing
 * printed ever holds a key or a secret.
 */
@Command(
        name = "rotate-key",
        description = "Re-encrypt every stored secret (dataset passwords, monitor action URLs) under a new master key,"
                + " all or nothing. Stop the server first.")
final class RotateKeyCommand implements Callable<Integer> {
    static final String KEY_FILE = "master.key";
    static final String OLD_KEY_FILE = "master.key.old";
    static final String NEW_KEY_FILE = "master.key.new";

    private final CliContext context;

    @Option(
            names = "--store",
            paramLabel = "JDBC_URL",
            description =
                    "Metastore: jdbc:postgresql://host:port/db (login from VIGIL_STORE_USER / VIGIL_STORE_PASSWORD);"
                            + " default: $VIGIL_STORE_URL, else the H2 file in the data directory.")
    String store;

    @Option(names = "--data-dir", description = "Data directory (default: $VIGIL_DATA_DIR or ./vigil-data).")
    Path dataDir;

    @Option(
            names = "--new-key-file",
            paramLabel = "FILE",
            description = "The new key: a mode-600 file holding the base64 of 32 random bytes (`openssl rand -base64"
                    + " 32`). Required when VIGIL_MASTER_KEY holds the current key; otherwise a key is generated.")
    Path newKeyFile;

    RotateKeyCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        ServerConfig config = ServerConfig.fromEnvironment(context.env());
        if (store != null) {
            config = config.withStore(store, config.storeUser(), config.storePassword());
        }
        if (dataDir != null) {
            config = config.withDataDir(dataDir);
        }
        config.validate();
        Path dir = config.dataDir().toAbsolutePath().normalize();
        Path keyFile = dir.resolve(KEY_FILE);
        boolean keyInEnvironment = SecretCipher.keyInEnvironment(context.env());
        if (config.storeUrl() == null && !Files.exists(dir.resolve("metastore.mv.db"))) {
            throw new VigilArgumentException("--data-dir: " + dir + " holds no metastore (metastore.mv.db); give the"
                    + " data directory of the stopped server, or --store for a PostgreSQL metastore");
        }
        if (keyInEnvironment && newKeyFile == null) {
            throw new VigilArgumentException("--new-key-file: is required when " + SecretCipher.MASTER_KEY_ENV
                    + " holds the current key, as rotate-key cannot change the variable: write a new key with"
                    + " `openssl rand -base64 32 > new.key; chmod 600 new.key`, pass it here, then set "
                    + SecretCipher.MASTER_KEY_ENV + " to it");
        }
        if (!keyInEnvironment && !Files.exists(keyFile)) {
            throw new VigilArgumentException("no master key to rotate: " + SecretCipher.MASTER_KEY_ENV
                    + " is not set and " + keyFile + " does not exist");
        }
        SecretCipher current = SecretCipher.fromEnvironmentOrKeyFile(context.env(), keyFile);
        byte[] newKey = newKeyFile != null ? SecretCipher.readKey(newKeyFile) : SecretCipher.newKey();
        SecretCipher next = SecretCipher.of(newKey);
        if (next.sameKeyAs(current)) {
            throw new VigilArgumentException(
                    "--new-key-file: " + newKeyFile + " holds the current master key; give a new one");
        }
        Path staged = dir.resolve(NEW_KEY_FILE);
        Path old = dir.resolve(OLD_KEY_FILE);
        if (!keyInEnvironment) {
            for (Path p : new Path[] {old, staged}) {
                if (Files.exists(p)) {
                    throw new VigilArgumentException(p + " exists already (left by an earlier rotation): keep it"
                            + " somewhere safe, away from the data directory, or delete it, and run again");
                }
            }
            SecretCipher.writeKeyFile(staged, newKey);
        }
        Metastore.RotatedSecrets rotated;
        try {
            rotated = open(config, current).rotateMasterKey(next);
        } catch (RuntimeException e) {
            deleteQuietly(staged, keyInEnvironment);
            throw e;
        }
        if (!keyInEnvironment) {
            install(keyFile, old, staged);
        }
        context.out()
                .println("Re-encrypted " + plural(rotated.total(), "secret") + " ("
                        + plural(rotated.datasetPasswords(), "dataset password") + ", "
                        + plural(rotated.actionUrls(), "monitor action URL")
                        + ") under the new master key (fingerprint "
                        + next.fingerprint() + "; the old key's was " + current.fingerprint() + ").");
        if (keyInEnvironment) {
            context.out()
                    .println("Set " + SecretCipher.MASTER_KEY_ENV + " to the key in " + newKeyFile
                            + " before starting the server: the old key no longer opens the secrets.");
        } else {
            context.out()
                    .println("The new key is in " + keyFile + "; the old one is kept in " + old
                            + " (mode 600) for backups made before now: move it away from the data directory, or"
                            + " delete it.");
        }
        context.out().flush();
        return 0;
    }

    private static Metastore open(ServerConfig config, SecretCipher current) {
        return config.storeUrl() == null
                ? Metastore.openDefault(config.dataDir(), current, Clock.systemUTC())
                : Metastore.open(
                        config.storeUrl(), config.storeUser(), config.storePassword(), current, Clock.systemUTC());
    }

    /** Moves the old key aside and the new one in place; each move is one rename, so no key is ever half written. */
    private static void install(Path keyFile, Path old, Path staged) {
        try {
            Files.move(keyFile, old, StandardCopyOption.ATOMIC_MOVE);
            Files.move(staged, keyFile, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new VigilStateException(
                    "The secrets are re-encrypted under the new master key, which is in "
                            + staged + ", but it could not be put in place of " + keyFile + " (" + e.getMessage()
                            + "): move the files by hand before starting the server",
                    e);
        }
    }

    private static void deleteQuietly(Path staged, boolean keyInEnvironment) {
        if (keyInEnvironment) {
            return;
        }
        try {
            Files.deleteIfExists(staged);
        } catch (IOException ignored) {
            // the rotation failed and its own message says why; an unused new key file left behind is harmless
        }
    }

    private static String plural(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
