package dev.vigil.server;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small reader of the Prometheus text format 0.0.4, written from the format's description so that the tests do not
 * check the server's output with the library that wrote it: one {@link Sample} per line that is not a comment.
 */
record Exposition(List<Exposition.Sample> samples, Map<String, String> help) {

    /** One line {@code name{label="value",...} value}. */
    record Sample(String name, Map<String, String> labels, double value) {}

    static Exposition parse(String text) {
        List<Sample> samples = new ArrayList<>();
        Map<String, String> help = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("# HELP ")) {
                String rest = line.substring(7);
                int space = rest.indexOf(' ');
                help.put(rest.substring(0, space), rest.substring(space + 1));
                continue;
            }
            if (line.startsWith("#")) {
                continue;
            }
            int i = 0;
            while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
                i++;
            }
            String name = line.substring(0, i);
            Map<String, String> labels = new LinkedHashMap<>();
            if (line.charAt(i) == '{') {
                i++;
                while (line.charAt(i) != '}') {
                    int eq = line.indexOf('=', i);
                    String label = line.substring(i, eq);
                    StringBuilder value = new StringBuilder();
                    int j = eq + 2; // past ="
                    while (line.charAt(j) != '"') {
                        char c = line.charAt(j);
                        if (c == '\\') {
                            char next = line.charAt(++j);
                            value.append(next == 'n' ? '\n' : next);
                        } else {
                            value.append(c);
                        }
                        j++;
                    }
                    labels.put(label, value.toString());
                    i = j + 1;
                    if (line.charAt(i) == ',') {
                        i++;
                    }
                }
                i++;
            }
            String value = line.substring(i).strip().split(" ")[0];
            samples.add(new Sample(
                    name,
                    labels,
                    switch (value) {
                        case "+Inf" -> Double.POSITIVE_INFINITY;
                        case "-Inf" -> Double.NEGATIVE_INFINITY;
                        default -> Double.parseDouble(value);
                    }));
        }
        return new Exposition(samples, help);
    }

    /**
     * Whether the scrape has {@code name}: a sample of that name, or the HELP of its family (a counter or histogram
     * with no data point yet still says what it is; {@code _total}, {@code _bucket}, {@code _count} and {@code _sum}
     * name a family's samples).
     */
    boolean has(String name) {
        String family = name.replaceFirst("_(total|bucket|count|sum)$", "");
        return !of(name).isEmpty() || help.containsKey(name) || help.containsKey(family);
    }

    /** The samples of metric {@code name}. */
    List<Sample> of(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).toList();
    }

    /** The one sample of {@code name} whose labels include {@code labels}; an assertion error otherwise. */
    Sample one(String name, Map<String, String> labels) {
        List<Sample> found = of(name).stream()
                .filter(s -> s.labels().entrySet().containsAll(labels.entrySet()))
                .toList();
        if (found.size() != 1) {
            throw new AssertionError(found.size() + " samples of " + name + " with " + labels + " in " + samples);
        }
        return found.get(0);
    }
}
