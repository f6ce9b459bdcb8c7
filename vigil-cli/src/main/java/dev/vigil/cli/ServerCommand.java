package dev.vigil.cli;

import dev.vigil.server.ServerConfig;
import dev.vigil.server.VigilServer;
import java.nio.file.Path;
import java.time.Clock;
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
        VigilServer server = VigilServer.start(config, context.env(), Clock.systemUTC());
        context.out()
                .println("Vigil server listening on " + server.url() + " (metastore: "
                        + server.metastore().describe() + ")");
        server.generatedAdminToken().ifPresent(token -> {
            context.out().println("Admin API token (shown only this once; it is stored hashed): " + token);
            context.out().println("  export VIGIL_TOKEN=" + token);
        });
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
}
