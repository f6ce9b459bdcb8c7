package dev.vigil.cli;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.server.ServerConfig;
import dev.vigil.server.VigilServer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vigil server}: runs the API until interrupted (Ctrl-C or SIGTERM stop it gracefully). */
@Command(name = "server", description = "Run the Vigil server (REST API, scheduler) until interrupted.")
final class ServerCommand implements Callable<Integer> {
    private final CliContext context;

    @Option(names = "--port", description = "Port to listen on (default: $VIGIL_PORT or 7070).")
    Integer port;

    @Option(
            names = "--host",
            description = "Address to listen on (default: $VIGIL_HOST or 127.0.0.1; 0.0.0.0 for all).")
    String host;

    @Option(
            names = "--store",
            paramLabel = "JDBC_URL",
            description =
                    "Metastore: jdbc:postgresql://host:port/db (login from VIGIL_STORE_USER / VIGIL_STORE_PASSWORD);"
                            + " default: an H2 file in the data directory.")
    String store;

    @Option(names = "--data-dir", description = "Data directory (default: $VIGIL_DATA_DIR or ./vigil-data).")
    Path dataDir;

    @Option(names = "--spark-master", description = "Spark master URL (default: $VIGIL_SPARK_MASTER or local[*]).")
    String sparkMaster;

    @Option(
            names = "--spark-conf",
            paramLabel = "KEY=VALUE",
            description = "A Spark setting, such as spark.executor.memory=2g (repeatable; over $VIGIL_SPARK_CONF).")
    List<String> sparkConf = new ArrayList<>();

    @Option(
            names = "--tls-cert",
            paramLabel = "PEM",
            description = "Serve HTTPS with this PEM certificate chain, the server's certificate first"
                    + " (default: $VIGIL_TLS_CERT); needs --tls-key.")
    Path tlsCert;

    @Option(
            names = "--tls-key",
            paramLabel = "PEM",
            description = "The unencrypted PKCS#8 (or PKCS#1 RSA) private key of --tls-cert (default: $VIGIL_TLS_KEY).")
    Path tlsKey;

    @Option(
            names = "--tls-keystore",
            paramLabel = "P12",
            description = "Serve HTTPS with this PKCS#12 keystore instead of --tls-cert/--tls-key"
                    + " (default: $VIGIL_TLS_KEYSTORE).")
    Path tlsKeystore;

    @Option(
            names = "--tls-keystore-password-file",
            paramLabel = "FILE",
            description = "The file holding the keystore's password (default: $VIGIL_TLS_KEYSTORE_PASSWORD_FILE,"
                    + " or the password itself in $VIGIL_TLS_KEYSTORE_PASSWORD).")
    Path tlsKeystorePasswordFile;

    ServerCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InterruptedException {
        ServerConfig config = ServerConfig.fromEnvironment(context.env());
        if (port != null) {
            config = config.withPort(port);
        }
        if (host != null) {
            config = config.withHost(host);
        }
        if (store != null) {
            config = config.withStore(store, config.storeUser(), config.storePassword());
        }
        if (dataDir != null) {
            config = config.withDataDir(dataDir);
        }
        if (sparkMaster != null) {
            config = config.withSparkMaster(sparkMaster);
        }
        if (!sparkConf.isEmpty()) {
            List<String> problems = new ArrayList<>();
            Map<String, String> conf = new LinkedHashMap<>(config.sparkConf());
            conf.putAll(ServerConfig.sparkConf("--spark-conf", sparkConf, problems));
            if (!problems.isEmpty()) {
                throw VigilArgumentException.of(problems);
            }
            config = config.withSparkConf(conf);
        }
        config = config.withTls(tls(config.tls()));
        if (!config.tls().enabled() && !isLoopback(config.host())) {
            context.err()
                    .println("warning: listening on " + config.host() + " over plain HTTP: API tokens, passwords and"
                            + " session cookies travel in clear text; use --tls-cert/--tls-key or a TLS reverse proxy");
        }
        VigilServer server = VigilServer.start(config, context.env(), Clock.systemUTC());
        banner(server.url(), server.metastore().describe(), server.generatedAdminToken(), config.adminToken() != null)
                .forEach(context.out()::println);
        context.out().flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            stopped.countDown();
                        },
                        "vigil-shutdown"));
        stopped.await();
        return 0;
    }

    /**
     * What a started server prints: where it listens, then the admin token made at this start, or, when it was made
     * at an earlier one and VIGIL_ADMIN_TOKEN is unset, how to replace a lost one (it is stored hashed only, and
     * {@code vigil tokens} needs a token already).
     */
    static List<String> banner(String url, String metastore, Optional<String> generatedToken, boolean tokenConfigured) {
        List<String> lines = new ArrayList<>();
        lines.add("Vigil server listening on " + url + " (metastore: " + metastore + ")");
        if (generatedToken.isPresent()) {
            lines.add("Admin API token (shown only this once; it is stored hashed): " + generatedToken.get());
            lines.add("  export VIGIL_TOKEN=" + generatedToken.get());
        } else if (!tokenConfigured) {
            lines.add("Admin token: made at the first start and stored hashed; lost it? restart with"
                    + " VIGIL_ADMIN_TOKEN=<32+ characters>, which replaces it");
        }
        return lines;
    }

    /** The TLS settings of the environment, with what the flags set instead. */
    private ServerConfig.TlsSettings tls(ServerConfig.TlsSettings env) {
        return new ServerConfig.TlsSettings(
                tlsCert != null ? tlsCert : env.certFile(),
                tlsKey != null ? tlsKey : env.keyFile(),
                tlsKeystore != null ? tlsKeystore : env.keystoreFile(),
                tlsKeystorePasswordFile != null ? tlsKeystorePasswordFile : env.keystorePasswordFile(),
                env.keystorePassword());
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
    }
}
