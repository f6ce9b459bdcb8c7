/**
 * Mergeable, serializable profiles: the statistics Vigil keeps per field, window and segment.
 *
 * <h2>Use</h2>
 *
 * <p>{@link dev.vigil.stats.FieldProfile} summarizes one field's values: create one per field type, call one
 * adder per row, {@link dev.vigil.stats.FieldProfile#merge merge} profiles of smaller windows or partitions
 * into larger ones, and derive {@link dev.vigil.stats.FieldProfile#metrics() metrics} (named as in
 * METRICS.md) at the end. Metrics are never averaged across windows: a merged profile gives the metrics of all
 * its rows. {@link dev.vigil.stats.DatasetProfile} keeps the dataset-level counts (rows, null ids, null
 * timestamps, duplicate ids), and {@link dev.vigil.stats.PerformanceProfile} one prediction field's performance.
 * All three are a sealed {@link dev.vigil.stats.Profile}, whose {@link dev.vigil.stats.Profile#fromBytes(byte[])}
 * reads any of them by the magic its bytes start with.
 *
 * <h2>Accuracy</h2>
 *
 * <ul>
 *   <li>Moments, sums, extremes, counts, text lengths and norms: exact up to floating-point rounding
 *       (mean and variance by Welford's update and Chan et al.'s pairwise merge; the sum is compensated).
 *   <li>Quantiles ({@code p01 ... p99}, {@code median}): KLL sketch, k = 400, normalized rank error ≈ 0.7% (99%
 *       confidence), within the 1% of METRICS.md; exact for up to 400 values.
 *   <li>{@code distinct_count}: theta sketch with 2^13 = 8192 nominal entries: exact below 8192 distinct values,
 *       relative standard error ≈ 1.1% above; rounded to a whole number.
 *   <li>{@code value_count[...]}: exact while each merged profile held at most 1,000 distinct values; beyond
 *       that the 1,000 largest counts are kept and the rest is counted in {@code value_count[__other__]}.
 * </ul>
 *
 * <h2>Binary format, version 2</h2>
 *
 * <p>All numbers big-endian ({@link java.io.DataOutputStream}); a <i>block</i> is an {@code int} length followed
 * by that many bytes; a <i>string</i> is a block of UTF-8.
 *
 * <pre>
 * FieldProfile
 *   magic          3 bytes  "VGP"
 *   version        1 byte   2 (version 1 has no long_value_count and stays readable)
 *   kind           string   FieldType.Kind spec name ("numeric", "string", "embedding", ...), never an ordinal
 *   rank           int      number of dimensions, then rank x int dimension
 *   count          long     rows added
 *   missing        long
 *   invalid        long     includes the type mismatches
 *   type_mismatch  long
 *   long_value     long     values over the long-value limit (version 2 on; 0 when reading version 1)
 *   then, by kind:
 *   numeric, datetime        long n, double mean, double m2, double sum, double sum_compensation,
 *                            double min, double max, block KLL sketch, block theta compact sketch
 *   categorical, string,     long n, long other_count, int entries,
 *   boolean                  entries x (string value, long count) sorted by count desc then value,
 *                            block theta compact sketch
 *   text                     long n, long sum_length, long min_length, long max_length, long empty_count,
 *                            long sum_tokens, block KLL sketch of lengths
 *   tensor, embedding        long n, double sum_of_norms, int length, length x double element sums
 *   array, dict              long n, long sum_length, long min_length, long max_length
 *
 * DatasetProfile
 *   magic "VGD", version 1 byte 1, long rows, long null_id_count, long null_timestamp_count,
 *   long duplicate_id_count
 * </pre>
 *
 * <p>Sketches are DataSketches' own serialization ({@code KllDoublesSketch.toByteArray()}, {@code
 * CompactSketch.toByteArray()}), default seed. Readers reject an unknown magic or version, truncated input,
 * trailing bytes and counts that disagree with a {@link dev.vigil.core.VigilStateException} that says what is
 * wrong. A change to the layout is a new version; older versions stay readable, and the golden files in {@code
 * src/test/resources/golden} hold the module to that.
 */
package dev.vigil.stats;
