package dev.vigil.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.testing.TestDatabase;
import java.net.http.HttpResponse;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** With {@code VIGIL_METRICS_SEGMENTS=true}, the per-field series of {@code /metrics} also come per segment. */
class MetricsSegmentsIT extends AbstractServerIT {
    @Override
    protected void createSource(TestDatabase db) {
        MetricsIT.createTables(db);
    }

    @Override
    protected ServerConfig configure(ServerConfig config) {
        return config.withMetricsSegments(true);
    }

    @Test
    void segmentLabelsAppearWhenAskedFor() throws Exception {
        MetricsIT.profile(this);
        HttpResponse<String> answer = MetricsIT.scrape(server(), TOKEN);
        assertThat(answer.statusCode()).isEqualTo(200);
        Exposition scraped = Exposition.parse(answer.body());
        Set<String> segments = scraped.of("vigil_missing_ratio").stream()
                .filter(s -> s.labels().get("field").equals("amount"))
                .map(s -> s.labels().get("segment"))
                .collect(Collectors.toSet());
        // all rows (an empty segment) and the three owners the last hour has
        assertThat(segments).containsExactlyInAnyOrder("", "owner=a", "owner=b", "owner=c");
        // a third of the last hour's 140 rows is owner=a (i % 3 = 0): 47 rows
        assertThat(scraped.one("vigil_window_rows", java.util.Map.of("segment", "owner=a"))
                        .value())
                .isEqualTo(java.util.stream.IntStream.range(0, MetricsIT.rows(MetricsIT.HOURS - 1))
                        .filter(i -> i % 3 == 0)
                        .count());
    }
}
