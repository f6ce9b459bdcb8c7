package dev.vigil.stats;

import java.util.Map;

/** Element-wise sum (for the centroid) and mean L2 norm of fixed-length tensors and embeddings. */
final class VectorProfile implements KindProfile {
    private long n;
    private final double[] sum;
    private double sumNorms;

    VectorProfile(int flatLength) {
        this.sum = new double[flatLength];
    }

    int flatLength() {
        return sum.length;
    }

    /**
     * Adds a row if it has the expected length and only finite elements.
     *
     * @return false if the row is invalid (nothing was added)
     */
    boolean add(double[] vector) {
        if (vector.length != sum.length) {
            return false;
        }
        double squares = 0.0;
        for (double element : vector) {
            if (!Double.isFinite(element)) {
                return false;
            }
            squares += element * element;
        }
        for (int i = 0; i < vector.length; i++) {
            sum[i] += vector[i];
        }
        sumNorms += Math.sqrt(squares);
        n++;
        return true;
    }

    @Override
    public void merge(KindProfile otherKind) {
        VectorProfile other = (VectorProfile) otherKind;
        n += other.n;
        sumNorms += other.sumNorms;
        for (int i = 0; i < sum.length; i++) {
            sum[i] += other.sum[i];
        }
    }

    @Override
    public long validCount() {
        return n;
    }

    double[] centroid() {
        if (n == 0) {
            return null;
        }
        double[] centroid = new double[sum.length];
        for (int i = 0; i < sum.length; i++) {
            centroid[i] = sum[i] / n;
        }
        return centroid;
    }

    @Override
    public void putMetrics(Map<String, Double> metrics) {
        metrics.put("mean_norm", n == 0 ? null : sumNorms / n);
    }

    @Override
    public void write(ProfileWriter out) {
        out.writeLong(n).writeDouble(sumNorms).writeInt(sum.length);
        for (double element : sum) {
            out.writeDouble(element);
        }
    }

    static VectorProfile read(ProfileReader in, int expectedLength) {
        long n = in.readCounter("vector count");
        double sumNorms = in.readDouble("sum of norms");
        int length = in.readCount("vector length", Double.BYTES);
        if (length != expectedLength) {
            throw in.corrupt("vector sum has length " + length + ", the dimensions say " + expectedLength);
        }
        VectorProfile profile = new VectorProfile(length);
        for (int i = 0; i < length; i++) {
            profile.sum[i] = in.readDouble("vector sum element " + i);
        }
        profile.n = n;
        profile.sumNorms = sumNorms;
        return profile;
    }

    @Override
    public VectorProfile copy() {
        VectorProfile copy = new VectorProfile(sum.length);
        copy.merge(this);
        return copy;
    }
}
