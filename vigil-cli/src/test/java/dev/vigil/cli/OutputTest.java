package dev.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tables round fractions for people; JSON and CSV keep every digit. */
class OutputTest {
    private static ObjectNode alert() {
        ObjectNode row = Output.row();
        row.put("metric", "js_distance");
        row.put("value", 0.29834410112359);
        row.put("threshold", 0.1);
        row.put("sum", 123456.78);
        row.put("small", 0.000123456);
        row.put("rows", 960);
        return row;
    }

    private static String print(Output.Format format) {
        StringWriter text = new StringWriter();
        Output.print(new PrintWriter(text, true), format, List.of(alert()), "no rows");
        return text.toString();
    }

    @Test
    void aTableShowsFourSignificantDigitsButTheWholePart() {
        String table = print(Output.Format.table);
        assertThat(table.lines().toList().get(1).split("\\s+"))
                .containsExactly("js_distance", "0.2983", "0.1", "123457", "0.0001235", "960");
    }

    @Test
    void jsonAndCsvKeepEveryDigit() {
        assertThat(print(Output.Format.json)).contains("0.29834410112359", "123456.78", "1.23456E-4");
        assertThat(print(Output.Format.csv)).contains("0.29834410112359,0.1,123456.78,1.23456E-4,960");
    }
}
