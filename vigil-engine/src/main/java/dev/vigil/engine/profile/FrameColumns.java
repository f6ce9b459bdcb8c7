package dev.vigil.engine.profile;

import dev.vigil.core.VigilArgumentException;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Finds the columns of a frame read from the source by name: exact match first, then ignoring case as Spark does. */
final class FrameColumns {
    private FrameColumns() {}

    static Optional<Integer> indexOf(String[] columns, String name) {
        for (int i = 0; i < columns.length; i++) {
            if (columns[i].equals(name)) {
                return Optional.of(i);
            }
        }
        for (int i = 0; i < columns.length; i++) {
            if (columns[i].equalsIgnoreCase(name)) {
                return Optional.of(i);
            }
        }
        return Optional.empty();
    }

    /** The index of {@code name} among {@code columns} (matched as {@link #indexOf} does); {@code key}'s error if absent. */
    static int index(String[] columns, String name, String key) {
        return indexOf(columns, name)
                .orElseThrow(() -> new VigilArgumentException(
                        key + ": column '" + name + "' is not in the frame after select_expr"));
    }

    /** The name {@code name} has among {@code columns} (matched as {@link #indexOf} does); a clear error if absent. */
    static String name(String[] columns, String name, String key) {
        return columns[index(columns, name, key)];
    }

    /** A column of {@code frame} by its exact name (quoted: a name with a dot is not a nested field). */
    static Column col(Dataset<Row> frame, String name) {
        return frame.col("`" + name.replace("`", "``") + "`");
    }
}
