package dev.vigil.server.metrics;

import dev.vigil.server.web.Endpoint;
import dev.vigil.server.web.PlainText;
import dev.vigil.server.web.Routes;
import dev.vigil.store.Metastore;
import io.javalin.http.Context;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics}: Vigil's monitoring data in the Prometheus text format 0.0.4 (decision 0025), for a viewer
 * token (Prometheus sends it as {@code bearer_token}). The answer is computed from the metastore at most once every
 * {@link #CACHE} and shared: several Prometheus servers, or a scrape every second, cost the metastore one read.
 */
public final class MetricsRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsRoutes.class);
    /** The path Prometheus scrapes by default. */
    public static final String PATH = "/metrics";
    /** How long one scrape's answer is served again: shorter than any sensible scrape interval (15 s or more). */
    static final Duration CACHE = Duration.ofSeconds(5);

    private final StoreMetrics metrics;
    private final Clock clock;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private Instant computedAt;
    private byte[] body;

    /** @param segments whether per-field series also come per segment ({@code VIGIL_METRICS_SEGMENTS}) */
    public MetricsRoutes(Metastore store, Clock clock, boolean segments) {
        this.metrics = new StoreMetrics(store, clock, segments);
        this.clock = clock;
    }

    public List<Endpoint> endpoints() {
        return new Routes()
                .tag("meta")
                .get(
                        PATH,
                        this::scrape,
                        "Prometheus metrics (text format 0.0.4): the latest complete window's drift, missing ratio,"
                                + " rows and performance per model, version and field; open alerts, runs, scheduler"
                                + " lag and failed notifications")
                .answers(PlainText.class)
                .endpoints();
    }

    private void scrape(Context ctx) {
        ctx.contentType(PrometheusTextFormatWriter.CONTENT_TYPE);
        ctx.result(current());
    }

    /** The exposition text, computed again once {@link #CACHE} has passed. */
    synchronized byte[] current() {
        Instant now = clock.instant();
        if (body == null || !now.isBefore(computedAt.plus(CACHE))) {
            long started = System.nanoTime();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try {
                writer.write(out, metrics.collect(), EscapingScheme.UNDERSCORE_ESCAPING);
            } catch (IOException e) {
                throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
            }
            body = out.toByteArray();
            computedAt = now;
            LOG.debug("metrics computed in {} ms ({} bytes)", (System.nanoTime() - started) / 1_000_000, body.length);
        }
        return body;
    }
}
