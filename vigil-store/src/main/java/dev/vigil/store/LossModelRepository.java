package dev.vigil.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.Optional;

/**
 * DLE's loss models of a regression version (ADR 0028): the bytes the engine fitted on a labeled reference, with the
 * reference dataset and run they came from and the Spark version that wrote them. One set a version: a refit
 * replaces it in one transaction, so a serving run reads the old set or the new one, never a mix.
 */
public final class LossModelRepository {
    private final Database db;

    LossModelRepository(Database db) {
        this.db = db;
    }

    /**
     * A version's stored loss models.
     *
     * @param reference the dataset kind fitted on ({@code training} or {@code testing})
     * @param referenceRun the id of the run that fitted them
     * @param sparkVersion the Spark version that serialized {@code models}
     * @param models the engine's serialized models (opaque here)
     */
    public record Stored(
            String modelId,
            String version,
            String reference,
            String referenceRun,
            String sparkVersion,
            byte[] models,
            OffsetDateTime fittedAt) {}

    /** Stores the models fitted for {@code modelId/version}, replacing the ones before, at once. */
    public void replace(
            String modelId, String version, String reference, String referenceRun, String sparkVersion, byte[] models) {
        replace(modelId, version, reference, referenceRun, sparkVersion, models, Optional.empty());
    }

    /**
     * As {@link #replace(String, String, String, String, String, byte[])}, only while {@code fence}'s run is running
     * and held by its server (checked and locked first, in the same transaction; decision 0022).
     *
     * @throws RunFence.Lost if the run was failed meanwhile: nothing was written
     */
    public void replace(
            String modelId,
            String version,
            String reference,
            String referenceRun,
            String sparkVersion,
            byte[] models,
            Optional<RunFence> fence) {
        Objects.requireNonNull(models, "models");
        db.inTransaction("store the DLE loss models of " + modelId + "/" + version, c -> {
            if (fence.isPresent()) {
                fence.get().hold(c);
            }
            try (PreparedStatement ps =
                    c.prepareStatement("DELETE FROM loss_models WHERE model_id = ? AND version = ?")) {
                ps.setString(1, modelId);
                ps.setString(2, version);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO loss_models (model_id, version, reference,"
                    + " reference_run, spark_version, models, fitted_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, modelId);
                ps.setString(2, version);
                ps.setString(3, reference);
                ps.setString(4, referenceRun);
                ps.setString(5, sparkVersion);
                ps.setBytes(6, models);
                ps.setObject(7, db.now());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** The loss models stored for {@code modelId/version}, if a reference run fitted some. */
    public Optional<Stored> find(String modelId, String version) {
        return db.inTransaction("read the DLE loss models of " + modelId + "/" + version, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT reference, reference_run, spark_version, models,"
                    + " fitted_at FROM loss_models WHERE model_id = ? AND version = ?")) {
                ps.setString(1, modelId);
                ps.setString(2, version);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new Stored(
                            modelId,
                            version,
                            rs.getString("reference"),
                            rs.getString("reference_run"),
                            rs.getString("spark_version"),
                            rs.getBytes("models"),
                            rs.getObject("fitted_at", OffsetDateTime.class)));
                }
            }
        });
    }

    /** Forgets the loss models of {@code modelId/version} (a refit that gave none); true if there were some. */
    public boolean delete(String modelId, String version) {
        return delete(modelId, version, Optional.empty());
    }

    /**
     * As {@link #delete(String, String)}, only while {@code fence}'s run is running and held by its server.
     *
     * @throws RunFence.Lost if the run was failed meanwhile: nothing was deleted
     */
    public boolean delete(String modelId, String version, Optional<RunFence> fence) {
        return db.inTransaction("forget the DLE loss models of " + modelId + "/" + version, c -> {
            if (fence.isPresent()) {
                fence.get().hold(c);
            }
            try (PreparedStatement ps =
                    c.prepareStatement("DELETE FROM loss_models WHERE model_id = ? AND version = ?")) {
                ps.setString(1, modelId);
                ps.setString(2, version);
                return ps.executeUpdate() == 1;
            }
        });
    }
}
