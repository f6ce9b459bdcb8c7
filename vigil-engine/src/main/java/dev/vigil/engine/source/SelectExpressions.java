package dev.vigil.engine.source;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.engine.spark.UserExpressions;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Applies a source's {@code select_expr}, already held to {@link UserExpressions}' allowlist by
 * {@link PostgresSource#check} before any connection, to an empty Spark frame of the probed columns, so that an
 * expression Spark cannot analyse fails at connect time, with the expression and Spark's reason,
 * and the columns it produces can be checked against the schema. The frame is the server's own session's (an
 * analysis runs no job, but must see the same Spark as the runs).
 */
final class SelectExpressions {
    private SelectExpressions() {}

    static List<SourceColumn> apply(
            SparkSession spark, List<SourceColumn> columns, List<String> expressions, String key) {
        List<StructField> fields = new ArrayList<>();
        for (SourceColumn c : columns) {
            fields.add(DataTypes.createStructField(c.name(), sparkType(c.typeName()), true));
        }
        StructType schema = DataTypes.createStructType(fields);
        Dataset<Row> empty = spark.createDataFrame(List.of(), schema);
        StructType result;
        try {
            result = empty.selectExpr(expressions.toArray(String[]::new)).schema();
        } catch (Exception e) {
            if (!(e instanceof AnalysisException)) {
                throw e;
            }
            throw new VigilArgumentException(key + ": Spark cannot apply " + expressions + ": " + firstLine(e), e);
        }
        List<SourceColumn> out = new ArrayList<>();
        for (StructField f : result.fields()) {
            out.add(new SourceColumn(f.name(), f.dataType().simpleString(), Types.OTHER));
        }
        return out;
    }

    /** The Spark type Spark's PostgreSQL dialect gives a column of this PostgreSQL type. */
    static DataType sparkType(String pgType) {
        String t = pgType.toLowerCase(Locale.ROOT);
        if (t.startsWith("_")) {
            return DataTypes.createArrayType(sparkType(t.substring(1)));
        }
        return switch (t) {
            case "int2" -> DataTypes.ShortType;
            case "int4", "serial" -> DataTypes.IntegerType;
            case "int8", "bigserial", "oid" -> DataTypes.LongType;
            case "float4" -> DataTypes.FloatType;
            case "float8" -> DataTypes.DoubleType;
            case "numeric" -> DataTypes.createDecimalType(38, 18);
            case "bool" -> DataTypes.BooleanType;
            case "timestamptz", "timestamp" -> DataTypes.TimestampType;
            case "date" -> DataTypes.DateType;
            case "bytea" -> DataTypes.BinaryType;
            default -> DataTypes.StringType;
        };
    }

    private static String firstLine(Exception e) {
        String message = String.valueOf(e.getMessage());
        return message.lines().findFirst().orElse(message).strip();
    }
}
