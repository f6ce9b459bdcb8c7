package dev.vigil.cli;

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
            names = "--format",
            defaultValue = "table",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: table).")
    Output.Format format;
}
