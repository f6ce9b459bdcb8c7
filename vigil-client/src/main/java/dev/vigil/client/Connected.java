package dev.vigil.client;

import dev.vigil.core.model.DatasetKind;
import java.util.List;

/**
 * A dataset that the server checked against the live source and stored.
 *
 * @param change {@code created}, {@code updated} or {@code unchanged}
 * @param columns the source columns the check saw, as {@code name type}
 */
public record Connected(DatasetKind dataset, String change, List<String> columns) {}
