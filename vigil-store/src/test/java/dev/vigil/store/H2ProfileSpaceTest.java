package dev.vigil.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The H2 metastore file does not grow with re-runs (issue 15, decision 0019): profiles replaced by a run are given back
 * by {@link Metastore#compactIfNeeded}, while the store keeps answering reads.
 */
class H2ProfileSpaceTest {
    private static final Logger LOG = LoggerFactory.getLogger(H2ProfileSpaceTest.class);

    /** 200 hourly windows of 100 profiles of 2–8 KB random (incompressible) bytes: about 100 MB live. */
    private static final int WINDOWS = 200;

    private static final int PROFILES_PER_WINDOW = 100;
    /** Windows replaced per transaction, as a run of 200 windows batches them (RunService.batchWindows). */
    private static final int WINDOWS_PER_BATCH = 24;

    private static final Instant FIRST = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dataDir;

    @Test
    void replacingEveryProfileThreeTimesLeavesAFileOfAboutTheLiveBytes() throws IOException {
        Path file = dataDir.resolve("data/metastore.mv.db");
        Clock clock = Clock.fixed(Instant.parse("2026-03-01T00:00:00Z"), ZoneOffset.UTC);
        try (Metastore store = Metastore.openDefault(dataDir.resolve("data"), Map.of(), clock)) {
            long live = 0;
            List<StoredProfile> lastWindow = List.of();
            for (int round = 1; round <= 3; round++) {
                SplittableRandom random = new SplittableRandom(round);
                live = 0;
                for (int w = 0; w < WINDOWS; w += WINDOWS_PER_BATCH) {
                    List<Instant> starts = new ArrayList<>();
                    List<StoredProfile> profiles = new ArrayList<>();
                    for (int i = w; i < Math.min(WINDOWS, w + WINDOWS_PER_BATCH); i++) {
                        Instant start = FIRST.plus(Duration.ofHours(i));
                        starts.add(start);
                        for (int f = 0; f < PROFILES_PER_WINDOW; f++) {
                            byte[] bytes = new byte[random.nextInt(2048, 8193)];
                            random.nextBytes(bytes);
                            live += bytes.length;
                            profiles.add(new StoredProfile(start, start.plusSeconds(3600), "", "f" + f, bytes));
                        }
                    }
                    store.profiles().replaceWindows("m", "v", "serving", starts, profiles, Optional.empty());
                    lastWindow = profiles.subList(profiles.size() - PROFILES_PER_WINDOW, profiles.size());
                }
                long before = Files.size(file);
                long started = System.nanoTime();
                ReadsMeanwhile reads = ReadsMeanwhile.start(store, lastWindow);
                long reclaimed = store.compactIfNeeded(Duration.ofMinutes(2));
                reads.stop();
                LOG.info(String.format(
                        "round %d: live %.1f MB, file %.1f MB before compaction, %.1f MB after (%d ms, %s)",
                        round,
                        live / 1e6,
                        before / 1e6,
                        Files.size(file) / 1e6,
                        (System.nanoTime() - started) / 1_000_000,
                        reads));
                assertThat(reads.wrong.get()).as("reads that saw other bytes").isZero();
                if (reclaimed > 0) { // it took seconds: the reader must have got through meanwhile
                    assertThat(reads.done.get()).as("reads done meanwhile").isPositive();
                }
            }
            // The bound: the live profile bytes, at most twice (the compaction stops once 80% of the file and of its
            // chunks is live, 1 / 0.8² = 1.56, plus the keys and B-tree pages around ~5 KB values), plus the 16 MB
            // under which a file is never compacted. Without the compaction the file reached 1.2 GB here.
            assertThat(Files.size(file)).isLessThanOrEqualTo(2 * live + Metastore.COMPACT_MIN_BYTES);
            assertThat(store.compactIfNeeded(Duration.ofMinutes(1)))
                    .as("a second compaction with nothing to reclaim")
                    .isZero();
        }
    }

    /** A reader that reads one window's profiles in a loop and checks their bytes, until stopped. */
    private static final class ReadsMeanwhile {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicInteger done = new AtomicInteger();
        final AtomicInteger wrong = new AtomicInteger();
        volatile long slowestNanos;
        CompletableFuture<Void> loop;

        static ReadsMeanwhile start(Metastore store, List<StoredProfile> expected) {
            ReadsMeanwhile reads = new ReadsMeanwhile();
            Instant start = expected.get(0).windowStart();
            reads.loop = CompletableFuture.runAsync(() -> {
                while (!reads.stop.get()) {
                    long t = System.nanoTime();
                    List<StoredProfile> read = store.profiles()
                            .find("m", "v", "serving", start, start.plusSeconds(1), Optional.empty(), Optional.empty());
                    reads.slowestNanos = Math.max(reads.slowestNanos, System.nanoTime() - t);
                    if (!sameBytes(read, expected)) {
                        reads.wrong.incrementAndGet();
                    }
                    reads.done.incrementAndGet();
                }
            });
            return reads;
        }

        private static boolean sameBytes(List<StoredProfile> read, List<StoredProfile> expected) {
            if (read.size() != expected.size()) {
                return false;
            }
            List<StoredProfile> sorted = new ArrayList<>(expected);
            sorted.sort((a, b) -> a.field().compareTo(b.field())); // find orders by field
            for (int i = 0; i < read.size(); i++) {
                if (!read.get(i).field().equals(sorted.get(i).field())
                        || !Arrays.equals(read.get(i).bytes(), sorted.get(i).bytes())) {
                    return false;
                }
            }
            return true;
        }

        void stop() {
            stop.set(true);
            loop.join();
        }

        @Override
        public String toString() {
            return done + " reads meanwhile, the slowest " + slowestNanos / 1_000_000 + " ms";
        }
    }
}
