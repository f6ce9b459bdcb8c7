package dev.vigil.bench;

import dev.vigil.core.model.AggregationPeriod;
import dev.vigil.core.model.DatasetConnection;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.FieldType;
import dev.vigil.core.model.Granularity;
import dev.vigil.core.model.Model;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.core.model.PostgresJdbcDataSource;
import dev.vigil.core.model.Schema;
import dev.vigil.core.query.DriftRow;
import dev.vigil.core.query.ProfileRequest;
import dev.vigil.query.ProfileQueries;
import dev.vigil.query.Rollups;
import dev.vigil.stats.SampleProfile;
import dev.vigil.store.Metastore;
import dev.vigil.store.StoredProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latency of the multivariate drift rows of a {@code drift} query (decision 0030, "Serving") over DAYS × 24
 * hourly windows, each with a full sample of 1,000 rows × F numeric columns and a D-dimensional embedding, against a
 * training sample of the same shape: field {@code *} and the embedding, by hour, day and all, with and without the
 * metric named, cold (first call) and warm (the cache). Usage: {@code MultivariateQueryBench [DAYS=30] [F=20]
 * [D=32]}.
 */
public final class MultivariateQueryBench {
    private static final Logger LOG = LoggerFactory.getLogger(MultivariateQueryBench.class);

    public static void main(String[] args) throws Exception {
        int days = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int fields = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int dims = args.length > 2 ? Integer.parseInt(args[2]) : 32;
        Path dir = Files.createTempDirectory("vigil-bench");
        Instant start = Instant.parse("2025-01-01T00:00:00Z");
        Instant end = start.plus(Duration.ofDays(days));
        Schema.Builder schema = Schema.builder();
        List<SampleProfile.Column> columns = new ArrayList<>();
        for (int f = 0; f < fields; f++) {
            schema.feature("n" + f, FieldType.numeric());
            columns.add(SampleProfile.Column.number("n" + f));
        }
        schema.feature("emb", FieldType.embedding(dims));
        columns.add(SampleProfile.Column.vector("emb", dims));
        schema.prediction("score", FieldType.numeric());
        ModelVersion version =
                new ModelVersion("bench", "v1", ModelType.BINARY, AggregationPeriod.HOURLY, schema.build());
        Random random = new Random(42);
        try (Metastore store = Metastore.openDefault(dir, Map.of(), Clock.systemUTC())) {
            store.models().upsert(new Model("bench", "Bench"));
            store.versions().upsert(version);
            for (DatasetKind kind : List.of(DatasetKind.SERVING, DatasetKind.TRAINING)) {
                store.datasets()
                        .upsert(
                                "bench",
                                "v1",
                                DatasetConnection.of(
                                        kind,
                                        PostgresJdbcDataSource.builder()
                                                .url("jdbc:postgresql://localhost:5432/none")
                                                .query("SELECT 1")
                                                .user("none")
                                                .build(),
                                        "id",
                                        "ts"));
            }
            Instant trainingStart = start.minus(Duration.ofDays(30));
            store.profiles()
                    .replaceWindows(
                            "bench",
                            "v1",
                            "training",
                            List.of(trainingStart),
                            List.of(sample(trainingStart, columns, fields, dims, random, 0)),
                            Optional.empty());
            Rollups.refresh(store, version, "training", List.of(trainingStart));
            long loadStarted = System.nanoTime();
            for (int d = 0; d < days; d++) {
                List<StoredProfile> profiles = new ArrayList<>();
                List<Instant> starts = new ArrayList<>();
                for (int h = 0; h < 24; h++) {
                    Instant ws = start.plus(Duration.ofHours(24L * d + h));
                    starts.add(ws);
                    profiles.add(sample(ws, columns, fields, dims, random, 24L * d + h + 1));
                }
                store.profiles().replaceWindows("bench", "v1", "serving", starts, profiles, Optional.empty());
                Rollups.refresh(store, version, "serving", starts);
            }
            LOG.info(String.format(
                    Locale.ROOT,
                    "loaded %d hourly samples (1,000 rows x %d numbers + %d-d embedding) in %.1f s",
                    days * 24,
                    fields,
                    dims,
                    (System.nanoTime() - loadStarted) / 1e9));
            ProfileQueries queries = new ProfileQueries(store);
            for (Granularity g : List.of(Granularity.ALL, Granularity.DAY, Granularity.HOUR)) {
                for (String field : List.of("*", "emb")) {
                    for (String metric : field.equals("*")
                            ? new String[] {null, "pca_reconstruction_error", "domain_classifier_auc"}
                            : new String[] {null, "mmd_pvalue"}) {
                        if (g == Granularity.HOUR && metric != null && !metric.startsWith("pca") && days > 2) {
                            continue; // 720 classifier fits: tens of minutes, the case the policy prevents
                        }
                        ProfileRequest request = ProfileRequest.of(DatasetKind.SERVING)
                                .withRange(Optional.of(start), Optional.of(end))
                                .withGranularity(g)
                                .withField(field);
                        if (metric != null) {
                            request = request.withMetric(metric);
                        }
                        long t = System.nanoTime();
                        List<DriftRow> rows = queries.drift(version, request);
                        long cold = System.nanoTime() - t;
                        t = System.nanoTime();
                        queries.drift(version, request);
                        long warm = System.nanoTime() - t;
                        long withValue =
                                rows.stream().filter(r -> r.value() != null).count();
                        LOG.info(String.format(
                                Locale.ROOT,
                                "granularity=%-4s field=%-3s metric=%-24s cold %8.0f ms, warm %6.0f ms (%d rows, %d"
                                        + " with a value)",
                                g.specName(),
                                field,
                                metric == null ? "(all)" : metric,
                                cold / 1e6,
                                warm / 1e6,
                                rows.size(),
                                withValue));
                    }
                }
            }
        }
    }

    /** A window's full sample: 1,000 rows of correlated Gaussian numbers and a Gaussian embedding. */
    private static StoredProfile sample(
            Instant ws, List<SampleProfile.Column> columns, int fields, int dims, Random random, long window) {
        SampleProfile s = SampleProfile.create(columns, 1_000, 200);
        List<String> names =
                s.columns().stream().map(SampleProfile.Column::name).toList(); // values in this order
        for (int i = 0; i < 1_000; i++) {
            Object[] values = new Object[columns.size()];
            double common = random.nextGaussian();
            for (int f = 0; f < fields; f++) {
                values[names.indexOf("n" + f)] = 0.7 * common + 0.7 * random.nextGaussian();
            }
            float[] v = new float[dims];
            for (int k = 0; k < dims; k++) {
                v[k] = (float) random.nextGaussian();
            }
            values[names.indexOf("emb")] = v;
            s.add(window + ":" + i, () -> values);
        }
        return new StoredProfile(ws, ws.plus(Duration.ofHours(1)), "", SampleProfile.FIELD, s.toBytes());
    }
}
