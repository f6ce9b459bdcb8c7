package dev.vigil.server.runs;

import dev.vigil.core.VigilStateException;
import dev.vigil.core.model.DatasetKind;
import dev.vigil.core.model.ModelType;
import dev.vigil.core.model.ModelVersion;
import dev.vigil.engine.profile.DatasetProfiler;
import dev.vigil.engine.profile.LossModel;
import dev.vigil.engine.profile.Window;
import dev.vigil.store.LossModelRepository;
import dev.vigil.store.Metastore;
import dev.vigil.store.Run;
import dev.vigil.store.RunFence;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DLE in runs (ADR 0028): a run of a regression version's reference (training; testing when no training dataset is
 * connected) fits the loss models on the rows it profiled and stores them, replacing the ones before; a serving or
 * actuals run profiles with the stored ones. Where there is no estimate, the run's note says why, in one sentence.
 */
final class LossModels {
    private static final Logger LOG = LoggerFactory.getLogger(LossModels.class);

    private final Metastore store;

    LossModels(Metastore store) {
        this.store = store;
    }

    /** Whether a run of {@code kind} fits the version's loss models: its reference, and a regression model. */
    boolean fits(ModelVersion version, DatasetKind kind) {
        if (version.modelType() != ModelType.REGRESSION) {
            return false;
        }
        return kind == DatasetKind.TRAINING
                || (kind == DatasetKind.TESTING
                        && store.datasets()
                                .find(version.modelId(), version.version(), DatasetKind.TRAINING)
                                .isEmpty());
    }

    /**
     * Fits the loss models on the reference rows of {@code windows} and stores them, or notes why there are none; a
     * fit that fails (a Spark failure) is noted and keeps the models stored before, failing not the reference run.
     * The models are stored only while {@code fence}'s run holds (a run failed meanwhile writes nothing).
     */
    void fit(
            Run run,
            ModelVersion version,
            DatasetProfiler.Prepared reference,
            List<Window> windows,
            DatasetProfiler engine,
            Optional<RunFence> fence) {
        DatasetProfiler.LossFit fit;
        try {
            fit = engine.fitLoss(reference, windows);
        } catch (RuntimeException e) {
            // the reference's profiles are stored already: the run succeeds, and the models of the last good fit stay
            // Spark's and MLlib's messages are internals: the sentence is fixed, the detail goes to the log
            note(
                    run,
                    "no new DLE loss models: fitting them failed (the server log has the detail); the models"
                            + " fitted before stay");
            LOG.warn("run {}: fitting the DLE loss models failed", run.id(), e);
            return;
        }
        if (fit.none().isPresent()) {
            // the reference changed: models fitted on the old rows would estimate for rows it no longer has
            store.lossModels().delete(version.modelId(), version.version(), fence);
            note(run, fit.none().get());
            return;
        }
        String sparkVersion = fit.models().values().iterator().next().sparkVersion();
        store.lossModels()
                .replace(
                        version.modelId(),
                        version.version(),
                        reference.connection().dataset().specName(),
                        run.id(),
                        sparkVersion,
                        LossModel.toBytes(fit.models()),
                        fence);
        long rows =
                fit.models().values().stream().mapToLong(LossModel::rows).max().orElse(0);
        LOG.info(
                "run {}: DLE loss models fitted on {} reference rows for {}",
                run.id(),
                rows,
                fit.models().keySet());
    }

    /** Notes that a run of part of the reference (a from/to range) keeps the loss models fitted before. */
    void keep(Run run) {
        note(
                run,
                "no new DLE loss models: this run read part of the reference set (from/to), and the models stay"
                        + " those fitted on the whole of it (run it without from/to to refit them)");
    }

    /**
     * {@code serving} with the version's stored loss models, for its regression rows' estimates; unchanged, with a
     * note, when there are none or they cannot be read.
     */
    DatasetProfiler.Prepared apply(Run run, ModelVersion version, DatasetProfiler.Prepared serving) {
        if (version.modelType() != ModelType.REGRESSION) {
            return serving;
        }
        Optional<LossModelRepository.Stored> stored = store.lossModels().find(version.modelId(), version.version());
        if (stored.isEmpty()) {
            note(
                    run,
                    "no DLE estimate: no labeled training or testing dataset of this version has been profiled"
                            + " with enough rows to fit its loss models on");
            return serving;
        }
        try {
            Map<String, LossModel> models = LossModel.fromBytes(stored.get().models());
            return serving.withLossModels(models);
        } catch (VigilStateException e) {
            note(run, "no DLE estimate: " + e.getMessage());
            return serving;
        }
    }

    /** Adds {@code sentence} to the run's note (a run's note may already say how it was planned). */
    private void note(Run run, String sentence) {
        String before = store.runs().find(run.id()).map(Run::note).orElse(null);
        store.runs().note(run.id(), before == null || before.isBlank() ? sentence : before + "; " + sentence);
        LOG.info("run {}: {}", run.id(), sentence);
    }
}
