package dev.vigil.stats;

/**
 * A compensated (Neumaier) sum of doubles that merges: the running sum and its lost low-order part are kept
 * apart, so sums over millions of rows and their merges stay within a few ulps of the exact sum.
 */
final class Sum {
    private double sum;
    private double compensation;

    Sum() {}

    private Sum(double sum, double compensation) {
        this.sum = sum;
        this.compensation = compensation;
    }

    void add(double value) {
        double t = sum + value;
        if (Math.abs(sum) >= Math.abs(value)) {
            compensation += (sum - t) + value;
        } else {
            compensation += (value - t) + sum;
        }
        sum = t;
    }

    void merge(Sum other) {
        double otherSum = other.sum;
        double otherCompensation = other.compensation;
        add(otherSum);
        compensation += otherCompensation;
    }

    double value() {
        return sum + compensation;
    }

    void write(ProfileWriter out) {
        out.writeDouble(sum).writeDouble(compensation);
    }

    static Sum read(ProfileReader in, String item) {
        return new Sum(in.readDouble(item), in.readDouble(item + " compensation"));
    }
}
