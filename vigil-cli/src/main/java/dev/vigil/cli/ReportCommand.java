package dev.vigil.cli;

import dev.vigil.client.Vigil;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code vigil report}: one self-contained HTML file (inline CSS and SVG charts, no script, no network) with the
 * dashboard's views of a version over a range, built by the server from stored aggregates only, so its size does
 * not grow with the rows.
 */
@Command(name = "report", description = "Write an HTML report of a version over a range (opens offline).")
final class ReportCommand implements Callable<Integer> {
    private final CliContext context;

    @Mixin
    ClientOptions client;

    @Option(names = "--model", required = true, description = "The model.")
    String model;

    @Option(names = "--version", required = true, description = "The version.")
    String version;

    @Option(names = "--from", description = "Start of the range (ISO instant; default: a week before --to).")
    String from;

    @Option(names = "--to", description = "End of the range (ISO instant; default: the end of the data).")
    String to;

    @Option(names = "--granularity", description = "hour, day, week or month (default: hour up to a week, else day).")
    String granularity;

    @Option(names = "--out", required = true, description = "The HTML file to write.")
    Path out;

    ReportCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        Vigil vigil = client.connect(context);
        Map<String, String> query = new LinkedHashMap<>();
        query.put("from", from);
        query.put("to", to);
        query.put("granularity", granularity);
        String html = vigil.report(model, version, query);
        Path file = out.toAbsolutePath();
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.writeString(file, html, StandardCharsets.UTF_8);
        context.out()
                .println(String.format(
                        Locale.ROOT, "wrote %s (%,d bytes)", file, html.getBytes(StandardCharsets.UTF_8).length));
        context.out().flush();
        return 0;
    }
}
