package dev.vigil.stats;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ranking with binary relevance: per row, NDCG@k, precision@k, recall@k, AP@k and the reciprocal rank, summed
 * over the rows with an actual (so that merged windows average over all their rows, not over windows).
 *
 * <p>Per row, with hits among the first k distinct predicted items: DCG = Σ 1/log2(rank + 1) over hits, ideal
 * DCG the same over min(k, |relevant|) ranks; precision@k = hits / k; recall@k = hits / |relevant|; AP@k = Σ
 * over hit ranks r of precision@r, divided by min(k, |relevant|); reciprocal rank = 1 / the rank of the first
 * relevant item anywhere in the prediction. A row with no relevant item scores 0 on all of them (as
 * scikit-learn's {@code ndcg_score} does for NDCG).
 */
final class RankingPerformance implements TaskPerformance {
    private final int k;
    private long rows;
    private final Sum ndcg = new Sum();
    private final Sum precision = new Sum();
    private final Sum recall = new Sum();
    private final Sum averagePrecision = new Sum();
    private final Sum reciprocalRank = new Sum();

    RankingPerformance(int k) {
        this.k = k;
    }

    int k() {
        return k;
    }

    void add(List<String> predicted, Set<String> relevant) {
        rows++;
        if (relevant.isEmpty()) {
            return;
        }
        Set<String> seen = new HashSet<>();
        int rank = 0;
        int hits = 0;
        double dcg = 0;
        double ap = 0;
        double rr = 0;
        for (String item : predicted) {
            if (!seen.add(item)) {
                continue; // a repeated item counts once, at its first rank
            }
            rank++;
            boolean hit = relevant.contains(item);
            if (hit && rr == 0) {
                rr = 1.0 / rank;
            }
            if (hit && rank <= k) {
                hits++;
                dcg += 1 / log2(rank + 1);
                ap += (double) hits / rank;
            }
        }
        int ideal = Math.min(k, relevant.size());
        double idcg = 0;
        for (int r = 1; r <= ideal; r++) {
            idcg += 1 / log2(r + 1);
        }
        ndcg.add(dcg / idcg);
        precision.add((double) hits / k);
        recall.add((double) hits / relevant.size());
        averagePrecision.add(ap / ideal);
        reciprocalRank.add(rr);
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    @Override
    public void merge(TaskPerformance other) {
        RankingPerformance o = (RankingPerformance) other;
        if (o.k != k) {
            throw new dev.vigil.core.VigilArgumentException(
                    "cannot merge ranking performance at k=" + o.k + " into one at k=" + k);
        }
        rows += o.rows;
        ndcg.merge(o.ndcg);
        precision.merge(o.precision);
        recall.merge(o.recall);
        averagePrecision.merge(o.averagePrecision);
        reciprocalRank.merge(o.reciprocalRank);
    }

    @Override
    public void putMetrics(Map<String, Double> metrics) {
        metrics.put("ndcg_at_k", ndcg.value() / rows);
        metrics.put("precision_at_k", precision.value() / rows);
        metrics.put("recall_at_k", recall.value() / rows);
        metrics.put("map_at_k", averagePrecision.value() / rows);
        metrics.put("mrr", reciprocalRank.value() / rows);
    }

    @Override
    public void write(ProfileWriter out) {
        out.writeInt(k).writeLong(rows);
        ndcg.write(out);
        precision.write(out);
        recall.write(out);
        averagePrecision.write(out);
        reciprocalRank.write(out);
    }

    static RankingPerformance read(ProfileReader in) {
        int k = in.readInt("k");
        if (k < 1) {
            throw in.corrupt("k is " + k + ", expected at least 1");
        }
        RankingPerformance r = new RankingPerformance(k);
        r.rows = in.readCounter("rows");
        r.ndcg.merge(Sum.read(in, "ndcg sum"));
        r.precision.merge(Sum.read(in, "precision sum"));
        r.recall.merge(Sum.read(in, "recall sum"));
        r.averagePrecision.merge(Sum.read(in, "average precision sum"));
        r.reciprocalRank.merge(Sum.read(in, "reciprocal rank sum"));
        return r;
    }

    @Override
    public TaskPerformance copy() {
        RankingPerformance copy = new RankingPerformance(k);
        copy.merge(this);
        return copy;
    }
}
