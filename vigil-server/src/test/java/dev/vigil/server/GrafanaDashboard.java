package dev.vigil.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The metric names the Grafana dashboard's PromQL asks for, read out of its panels' and variables' queries. */
final class GrafanaDashboard {
    private static final Set<String> KEYWORDS = Set.of(
            "by",
            "without",
            "on",
            "ignoring",
            "group_left",
            "group_right",
            "bool",
            "offset",
            "and",
            "or",
            "unless",
            "inf",
            "nan");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    private GrafanaDashboard() {}

    /** Every metric name in every panel's {@code expr} and every {@code label_values} variable query, in order. */
    static List<String> metricNames(Path dashboard) throws Exception {
        JsonNode root = new ObjectMapper().readTree(dashboard.toFile());
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode panel : root.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                out.addAll(names(target.path("expr").asText()));
            }
        }
        for (JsonNode variable : root.path("templating").path("list")) {
            Matcher m = Pattern.compile("label_values\\((.*),\\s*[a-zA-Z_]+\\)")
                    .matcher(variable.path("query").path("query").asText());
            if (m.matches()) {
                out.addAll(names(m.group(1)));
            }
        }
        return new ArrayList<>(out);
    }

    /**
     * The metric names of one PromQL expression: what is left once strings, label matchers, range and offset
     * durations and grouping clauses are cut out, less function names (followed by a parenthesis), keywords and
     * numbers.
     */
    static List<String> names(String expr) {
        String s = expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"") // string literals
                .replaceAll("\\{[^}]*}", " ") // label matchers
                .replaceAll("\\[[^]]*]", " ") // range and subquery durations
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        List<String> out = new ArrayList<>();
        Matcher m = IDENTIFIER.matcher(s);
        while (m.find()) {
            String word = m.group();
            int next = m.end();
            while (next < s.length() && Character.isWhitespace(s.charAt(next))) {
                next++;
            }
            boolean function = next < s.length() && s.charAt(next) == '(';
            boolean number = m.start() > 0 && Character.isDigit(s.charAt(m.start() - 1));
            if (!function && !number && !KEYWORDS.contains(word.toLowerCase(java.util.Locale.ROOT))) {
                out.add(word);
            }
        }
        return out;
    }
}
