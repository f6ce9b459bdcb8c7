package dev.vigil.client;

import dev.vigil.core.model.FieldGroup;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where fields are read from when a column's name differs from the field's, and which columns hold
 * the actuals ({@code labels}) of predictions:
 *
 * <pre>{@code
 * ColumnMapping.builder().feature("owner", "owner_name").label("will_buy_insurance", "bought").build()
 * }</pre>
 */
public record ColumnMapping(Map<FieldGroup, Map<String, String>> fields, Map<String, String> labels) {
    /** No explicit mapping: every field reads the column of its own name. */
    public static final ColumnMapping NONE = new ColumnMapping(Map.of(), Map.of());

    public static Builder builder() {
        return new Builder();
    }

    /** Collects field→column mappings and labels. */
    public static final class Builder {
        private final Map<FieldGroup, Map<String, String>> fields = new EnumMap<>(FieldGroup.class);
        private final Map<String, String> labels = new LinkedHashMap<>();

        public Builder rawInput(String field, String column) {
            return map(FieldGroup.RAW_INPUTS, field, column);
        }

        public Builder feature(String field, String column) {
            return map(FieldGroup.FEATURES, field, column);
        }

        public Builder prediction(String field, String column) {
            return map(FieldGroup.PREDICTIONS, field, column);
        }

        public Builder actual(String field, String column) {
            return map(FieldGroup.ACTUALS, field, column);
        }

        /** The column holding the actual value of prediction (or actual) {@code field}. */
        public Builder label(String field, String column) {
            labels.put(field, column);
            return this;
        }

        public Builder map(FieldGroup group, String field, String column) {
            fields.computeIfAbsent(group, g -> new LinkedHashMap<>()).put(field, column);
            return this;
        }

        public ColumnMapping build() {
            return new ColumnMapping(fields, labels);
        }
    }
}
