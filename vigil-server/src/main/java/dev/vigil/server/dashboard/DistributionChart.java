package dev.vigil.server.dashboard;

import dev.vigil.core.model.FieldType;
import dev.vigil.stats.Drift;
import dev.vigil.stats.FieldProfile;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The bar chart of a field's distribution over a range against its training baseline, on the version page. */
final class DistributionChart {
    private DistributionChart() {}

    /** Window vs baseline: numeric fields by the training deciles (as drift bins them), others by their top values. */
    static String of(String field, Optional<FieldProfile> window, Optional<FieldProfile> baseline) {
        if (window.isEmpty() || baseline.isEmpty()) {
            return "<span class=\"muted\">–</span>";
        }
        FieldType.Kind kind = window.get().kind();
        List<String> labels = new ArrayList<>();
        List<Double> w = new ArrayList<>();
        List<Double> b = new ArrayList<>();
        if (kind == FieldType.Kind.NUMERIC) {
            Optional<Drift.DecileShares> shares = Drift.decileShares(baseline.get(), window.get());
            if (shares.isEmpty()) {
                return "<span class=\"muted\">–</span>";
            }
            List<Double> edges = shares.get().edges();
            for (int i = 0; i <= edges.size(); i++) {
                // the bin's lower edge is its label (the first bin: below the first edge)
                labels.add(i == 0 ? "<" + Svg.number(edges.get(0)) : Svg.number(edges.get(i - 1)) + "+");
            }
            w.addAll(shares.get().window());
            b.addAll(shares.get().baseline());
        } else if (kind == FieldType.Kind.CATEGORICAL
                || kind == FieldType.Kind.STRING
                || kind == FieldType.Kind.BOOLEAN) {
            Map<String, Long> wv = window.get().valueCounts();
            Map<String, Long> bv = baseline.get().valueCounts();
            long wn = Math.max(
                    1,
                    wv.values().stream().mapToLong(Long::longValue).sum()
                            + window.get().otherCount());
            long bn = Math.max(
                    1,
                    bv.values().stream().mapToLong(Long::longValue).sum()
                            + baseline.get().otherCount());
            Map<String, Double> weight = new HashMap<>();
            wv.forEach((k, c) -> weight.merge(k, (double) c / wn, Double::sum));
            bv.forEach((k, c) -> weight.merge(k, (double) c / bn, Double::sum));
            weight.entrySet().stream()
                    .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .limit(10)
                    .forEach(e -> {
                        labels.add(e.getKey());
                        w.add((double) wv.getOrDefault(e.getKey(), 0L) / wn);
                        b.add((double) bv.getOrDefault(e.getKey(), 0L) / bn);
                    });
        } else {
            return "<span class=\"muted\">–</span>";
        }
        return Svg.bars("share of " + field, labels, w, b, 380, 130);
    }
}
