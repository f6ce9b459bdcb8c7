package dev.vigil.cli;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options {@code vigil metrics} and {@code vigil drift} share (DESIGN.md's CLI contract). */
final class ProfileQueryOptions {
    @Option(names = "--model", required = true, description = "Model id.")
    String model;

    @Option(names = "--version", required = true, description = "Model version.")
    String version;

    @Option(names = "--dataset", defaultValue = "serving", description = "Dataset (default: serving).")
    String dataset;

    @Option(names = "--field", description = "Only this field.")
    String field;

    @Option(names = "--metric", description = "Only this metric (value_count selects every value_count[...]).")
    String metric;

    @Option(names = "--from", description = "First instant (ISO-8601).")
    Instant from;

    @Option(names = "--to", description = "End instant, exclusive.")
    Instant to;

    @Option(
            names = "--granularity",
            description = "hour, day, week, month or all (default: the version's aggregation period).")
    String granularity;

    @Option(names = "--segment", paramLabel = "NAME=VALUE", description = "A segment instead of all rows.")
    String segment;

    /**
     * The REST query of an explanation ({@code name} = {@code field} or {@code metric} = {@code value}): the range,
     * dataset and baseline; a segment, granularity or second metric would not mean anything there and is refused.
     */
    Map<String, String> explainQuery(String name, String value, String baseline, String minBaselineRows) {
        if (segment != null) {
            throw new dev.vigil.core.VigilArgumentException(
                    "--segment: --explain splits over every declared segment; leave --segment out");
        }
        if (granularity != null) {
            throw new dev.vigil.core.VigilArgumentException(
                    "--granularity: --explain explains the whole range from --from to --to; leave --granularity out");
        }
        if (name.equals("field") ? field != null : metric != null) {
            throw new dev.vigil.core.VigilArgumentException("--" + name + ": --explain names the " + name + " already ("
                    + value + "); leave --" + name + " out");
        }
        Map<String, String> query = new LinkedHashMap<>();
        query.put(name, value);
        query.put("dataset", dataset);
        query.put("from", from == null ? null : from.toString());
        query.put("to", to == null ? null : to.toString());
        query.put("baseline", baseline);
        query.put("min_baseline_rows", minBaselineRows);
        return query;
    }

    /** The REST query of these options; unset ones are null and left out. */
    Map<String, String> query() {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("dataset", dataset);
        query.put("field", field);
        query.put("metric", metric);
        query.put("from", from == null ? null : from.toString());
        query.put("to", to == null ? null : to.toString());
        query.put("granularity", granularity);
        query.put("segment", segment);
        return query;
    }
}
