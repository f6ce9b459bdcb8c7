package dev.vigil.core.model;

import dev.vigil.core.VigilArgumentException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The declared type of a field. Tensors carry fixed {@code dimensions} (e.g. {@code [768]});
 * an embedding is a tensor of exactly one dimension; every other kind has none.
 */
public record FieldType(Kind kind, List<Integer> dimensions) {
    /**
     * Values per row of a tensor or embedding at most (the product of its dimensions): 262,144 doubles are 2 MiB per
     * profile, and every window and segment keeps one, so a larger shape is refused before it can fill the heap. The
     * shapes Vigil documents fit: an embedding of 8,192, an image of 3 x 224 x 224 (150,528).
     */
    public static final int MAX_VALUES = 262_144;

    /** The kinds of values a field can hold. */
    public enum Kind {
        NUMERIC("numeric"),
        /** Integer-coded classes. */
        CATEGORICAL("categorical"),
        STRING("string"),
        BOOLEAN("boolean"),
        DATETIME("datetime"),
        TEXT("text"),
        TENSOR("tensor"),
        EMBEDDING("embedding"),
        /** A variable-length list. */
        ARRAY("array"),
        /** String keys, numeric values: class probabilities, multi-label scores. */
        DICT("dict");

        private final String specName;

        Kind(String specName) {
            this.specName = specName;
        }

        public String specName() {
            return specName;
        }

        /** True for the kinds that must declare {@code dimensions}. */
        public boolean hasDimensions() {
            return this == TENSOR || this == EMBEDDING;
        }

        public static Kind fromSpec(String value, String key) {
            for (Kind kind : values()) {
                if (kind.specName.equals(value)) {
                    return kind;
                }
            }
            throw new VigilArgumentException(key + ": unknown field type '" + value + "' (expected one of "
                    + Arrays.stream(values()).map(Kind::specName).collect(Collectors.joining(", ")) + ")");
        }
    }

    public FieldType {
        dimensions = List.copyOf(dimensions);
        if (kind.hasDimensions()) {
            if (dimensions.isEmpty() || dimensions.stream().anyMatch(d -> d == null || d <= 0)) {
                throw new VigilArgumentException(
                        "a " + kind.specName + " needs positive dimensions, got " + dimensions);
            }
            if (kind == Kind.EMBEDDING && dimensions.size() != 1) {
                throw new VigilArgumentException("an embedding has exactly one dimension, got " + dimensions);
            }
            long values = valuesPerRow(dimensions);
            if (values > MAX_VALUES) {
                throw new VigilArgumentException(dimensions + " makes "
                        + (values == Long.MAX_VALUE ? "more than " + Long.MAX_VALUE : values) + " values per row, more"
                        + " than the " + MAX_VALUES + " a tensor or embedding may have");
            }
        } else if (!dimensions.isEmpty()) {
            throw new VigilArgumentException("a " + kind.specName + " field takes no dimensions, got " + dimensions);
        }
    }

    public static FieldType numeric() {
        return new FieldType(Kind.NUMERIC, List.of());
    }

    public static FieldType categorical() {
        return new FieldType(Kind.CATEGORICAL, List.of());
    }

    public static FieldType string() {
        return new FieldType(Kind.STRING, List.of());
    }

    public static FieldType bool() {
        return new FieldType(Kind.BOOLEAN, List.of());
    }

    public static FieldType datetime() {
        return new FieldType(Kind.DATETIME, List.of());
    }

    public static FieldType text() {
        return new FieldType(Kind.TEXT, List.of());
    }

    public static FieldType array() {
        return new FieldType(Kind.ARRAY, List.of());
    }

    public static FieldType dict() {
        return new FieldType(Kind.DICT, List.of());
    }

    /** A tensor of fixed shape, e.g. {@code tensor(768)} or {@code tensor(3, 224, 224)}. */
    public static FieldType tensor(int... dimensions) {
        return new FieldType(Kind.TENSOR, Arrays.stream(dimensions).boxed().toList());
    }

    /** A one-dimensional tensor of {@code dimension} values. */
    public static FieldType embedding(int dimension) {
        return new FieldType(Kind.EMBEDDING, List.of(dimension));
    }

    /** A type without dimensions from its spec name ({@code numeric}, {@code string}, ...). */
    public static FieldType of(Kind kind) {
        return new FieldType(kind, List.of());
    }

    /** Number of values in one row of a tensor or embedding (product of dimensions, at most {@value #MAX_VALUES}); 0 otherwise. */
    public int size() {
        return dimensions.isEmpty() ? 0 : (int) valuesPerRow(dimensions);
    }

    /** The product of {@code dimensions}, {@link Long#MAX_VALUE} when it would overflow a long. */
    private static long valuesPerRow(List<Integer> dimensions) {
        long product = 1;
        for (int d : dimensions) {
            try {
                product = Math.multiplyExact(product, d);
            } catch (ArithmeticException e) {
                return Long.MAX_VALUE;
            }
        }
        return product;
    }

    @Override
    public String toString() {
        return dimensions.isEmpty() ? kind.specName : kind.specName + dimensions;
    }
}
