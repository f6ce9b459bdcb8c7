package dev.vigil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.client.Vigil;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code vigil monitors}: every monitor of every version (or of one model or version), one row each: {@code name,
 * model, version, type, metric, field, threshold, severity, actions}. Action URLs stay secret: only their host.
 */
@Command(name = "monitors", description = "List the monitors of every model version, or of one model or version.")
final class MonitorsCommand implements Callable<Integer> {
    private final CliContext context;

    @Mixin
    ClientOptions client;

    @Option(names = "--model", description = "Only the monitors of this model.")
    String model;

    @Option(names = "--version", description = "Only the monitors of this version (with --model).")
    String version;

    MonitorsCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Vigil vigil = client.connect(context);
        List<ObjectNode> rows = new ArrayList<>();
        for (Versions.Ref v : Versions.of(vigil, model, version)) {
            for (JsonNode m : vigil.monitors(v.model(), v.version())) {
                rows.add(row(v, m));
            }
        }
        Output.print(
                context.out(),
                client.format,
                rows,
                "no monitors: declare them under monitors: in a spec and `vigil apply -f spec.yaml`");
        return 0;
    }

    static ObjectNode row(Versions.Ref v, JsonNode m) {
        List<String> fields = new ArrayList<>();
        m.path("fields").forEach(f -> fields.add(f.asText()));
        String metric = m.hasNonNull("metric")
                ? m.path("metric").asText()
                : m.path("expression").asText("");
        return Output.row()
                .put("name", m.path("name").asText())
                .put("model", v.model())
                .put("version", v.version())
                .put("type", m.path("type").asText())
                .put("metric", metric)
                .put("field", String.join(",", fields))
                .put("threshold", threshold(m.path("detection")))
                .put("severity", m.path("severity").asText())
                .put("actions", actions(m.path("actions")));
    }

    /** The detection as one cell: its method and bounds, e.g. {@code absolute min=100} or {@code relative threshold=0.2}. */
    static String threshold(JsonNode detection) {
        StringBuilder out = new StringBuilder(detection.path("method").asText());
        for (String bound : List.of("min", "max", "threshold", "k")) {
            if (detection.hasNonNull(bound)) {
                out.append(' ')
                        .append(bound)
                        .append('=')
                        .append(detection.path(bound).asText());
            }
        }
        return out.toString();
    }

    /** Each action as {@code type} or {@code type:where} (the URL's host, or the e-mail recipients). */
    static String actions(JsonNode actions) {
        List<String> out = new ArrayList<>();
        for (JsonNode a : actions) {
            String where = "";
            if (a.hasNonNull("url_host")) {
                where = a.path("url_host").asText();
            } else if (a.path("to").isArray()) {
                List<String> to = new ArrayList<>();
                a.path("to").forEach(t -> to.add(t.asText()));
                where = String.join(" ", to);
            }
            out.add(where.isEmpty() ? a.path("type").asText() : a.path("type").asText() + ":" + where);
        }
        return String.join(",", out);
    }
}
