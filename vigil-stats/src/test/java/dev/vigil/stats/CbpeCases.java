package dev.vigil.stats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The synthetic rows and expected estimates of {@code src/test/python/make_cbpe_multiclass_expected.py} (scikit-learn),
 * in {@code src/test/resources/cbpe}: a reference set, 30 windows and 10 shifted windows of a multiclass and of a
 * multi-label model whose predictions are dicts of class → score.
 */
final class CbpeCases {
    private CbpeCases() {}

    /** One row: its set ("reference", "window", "shifted"), window, predicted and actual, and its scores by class. */
    record Row(String set, int window, String predicted, String actual, Map<String, Double> scores) {}

    static JsonNode expected(String name) {
        try (InputStream in = CbpeCases.class.getResourceAsStream("/cbpe/" + name + ".json")) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The rows of {@code name}-rows.csv.gz, grouped by "set window" in file order ("reference 0" first). */
    static Map<String, List<Row>> rows(String name) {
        Map<String, List<Row>> out = new LinkedHashMap<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(CbpeCases.class.getResourceAsStream("/cbpe/" + name + "-rows.csv.gz")),
                StandardCharsets.UTF_8))) {
            String[] header = in.readLine().split(",");
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] cells = line.split(",", -1);
                Map<String, Double> scores = new LinkedHashMap<>();
                for (int i = 4; i < header.length; i++) {
                    scores.put(header[i], Double.parseDouble(cells[i]));
                }
                Row row = new Row(cells[0], Integer.parseInt(cells[1]), cells[2], cells[3], scores);
                out.computeIfAbsent(row.set() + " " + row.window(), k -> new ArrayList<>())
                        .add(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
