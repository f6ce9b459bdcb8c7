package dev.vigil.engine.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.core.VigilArgumentException;
import dev.vigil.core.model.Segment;
import dev.vigil.engine.spark.SparkRuntime;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

/** A run checks each segment's where again before Spark parses it: a version stored before the check is refused. */
class SegmentWhereTest {
    private static Dataset<Row> frame() {
        return SparkRuntime.local("local[*]")
                .session()
                .createDataFrame(
                        List.of(RowFactory.create(10.0), RowFactory.create(600.0)),
                        DataTypes.createStructType(
                                List.of(DataTypes.createStructField("amount", DataTypes.DoubleType, true))));
    }

    @Test
    void anAllowedWhereIsComputed() {
        Dataset<Row> out = ProfilePlanner.withSegmentColumns(frame(), List.of(Segment.where("big", "amount > 500")));
        assertThat(out.collectAsList()).extracting(r -> r.getBoolean(1)).containsExactly(false, true);
    }

    @Test
    void aWhereCallingJavaIsRefusedBeforeSparkSeesIt() {
        String hostile = "java_method('java.lang.System', 'setProperty', 'vigil.pwned.run', '1') IS NOT NULL";
        assertThatThrownBy(() -> ProfilePlanner.withSegmentColumns(
                        frame(), List.of(Segment.where("big", "amount > 500"), Segment.where("pwn", hostile))))
                .isInstanceOf(VigilArgumentException.class)
                .hasMessage("segments[1].where: '" + hostile + "' is refused: function java_method is not allowed");
        assertThat(System.getProperty("vigil.pwned.run")).isNull();

        // the control: handed to Spark unchecked, the same kind of expression calls Java in this JVM
        frame().selectExpr("java_method('java.lang.System', 'setProperty', 'vigil.pwned.control', '1')")
                .collectAsList();
        assertThat(System.clearProperty("vigil.pwned.control")).isEqualTo("1");
    }
}
