package dev.vigil.core.query;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.Granularity;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.Segment;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A question over a version's stored profiles: which dataset, over which range, merged at which granularity, for
 * which segment, field and metric, against which baseline. What is absent takes the query's default: all rows, every
 * field and metric, the whole stored range, the version's own period as granularity, the training baseline.
 *
 * @param segment {@code NAME=VALUE}, or empty for all rows
 * @param field a field, or a text field's length {@code <name>.length} (drift names it so)
 * @param metric a metric name; {@code value_count} (any name) also selects {@code value_count[...]}
 * @param minBaselineRows drift: baselines with fewer valid values of a field give no value
 * @param top drift: with {@code top > 0}, only the {@code top} highest drift scores of each window, segment and scale
 * @param asked the question when a user asked it through the REST parameters ({@link #fromParams}): its field,
 *     metric and segment are then checked against the version, and an empty answer is explained. Vigil's own
 *     requests (monitors, dashboard, Prometheus) name what is stored, and a name the version has since dropped
 *     gives no rows there rather than a refusal.
 */
public record ProfileRequest(
        DatasetKind dataset,
        Optional<Instant> from,
        Optional<Instant> to,
        Optional<Granularity> granularity,
        Optional<String> segment,
        Optional<String> field,
        Optional<String> metric,
        Optional<Baseline> baseline,
        long minBaselineRows,
        int top,
        Optional<Question> asked) {
    /** Drift's default for {@code min_baseline_rows}. */
    public static final int DEFAULT_MIN_BASELINE_ROWS = 100;

    /** Requests built in code (a default {@code asked}: none). */
    public ProfileRequest(
            DatasetKind dataset,
            Optional<Instant> from,
            Optional<Instant> to,
            Optional<Granularity> granularity,
            Optional<String> segment,
            Optional<String> field,
            Optional<String> metric,
            Optional<Baseline> baseline,
            long minBaselineRows,
            int top) {
        this(dataset, from, to, granularity, segment, field, metric, baseline, minBaselineRows, top, Optional.empty());
    }

    /** Every stored row of {@code dataset}, with the defaults. */
    public static ProfileRequest of(DatasetKind dataset) {
        return new ProfileRequest(
                dataset,
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                DEFAULT_MIN_BASELINE_ROWS,
                0);
    }

    /** Which question a request asks: it decides what {@code baseline} means and which parameters apply. */
    public enum Question {
        /** {@code GET …/metrics}: no baseline. */
        METRICS,
        /** {@code GET …/drift}: a baseline ({@link Baseline#parse}), {@code min_baseline_rows} and {@code top}. */
        DRIFT,
        /** {@code GET …/performance}: a labeled reference to calibrate on ({@link Baseline#parseReference}). */
        PERFORMANCE
    }

    /**
     * The request the REST query parameters ask of {@code question} ({@code dataset, from, to, granularity, segment,
     * field, metric}, and per question {@code baseline, min_baseline_rows, top}); blank values count as absent. Each
     * bad value is refused with a sentence naming its parameter.
     */
    public static ProfileRequest fromParams(Function<String, String> params, Question question) {
        DatasetKind dataset = DatasetKind.fromSpec(
                Optional.ofNullable(params.apply("dataset")).orElse("serving"), "dataset");
        Optional<Instant> from = instant(params, "from");
        Optional<Instant> to = instant(params, "to");
        Optional<Granularity> granularity =
                Optional.ofNullable(params.apply("granularity")).map(Granularity::fromParam);
        Optional<String> segment = Optional.ofNullable(params.apply("segment")).filter(s -> !s.isEmpty());
        Optional<String> field = Optional.ofNullable(params.apply("field")).filter(f -> !f.isBlank());
        Optional<String> metric = Optional.ofNullable(params.apply("metric"));
        Optional<Baseline> baseline =
                switch (question) {
                    case METRICS -> Optional.empty();
                    case DRIFT -> Optional.of(Baseline.parse(params.apply("baseline")));
                    case PERFORMANCE -> Baseline.parseReference(params.apply("baseline"));
                };
        boolean drift = question == Question.DRIFT;
        return new ProfileRequest(
                dataset,
                from,
                to,
                granularity,
                segment,
                field,
                metric,
                baseline,
                drift ? count(params, "min_baseline_rows", DEFAULT_MIN_BASELINE_ROWS) : DEFAULT_MIN_BASELINE_ROWS,
                drift ? (int) count(params, "top", 0) : 0,
                Optional.of(question));
    }

    /** The REST query parameters of this request (the inverse of {@link #fromParams}), defaults left out. */
    public Map<String, String> toParams() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("dataset", dataset.specName());
        from.ifPresent(t -> out.put("from", t.toString()));
        to.ifPresent(t -> out.put("to", t.toString()));
        granularity.ifPresent(g -> out.put("granularity", g.specName()));
        segment.ifPresent(s -> out.put("segment", s));
        field.ifPresent(f -> out.put("field", f));
        metric.ifPresent(m -> out.put("metric", m));
        baseline.ifPresent(b -> out.put("baseline", b.name()));
        if (minBaselineRows != DEFAULT_MIN_BASELINE_ROWS) {
            out.put("min_baseline_rows", Long.toString(minBaselineRows));
        }
        if (top != 0) {
            out.put("top", Integer.toString(top));
        }
        return out;
    }

    /** This request over [{@code from}, {@code to}); either may be absent. */
    public ProfileRequest withRange(Optional<Instant> from, Optional<Instant> to) {
        return new ProfileRequest(
                dataset, from, to, granularity, segment, field, metric, baseline, minBaselineRows, top, asked);
    }

    public ProfileRequest withGranularity(Granularity granularity) {
        return new ProfileRequest(
                dataset,
                from,
                to,
                Optional.of(granularity),
                segment,
                field,
                metric,
                baseline,
                minBaselineRows,
                top,
                asked);
    }

    /** This request for a segment {@code NAME=VALUE}; empty for all rows. */
    public ProfileRequest withSegment(Optional<String> segment) {
        return new ProfileRequest(
                dataset, from, to, granularity, segment, field, metric, baseline, minBaselineRows, top, asked);
    }

    public ProfileRequest withField(String field) {
        return new ProfileRequest(
                dataset,
                from,
                to,
                granularity,
                segment,
                Optional.of(field),
                metric,
                baseline,
                minBaselineRows,
                top,
                asked);
    }

    public ProfileRequest withMetric(String metric) {
        return new ProfileRequest(
                dataset,
                from,
                to,
                granularity,
                segment,
                field,
                Optional.of(metric),
                baseline,
                minBaselineRows,
                top,
                asked);
    }

    public ProfileRequest withBaseline(Baseline baseline) {
        return new ProfileRequest(
                dataset,
                from,
                to,
                granularity,
                segment,
                field,
                metric,
                Optional.of(baseline),
                minBaselineRows,
                top,
                asked);
    }

    public ProfileRequest withMinBaselineRows(long minBaselineRows) {
        return new ProfileRequest(
                dataset, from, to, granularity, segment, field, metric, baseline, minBaselineRows, top, asked);
    }

    /**
     * Refuses a segment that is not a key of one of {@code version}'s declared segments, naming the keys it has:
     * {@code owner=direct} (a field's value), {@code amount=[100,500)} (a bucket), {@code big=true} (a named
     * {@code where}). A bare name gets the key it most likely means ({@code big} → {@code big=true}).
     */
    public static void checkSegment(String segment, ModelVersion version) {
        String of = version.modelId() + "/" + version.version();
        List<Segment> declared = version.segments();
        int eq = segment.indexOf('=');
        String name = eq < 0 ? segment : segment.substring(0, eq);
        Optional<Segment> named =
                declared.stream().filter(s -> s.name().equals(name)).findFirst();
        if (named.isEmpty()) {
            if (declared.isEmpty()) {
                throw new VigilArgumentException(
                        "segment: '" + segment + "' is not a segment of " + of + " (it declares no segments)");
            }
            List<String> names = declared.stream().map(Segment::name).toList();
            throw new VigilArgumentException("segment: '" + name + "' is not a segment of " + of + " ("
                    + Suggest.didYouMean(name, names) + "segments: " + String.join(", ", keys(declared)) + ")");
        }
        if (eq < 0) {
            throw new VigilArgumentException("segment: expected NAME=VALUE, got '" + segment + "' (did you mean "
                    + String.join(" or ", keys(List.of(named.get()))) + "?)");
        }
    }

    /** The keys of segments as a user types them: {@code owner=<value>}, each bucket, {@code big=true}. */
    private static List<String> keys(List<Segment> segments) {
        List<String> out = new ArrayList<>();
        for (Segment s : segments) {
            if (s.isWhere()) {
                out.add(s.name() + "=true");
            } else if (s.isBuckets()) {
                List<Double> edges = s.buckets();
                out.add(s.name() + "=" + s.bucketOf(Double.NEGATIVE_INFINITY));
                edges.forEach(e -> out.add(s.name() + "=" + s.bucketOf(e)));
            } else {
                out.add(s.name() + "=<a value of " + s.field() + ">");
            }
        }
        return out;
    }

    /**
     * An ISO-8601 instant a user gave for {@code key}; refused with a sentence naming the key otherwise. The one
     * parser of instants for requests, run bodies and dashboard parameters.
     */
    public static Instant parseInstant(String value, String key) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new VigilArgumentException(
                    key + ": '" + value + "' is not an ISO-8601 instant (e.g. 2026-01-01T00:00:00Z)");
        }
    }

    private static Optional<Instant> instant(Function<String, String> params, String name) {
        String value = params.apply(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(parseInstant(value, name));
    }

    /** A non-negative whole number from the query, or {@code otherwise}. */
    private static long count(Function<String, String> params, String name, long otherwise) {
        String value = params.apply(name);
        if (value == null || value.isBlank()) {
            return otherwise;
        }
        try {
            long n = Long.parseLong(value.strip());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new VigilArgumentException(name + ": expected a whole number of 0 or more, got '" + value + "'");
    }
}
