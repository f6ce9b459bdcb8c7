package dev.vigil.server.monitor;

import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.store.Metastore;
import java.time.Instant;
import java.util.Optional;

/**
 * How far a version's monitors have been evaluated: the end of the serving windows whose evaluation completed (the
 * evaluation watermark, kept in the metastore), and the gap of stored windows after it that a crash between storing
 * and evaluating left unevaluated.
 *
 * <p>A version without a watermark has never finished an evaluation since it was created, or since the upgrade that
 * added the watermark (the upgrade starts every existing version at its serving watermark, so that an old history
 * raises no flood of alerts): its gap starts at its first stored serving window.
 */
final class EvaluationWatermark {
    /**
     * Aggregation windows a catch-up evaluates at most per version and call: a run's largest batch, which is all a
     * crash between storing and evaluating can leave behind. A longer gap is worked through oldest first, one
     * catch-up (one scheduler tick) at a time, so that a tick stays short and no window is skipped.
     */
    static final int CATCH_UP_WINDOWS = 168;

    private static final String SERVING = DatasetKind.SERVING.specName();

    /** Stored serving windows [{@code from}, {@code to}) whose monitors have not been evaluated. */
    record Gap(Instant from, Instant to) {}

    private final Metastore store;

    EvaluationWatermark(Metastore store) {
        this.store = store;
    }

    /**
     * Where the unevaluated serving windows start: the evaluation watermark, or the first stored serving window when
     * there is none or it is later (windows before it were deleted: a pass, cut to the stored windows, could never
     * start at the watermark then); empty when the version has no serving windows stored.
     */
    Optional<Instant> gapStart(ModelVersion v) {
        Optional<Instant> first =
                store.profiles().windowRange(v.modelId(), v.version(), SERVING).map(range -> range[0]);
        Optional<Instant> evaluated = store.profiles().evaluatedUpTo(v.modelId(), v.version());
        if (first.isEmpty() || evaluated.isEmpty() || first.get().isAfter(evaluated.get())) {
            return first;
        }
        return evaluated;
    }

    /**
     * The oldest part of the gap, at most {@value #CATCH_UP_WINDOWS} aggregation windows long: from where the
     * unevaluated windows start to the serving watermark. Empty when there is no gap.
     */
    Optional<Gap> gap(ModelVersion v) {
        Optional<Instant> watermark = store.profiles().watermark(v.modelId(), v.version(), SERVING);
        Optional<Instant> start = gapStart(v);
        if (watermark.isEmpty() || start.isEmpty() || !start.get().isBefore(watermark.get())) {
            return Optional.empty();
        }
        Instant cap = start.get().plus(v.aggregationPeriod().length().multipliedBy(CATCH_UP_WINDOWS));
        return Optional.of(new Gap(start.get(), cap.isBefore(watermark.get()) ? cap : watermark.get()));
    }

    /**
     * Records a completed evaluation of the stored serving windows [{@code from}, {@code to}), its alerts stored: the
     * watermark moves to {@code to} when the evaluation began at or before it (no unevaluated window is jumped over;
     * a later catch-up evaluates such a gap, and a pass of windows already evaluated changes nothing).
     */
    void evaluated(ModelVersion v, Instant from, Instant to) {
        Optional<Instant> start = gapStart(v);
        if (start.isPresent() && !from.isAfter(start.get()) && to.isAfter(start.get())) {
            store.profiles().advanceEvaluated(v.modelId(), v.version(), to);
        }
    }
}
