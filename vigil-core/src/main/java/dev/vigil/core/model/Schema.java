package dev.vigil.core.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The fields of a version in declaration order. Build one with {@link #builder()}:
 *
 * <pre>{@code
 * Schema schema = Schema.builder()
 *     .rawInput("raw_text", FieldType.text())
 *     .feature("amount", FieldType.numeric())
 *     .feature("embeddings", FieldType.tensor(768))
 *     .prediction("proba", FieldType.numeric())
 *     .build();
 * }</pre>
 *
 * Structural rules (unique names, predictions that fit the model type) are checked by
 * {@code SpecValidator} so that all problems are reported together.
 */
public record Schema(List<Field> fields) {
    public Schema {
        fields = List.copyOf(fields);
    }

    /** The fields of one group, in declaration order. */
    public List<Field> group(FieldGroup group) {
        return fields.stream().filter(f -> f.group() == group).toList();
    }

    /** The field of that group and name, if declared. */
    public Optional<Field> field(FieldGroup group, String name) {
        return fields.stream()
                .filter(f -> f.group() == group && f.name().equals(name))
                .findFirst();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects fields group by group; the order of calls is the order of the schema. */
    public static final class Builder {
        private final List<Field> fields = new ArrayList<>();

        public Builder rawInput(String name, FieldType type) {
            return add(name, FieldGroup.RAW_INPUTS, type);
        }

        public Builder feature(String name, FieldType type) {
            return add(name, FieldGroup.FEATURES, type);
        }

        public Builder prediction(String name, FieldType type) {
            return add(name, FieldGroup.PREDICTIONS, type);
        }

        public Builder actual(String name, FieldType type) {
            return add(name, FieldGroup.ACTUALS, type);
        }

        public Builder add(String name, FieldGroup group, FieldType type) {
            fields.add(new Field(name, group, type));
            return this;
        }

        public Schema build() {
            return new Schema(fields);
        }
    }
}
