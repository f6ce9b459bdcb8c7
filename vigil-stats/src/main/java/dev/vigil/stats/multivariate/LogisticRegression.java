package dev.vigil.stats.multivariate;

/**
 * Weighted L2-regularized logistic regression fitted by Newton's method: minimizes Σ wᵢ·(log(1 + e^ηᵢ) − yᵢ·ηᵢ) +
 * ‖β‖² / (2C), ηᵢ = b + xᵢ·β, the intercept b not penalized, which is scikit-learn's {@code LogisticRegression}
 * objective. The problem is strictly convex, so every solver that converges finds the same coefficients; Newton
 * steps with step halving (until the objective decreases) make the result a deterministic function of the input.
 */
final class LogisticRegression {
    private static final int MAX_ITERATIONS = 100;

    private LogisticRegression() {}

    /** The fitted coefficients: β for the features, then the intercept. */
    static double[] fit(double[][] x, double[] y, double[] w, double c) {
        int n = x.length;
        int p = x.length == 0 ? 0 : x[0].length;
        int d = p + 1;
        double[] beta = new double[d];
        double objective = objective(x, y, w, c, beta);
        for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
            double[] gradient = new double[d];
            double[][] hessian = new double[d][d];
            double[] xi = new double[d];
            for (int i = 0; i < n; i++) {
                System.arraycopy(x[i], 0, xi, 0, p);
                xi[p] = 1;
                double prob = sigmoid(decision(beta, x[i]));
                double g = w[i] * (prob - y[i]);
                double h = w[i] * prob * (1 - prob);
                for (int a = 0; a < d; a++) {
                    gradient[a] += g * xi[a];
                    if (xi[a] == 0) {
                        continue;
                    }
                    double hx = h * xi[a];
                    double[] row = hessian[a];
                    for (int b = a; b < d; b++) {
                        row[b] += hx * xi[b];
                    }
                }
            }
            double largest = 0;
            for (int a = 0; a < p; a++) {
                gradient[a] += beta[a] / c;
                hessian[a][a] += 1 / c;
            }
            for (int a = 0; a < d; a++) {
                largest = Math.max(largest, Math.abs(gradient[a]));
                for (int b = a + 1; b < d; b++) {
                    hessian[b][a] = hessian[a][b];
                }
            }
            if (largest < 1e-10) {
                break;
            }
            double[] step = solve(hessian, gradient);
            double t = 1;
            double[] next = new double[d];
            double nextObjective;
            do {
                for (int a = 0; a < d; a++) {
                    next[a] = beta[a] - t * step[a];
                }
                nextObjective = objective(x, y, w, c, next);
                t /= 2;
            } while (nextObjective > objective && t > 1e-10);
            if (!(nextObjective <= objective)) {
                break;
            }
            double moved = 0;
            for (int a = 0; a < d; a++) {
                moved = Math.max(moved, Math.abs(next[a] - beta[a]));
            }
            beta = next;
            objective = nextObjective;
            if (moved < 1e-13) {
                break;
            }
        }
        return beta;
    }

    /** The linear score b + x·β; its order is the predicted probability's order. */
    static double decision(double[] beta, double[] x) {
        int p = x.length;
        double eta = beta[p];
        for (int a = 0; a < p; a++) {
            eta += beta[a] * x[a];
        }
        return eta;
    }

    private static double sigmoid(double eta) {
        return eta >= 0 ? 1 / (1 + Math.exp(-eta)) : Math.exp(eta) / (1 + Math.exp(eta));
    }

    private static double objective(double[][] x, double[] y, double[] w, double c, double[] beta) {
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            double eta = decision(beta, x[i]);
            // log(1 + e^η) without overflow
            double softplus = eta > 0 ? eta + Math.log1p(Math.exp(-eta)) : Math.log1p(Math.exp(eta));
            sum += w[i] * (softplus - y[i] * eta);
        }
        double penalty = 0;
        for (int a = 0; a < beta.length - 1; a++) {
            penalty += beta[a] * beta[a];
        }
        return sum + penalty / (2 * c);
    }

    /** Solves H·s = g for a symmetric positive definite H by Cholesky; a zero pivot gets a tiny ridge. */
    private static double[] solve(double[][] h, double[] g) {
        int d = g.length;
        double[][] l = new double[d][d];
        for (int j = 0; j < d; j++) {
            double diag = h[j][j];
            for (int k = 0; k < j; k++) {
                diag -= l[j][k] * l[j][k];
            }
            l[j][j] = Math.sqrt(Math.max(diag, 1e-300));
            for (int i = j + 1; i < d; i++) {
                double v = h[i][j];
                double[] li = l[i];
                double[] lj = l[j];
                for (int k = 0; k < j; k++) {
                    v -= li[k] * lj[k];
                }
                li[j] = v / l[j][j];
            }
        }
        double[] z = new double[d];
        for (int i = 0; i < d; i++) {
            double v = g[i];
            for (int k = 0; k < i; k++) {
                v -= l[i][k] * z[k];
            }
            z[i] = v / l[i][i];
        }
        double[] s = new double[d];
        for (int i = d - 1; i >= 0; i--) {
            double v = z[i];
            for (int k = i + 1; k < d; k++) {
                v -= l[k][i] * s[k];
            }
            s[i] = v / l[i][i];
        }
        return s;
    }
}
