package dev.vigil.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.core.VigilException;
import dev.vigil.core.model.DatasetConnection;
import dev.vigil.core.model.Jdbc;
import dev.vigil.core.spec.ModelSpec;
import dev.vigil.engine.source.PostgresSource;
import dev.vigil.engine.source.PrivilegeReport;
import dev.vigil.engine.source.SourceColumn;
import dev.vigil.engine.spark.SparkRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vigil check-source -f spec.yaml}: connects to each dataset's source from this machine,
 * probes its query, checks the columns and, as the server does, refuses a user that can write unless the spec names
 * it in {@code allow_writable_role} (then it warns).
 */
@Command(
        name = "check-source",
        description = "Check each dataset's source: connect read-only, probe the query, check columns and types, "
                + "refuse a user that could write (or is superuser/owner) unless the spec names it in allow_writable_role, and"
                + " print the grant SQL that suffices.")
final class CheckSourceCommand implements Callable<Integer> {
    private final CliContext context;

    @Option(
            names = {"-f", "--file"},
            required = true,
            paramLabel = "SPEC",
            description = "The YAML spec.")
    String file;

    @Option(names = "--format", defaultValue = "table", description = "Output format: ${COMPLETION-CANDIDATES}.")
    Output.Format format;

    @picocli.CommandLine.Mixin
    SecretOptions secrets;

    CheckSourceCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        ModelSpec spec = ApplyCommand.readSpec(context, file, secrets.rules(context.env()));
        // select_expr is analysed by a Spark of this process (no job runs), started only if a source has one
        PostgresSource source = PostgresSource.withDefaults(SparkRuntime.local("local[*]"));
        List<ObjectNode> rows = new ArrayList<>();
        int failed = 0;
        for (DatasetConnection c : spec.datasets().values()) {
            String prefix = c.dataset().specName() + ".";
            ObjectNode row = Output.row()
                    .put("dataset", c.dataset().specName())
                    .put("url", Jdbc.redactUrl(c.source().url()))
                    .put("user", c.source().user());
            try {
                List<SourceColumn> columns = source.check(spec.version(), c, prefix);
                PrivilegeReport privileges = source.privileges(c.source());
                row.put("status", privileges.warnings().isEmpty() ? "ok" : "ok, but not read-only");
                row.put("columns", columns.size());
                ArrayNode warnings = row.putArray("warnings");
                privileges.warnings().forEach(warnings::add);
                ArrayNode grants = row.putArray("grant_sql");
                privileges.grantSql().forEach(grants::add);
            } catch (VigilException e) {
                failed++;
                row.put("status", "failed");
                row.put("error", e.getMessage());
            }
            rows.add(row);
        }
        if (format == Output.Format.json) {
            Output.print(context.out(), format, rows, "");
        } else {
            printReport(rows);
        }
        if (failed > 0) {
            throw new dev.vigil.core.VigilArgumentException(
                    failed + " of " + rows.size() + " datasets failed the check (see above)");
        }
        return 0;
    }

    private void printReport(List<ObjectNode> rows) {
        var out = context.out();
        for (ObjectNode row : rows) {
            out.println(row.path("dataset").asText() + ": " + row.path("status").asText() + " ("
                    + row.path("url").asText() + " as " + row.path("user").asText() + ")");
            if (row.has("error")) {
                out.println("  error: " + row.path("error").asText());
                continue;
            }
            out.println("  " + row.path("columns").asInt() + " columns checked against the version's fields");
            row.path("warnings").forEach(w -> out.println("  warning: " + w.asText()));
            out.println("  grant SQL that suffices:");
            row.path("grant_sql").forEach(g -> out.println("    " + g.asText()));
        }
    }
}
