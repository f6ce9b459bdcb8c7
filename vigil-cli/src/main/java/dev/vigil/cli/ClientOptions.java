package dev.vigil.cli;

import dev.vigil.client.Vigil;
import dev.vigil.core.VigilArgumentException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every client command shares. */
final class ClientOptions {
    @Option(
            names = "--server",
            paramLabel = "URL",
            description =
                    "Vigil server (default: $VIGIL_SERVER or http://localhost:7070). The token is read from VIGIL_TOKEN.")
    String server;

    @Option(
            names = "--ca-cert",
            paramLabel = "PEM",
            description = "For an https:// server with a private CA or a self-signed certificate: trust only the"
                    + " certificates of this PEM file (default: $VIGIL_CA_CERT, else the JVM's trust store).")
    Path caCert;

    @Option(
            names = "--format",
            defaultValue = "table",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: table).")
    Output.Format format;

    /** The SDK connected to the server these options (or the environment) name. */
    Vigil connect(CliContext context) {
        return connect(context, server, caCert);
    }

    /**
     * The server from {@code --server}, {@code VIGIL_SERVER} or localhost; the token from {@code VIGIL_TOKEN}; the
     * certificates trusted from {@code --ca-cert} or {@code VIGIL_CA_CERT}, else the JVM's.
     */
    static Vigil connect(CliContext context, String serverOption, Path caCertOption) {
        String server = serverOption != null ? serverOption : context.env("VIGIL_SERVER", "http://localhost:7070");
        String token = context.env("VIGIL_TOKEN", null);
        if (token == null) {
            throw new VigilArgumentException("VIGIL_TOKEN is not set (expected the API token that `vigil server` "
                    + "printed at its first start, or one from VIGIL_ADMIN_TOKEN)");
        }
        String caFromEnv = context.env("VIGIL_CA_CERT", null);
        Path ca = caCertOption != null ? caCertOption : caFromEnv == null ? null : Path.of(caFromEnv);
        return ca == null ? Vigil.connect(server, token) : Vigil.connect(server, token, Vigil.trustOnly(ca));
    }
}
