package dev.vigil.bench;

import dev.vigil.server.VigilServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long dashboard pages take over DAYS × 24 hourly windows × FIELDS numeric fields of synthetic profiles: the
 * models page and the version page (by day over the whole range, and the default last week by hour), signed in
 * through the sign-in form, on a warm server; best and median of 5 after a warm-up. Usage:
 * {@code java -cp ... dev.vigil.bench.DashboardBench [days] [fields]}.
 */
public final class DashboardBench {
    /** The results: logger dev.vigil.bench prints bare lines on stdout (log4j2.xml). */
    private static final Logger LOG = LoggerFactory.getLogger(DashboardBench.class);

    public static void main(String[] args) throws Exception {
        int days = args.length > 0 ? Integer.parseInt(args[0]) : 365;
        int fields = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Path dir = Files.createTempDirectory("vigil-bench-dashboard");
        SyntheticProfiles.load(dir, days, fields);
        Instant start = SyntheticProfiles.START;
        Instant end = start.plus(Duration.ofDays(days));
        try (VigilServer server = SyntheticProfiles.server(dir)) {
            HttpClient http = HttpClient.newBuilder()
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            HttpResponse<String> signin = http.send(
                    HttpRequest.newBuilder(URI.create(server.url() + "/signin"))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString("token=" + SyntheticProfiles.TOKEN))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            String cookie =
                    signin.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
            Map<String, String> pages = new LinkedHashMap<>();
            pages.put("models", "/");
            pages.put("version, last week by hour", "/models/bench/versions/v1");
            pages.put(
                    "version, whole range by day",
                    "/models/bench/versions/v1?from=" + start + "&to=" + end + "&granularity=day");
            pages.put(
                    "field, whole range by day",
                    "/models/bench/versions/v1/fields/n0?from=" + start + "&to=" + end + "&granularity=day");
            for (Map.Entry<String, String> page : pages.entrySet()) {
                HttpRequest request = HttpRequest.newBuilder(URI.create(server.url() + page.getValue()))
                        .header("Cookie", cookie)
                        .timeout(Duration.ofMinutes(10))
                        .build();
                int status =
                        http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
                long[] times = new long[5];
                int bytes = 0;
                for (int i = 0; i < times.length; i++) {
                    long t = System.nanoTime();
                    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                    times[i] = System.nanoTime() - t;
                    bytes = r.body().length();
                    status = r.statusCode();
                }
                java.util.Arrays.sort(times);
                LOG.info(String.format(
                        Locale.ROOT,
                        "%-30s %d windows x %d fields: HTTP %d, best of 5 %.0f ms, median %.0f ms, %,d bytes",
                        page.getKey(),
                        days * 24,
                        fields,
                        status,
                        times[0] / 1e6,
                        times[times.length / 2] / 1e6,
                        bytes));
            }
        }
    }
}
