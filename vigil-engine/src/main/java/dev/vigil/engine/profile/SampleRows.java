package dev.vigil.engine.profile;

import dev.vigil.engine.source.SourceTimestamps;
import dev.vigil.stats.SampleProfile;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * A window's row sample on an executor: which fields it keeps ({@link #columns}, on the driver) and a row's values
 * as {@link SampleProfile} takes them ({@link #values}). A value a field profile counts invalid is missing here.
 */
final class SampleRows {
    private SampleRows() {}

    /**
     * The columns of {@code fields} a sample keeps, sorted by name as the sample keeps them: numbers, datetimes and
     * booleans as numbers, categoricals and strings as categories, tensors and embeddings of a known length up to
     * {@value SampleProfile#MAX_DIMENSIONS} as vectors (the first {@value SampleProfile#MAX_VECTOR_COLUMNS} in the
     * schema); text, arrays and dicts are not sampled. Past {@value SampleProfile#MAX_COLUMNS} columns, the later
     * fields of the schema are left out.
     */
    static List<ProfilePlan.SampleColumn> columns(List<ProfilePlan.FieldPlan> fields) {
        List<ProfilePlan.SampleColumn> out = new ArrayList<>();
        int vectors = 0;
        for (ProfilePlan.FieldPlan f : fields) {
            if (out.size() == SampleProfile.MAX_COLUMNS) {
                break;
            }
            switch (f.kind()) {
                case NUMERIC, DATETIME, BOOLEAN, CATEGORICAL, STRING ->
                    out.add(new ProfilePlan.SampleColumn(f.name(), f.column(), f.kind(), 0));
                case TENSOR, EMBEDDING -> {
                    int size = f.type().size();
                    if (size >= 1
                            && size <= SampleProfile.MAX_DIMENSIONS
                            && vectors < SampleProfile.MAX_VECTOR_COLUMNS) {
                        out.add(new ProfilePlan.SampleColumn(f.name(), f.column(), f.kind(), size));
                        vectors++;
                    }
                }
                case TEXT, ARRAY, DICT -> {
                    // not sampled: no multivariate metric reads them, and they are the largest values
                }
            }
        }
        out.sort(java.util.Comparator.comparing(ProfilePlan.SampleColumn::name));
        return List.copyOf(out);
    }

    /** An empty sample of {@code plan}'s columns. */
    static SampleProfile create(ProfilePlan.SamplePlan plan) {
        List<SampleProfile.Column> columns = new ArrayList<>();
        for (ProfilePlan.SampleColumn c : plan.columns()) {
            columns.add(
                    switch (c.kind()) {
                        case NUMERIC, DATETIME, BOOLEAN -> SampleProfile.Column.number(c.name());
                        case TENSOR, EMBEDDING -> SampleProfile.Column.vector(c.name(), c.dimensions());
                        default -> SampleProfile.Column.category(c.name());
                    });
        }
        return SampleProfile.create(columns, plan.rows(), plan.vectorRows());
    }

    /**
     * The row's id as the sample hashes it: its window's start and its text, as a category would read it; null
     * without one. The window is part of it so that an id met in many windows (an entity's, not a prediction's) is
     * not kept, or left out, in all of them together: a range's merged sample stays a sample of its rows.
     */
    static String id(Object id, long windowStart) {
        if (id == null) {
            return null;
        }
        String text = Coercion.text(id);
        return windowStart + "/" + (text != null ? text : String.valueOf(id));
    }

    /** The row's values of {@code plan}'s columns, in their order. */
    static Object[] values(ProfilePlan.SamplePlan plan, Row row) {
        List<ProfilePlan.SampleColumn> columns = plan.columns();
        Object[] out = new Object[columns.size()];
        for (int i = 0; i < out.length; i++) {
            ProfilePlan.SampleColumn c = columns.get(i);
            out[i] = value(c, row.get(c.column()));
        }
        return out;
    }

    private static Object value(ProfilePlan.SampleColumn c, Object value) {
        if (value == null) {
            return null;
        }
        return switch (c.kind()) {
            case NUMERIC -> finite(number(value));
            case DATETIME -> finite(SourceTimestamps.epochSeconds(value));
            case BOOLEAN -> {
                String b = Coercion.bool(value);
                yield b == null ? null : b.equals("true") ? 1.0 : 0.0;
            }
            case TENSOR, EMBEDDING -> {
                double[] v = Coercion.vector(value);
                if (v == null || v.length != c.dimensions()) {
                    yield null;
                }
                float[] f = new float[v.length];
                for (int i = 0; i < v.length; i++) {
                    if (!Double.isFinite(v[i])) {
                        yield null;
                    }
                    f[i] = (float) v[i];
                }
                yield f;
            }
            default -> Coercion.text(value);
        };
    }

    private static Double number(Object value) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof String s) {
            try {
                return Double.parseDouble(s.strip());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static Double finite(Double d) {
        return d == null || !Double.isFinite(d) ? null : d;
    }
}
