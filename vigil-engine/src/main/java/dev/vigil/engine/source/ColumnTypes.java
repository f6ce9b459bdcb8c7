package dev.vigil.engine.source;

import dev.vigil.core.model.FieldType;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Which source column types a declared field type can be read from.
 *
 * <p>A column is first put in a coarse {@link Shape} from its PostgreSQL type name ({@code int8},
 * {@code _float4}) or, after {@code select_expr}, its Spark type ({@code bigint},
 * {@code array<float>}); each field kind then accepts a set of shapes. The table is deliberately
 * permissive where a coercion is lossless and obvious (integers as categories, {@code 0/1} as
 * booleans, epoch numbers as datetimes) and strict where a silent coercion would mislead (text
 * read as a number).
 */
final class ColumnTypes {

    /** The coarse shape of a column's values. */
    enum Shape {
        TIMESTAMP,
        DATE,
        INTEGER,
        DECIMAL,
        BOOLEAN,
        STRING,
        NUMBER_ARRAY,
        OTHER_ARRAY,
        JSON,
        MAP,
        OTHER
    }

    private ColumnTypes() {}

    static Shape shape(String typeName) {
        String t = typeName.toLowerCase(Locale.ROOT);
        if (t.startsWith("_")) {
            return isNumber(t.substring(1)) ? Shape.NUMBER_ARRAY : Shape.OTHER_ARRAY;
        }
        if (t.startsWith("array<")) {
            String element = t.substring("array<".length(), t.length() - 1);
            return isNumber(element) ? Shape.NUMBER_ARRAY : Shape.OTHER_ARRAY;
        }
        if (t.startsWith("map<")) {
            return Shape.MAP;
        }
        return switch (t) {
            case "int2", "int4", "int8", "smallint", "integer", "bigint", "int", "tinyint", "serial", "bigserial" ->
                Shape.INTEGER;
            case "float4", "float8", "float", "double", "real" -> Shape.DECIMAL;
            case "bool", "boolean" -> Shape.BOOLEAN;
            case "text", "varchar", "bpchar", "char", "name", "uuid", "string", "citext" -> Shape.STRING;
            case "timestamptz", "timestamp", "timestamp_ntz" -> Shape.TIMESTAMP;
            case "date" -> Shape.DATE;
            case "json", "jsonb" -> Shape.JSON;
            default -> t.startsWith("numeric") || t.startsWith("decimal") ? Shape.DECIMAL : Shape.OTHER;
        };
    }

    private static boolean isNumber(String element) {
        Shape s = shape(element);
        return s == Shape.INTEGER || s == Shape.DECIMAL;
    }

    /** The shapes a field of this kind can be read from. */
    static Set<Shape> accepted(FieldType.Kind kind) {
        return switch (kind) {
            case NUMERIC -> EnumSet.of(Shape.INTEGER, Shape.DECIMAL);
            case CATEGORICAL -> EnumSet.of(Shape.INTEGER, Shape.STRING, Shape.BOOLEAN);
            case STRING -> EnumSet.of(Shape.STRING, Shape.INTEGER, Shape.BOOLEAN);
            case BOOLEAN -> EnumSet.of(Shape.BOOLEAN, Shape.INTEGER);
            case DATETIME -> EnumSet.of(Shape.TIMESTAMP, Shape.DATE, Shape.INTEGER, Shape.DECIMAL);
            case TEXT -> EnumSet.of(Shape.STRING);
            case TENSOR, EMBEDDING -> EnumSet.of(Shape.NUMBER_ARRAY);
            case ARRAY -> EnumSet.of(Shape.NUMBER_ARRAY, Shape.OTHER_ARRAY);
            case DICT -> EnumSet.of(Shape.JSON, Shape.MAP);
        };
    }

    /** Id columns: integers, strings or UUIDs. */
    static final Set<Shape> ID = EnumSet.of(Shape.INTEGER, Shape.STRING);

    /** Timestamp columns: {@code timestamptz}, {@code timestamp} (taken as UTC), a date, or epoch seconds/millis. */
    static final Set<Shape> TIMESTAMP = EnumSet.of(Shape.TIMESTAMP, Shape.DATE, Shape.INTEGER, Shape.DECIMAL);

    /**
     * A column's type as a user reads it in a message, the same whether PostgreSQL named it ({@code text},
     * {@code int8}, {@code _float4}) or Spark did after {@code select_expr} ({@code string}, {@code bigint},
     * {@code array<float>}): PostgreSQL's SQL names ({@code text}, {@code bigint}, {@code real[]}).
     */
    static String userName(String typeName) {
        String t = typeName.toLowerCase(Locale.ROOT);
        if (t.startsWith("_")) {
            return userName(t.substring(1)) + "[]";
        }
        if (t.startsWith("array<") && t.endsWith(">")) {
            return userName(t.substring("array<".length(), t.length() - 1)) + "[]";
        }
        return switch (t) {
            case "string" -> "text";
            case "int2", "tinyint" -> "smallint";
            case "int4", "int" -> "integer";
            case "int8" -> "bigint";
            case "float4", "float" -> "real";
            case "float8", "double" -> "double precision";
            case "bool" -> "boolean";
            case "bpchar" -> "char";
            default -> t;
        };
    }

    /** Words for an error message: "a numeric field reads integer or decimal columns". */
    static String describe(Set<Shape> shapes) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        for (Shape s : shapes) {
            if (i > 0) {
                out.append(i == shapes.size() - 1 ? " or " : ", ");
            }
            out.append(s.name().toLowerCase(Locale.ROOT).replace('_', ' '));
            i++;
        }
        return out.toString();
    }
}
