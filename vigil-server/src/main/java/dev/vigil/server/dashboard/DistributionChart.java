package dev.vigil.server.dashboard;

import dev.vigil.core.model.FieldType;
import dev.vigil.stats.FieldProfile;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

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
            Optional<KllDoublesSketch> bs = baseline.get().quantileSketch();
            Optional<KllDoublesSketch> ws = window.get().quantileSketch();
            if (bs.isEmpty() || ws.isEmpty() || bs.get().isEmpty() || ws.get().isEmpty()) {
                return "<span class=\"muted\">–</span>";
            }
            double[] edges = bs.get().getQuantiles(new double[] {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9});
            edges = java.util.Arrays.stream(edges).distinct().toArray();
            double[] wc = ws.get().getCDF(edges, QuantileSearchCriteria.EXCLUSIVE);
            double[] bc = bs.get().getCDF(edges, QuantileSearchCriteria.EXCLUSIVE);
            for (int i = 0; i < wc.length; i++) {
                // the bin's lower edge is its label (the first bin: below the first edge)
                labels.add(i == 0 ? "<" + Svg.number(edges[0]) : Svg.number(edges[i - 1]) + "+");
                w.add(wc[i] - (i == 0 ? 0 : wc[i - 1]));
                b.add(bc[i] - (i == 0 ? 0 : bc[i - 1]));
            }
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
