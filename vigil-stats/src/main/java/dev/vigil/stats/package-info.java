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
 * timestamps, duplicate ids), {@link dev.vigil.stats.PerformanceProfile} one prediction field's performance, and
 * {@link dev.vigil.stats.SampleProfile} a bounded, mergeable sample of the window's rows (for the multivariate
 * metrics, stored under the field name {@code #sample}). All four are a sealed {@link dev.vigil.stats.Profile}, whose
 * {@link dev.vigil.stats.Profile#fromBytes(byte[])} reads any of them by the magic its bytes start with.
 *
 * <h2>Accuracy</h2>
 *
 * <ul>
 *   <li>Moments, sums, extremes, counts, text lengths and norms: exact up to floating-point rounding
 *       (mean and variance by Welford's update and Chan et al.'s pairwise merge; the sum is compensated).
 *   <li>Quantiles ({@code p01 ... p99}, {@code median}): Vigil's own deterministic KLL sketch ({@code Quantiles}),
 *       k = 400, normalized rank error ≈ 0.7% (99% confidence), within the 1% of METRICS.md; exact for up to 400
 *       values, and in the tails: the 64 smallest and 64 largest values are kept exactly, so ranks there, {@code
 *       out_of_range_count} while at most 64 values lie beyond either end, and p01/p99 up to 6,400 values are exact.
 *       The same values in the same order give the same sketch; a window of up to 4,096 values gives the same
 *       sketch in any order; merges do not depend on which side they are called on.
 *   <li>{@code distinct_count}: the exact set of the values' 64-bit hashes up to 1,000 distinct values, then an HLL
 *       sketch (lgK = 13, its composite estimate: within METRICS.md's 2%, order-independent); rounded to a whole number. A
 *       window whose quantile sketch still holds every value, or whose value counts hold every value, stores no
 *       distinct sketch: the count comes from the values.
 *   <li>{@code value_count[...]}: exact while each merged profile held at most 1,000 distinct values; beyond
 *       that the 1,000 largest counts are kept and the rest is counted in {@code value_count[__other__]}.
 * </ul>
 *
 * <h2>Binary format, version 3</h2>
 *
 * <p>All numbers big-endian ({@link java.io.DataOutputStream}); a <i>block</i> is an {@code int} length followed
 * by that many bytes; a <i>string</i> is a block of UTF-8.
 *
 * <pre>
 * FieldProfile
 *   magic          3 bytes  "VGP"
 *   version        1 byte   3 (versions 1 and 2 stay readable: version 1 has no long_value_count, both keep
 *                           DataSketches' KLL and theta sketches where version 3 keeps the blocks below)
 *   kind           string   FieldType.Kind spec name ("numeric", "string", "embedding", ...), never an ordinal
 *   rank           int      number of dimensions, then rank x int dimension
 *   count          long     rows added
 *   missing        long
 *   invalid        long     includes the type mismatches
 *   type_mismatch  long
 *   long_value     long     values over the long-value limit (version 2 on; 0 when reading version 1)
 *   then, by kind:
 *   numeric, datetime        long n, double mean, double m2, double sum, double sum_compensation,
 *                            double min, double max, quantiles, int has_distinct (0 or 1), [distinct]
 *   categorical, string,     long n, long other_count, int entries,
 *   boolean                  entries x (string value, long count) sorted by count desc then value,
 *                            int has_distinct (0 while other_count is 0, else 1), [distinct]
 *   text                     long n, long sum_length, long min_length, long max_length, long empty_count,
 *                            long sum_tokens, quantiles of the lengths
 *   tensor, embedding        long n, double sum_of_norms, int length, length x double element sums
 *   array, dict              long n, long sum_length, long min_length, long max_length
 *
 * quantiles (version 3)
 *   long n, long coin (the compactor's generator state), int levels,
 *   levels x (int size, size x double, ascending): level h's items weigh 2^h, they add up to n
 *   int flags: 1 = compacted (else the one level holds every value), 2 = exact tails follow
 *   [int low_size, low_size x double: the smallest values, ascending (at most 64);
 *    int high_size, high_size x double: the largest values, ascending (at most 64)]
 *
 * distinct (version 3): int kind, then
 *   1 = exact     int size (at most 1,000), size x long: the values' hashes, ascending
 *   2 = HLL       block: DataSketches HllSketch compact bytes, lgK 13, HLL_4
 *   3 = theta     block: a theta compact sketch carried over from a version 1 or 2 profile
 *
 * DatasetProfile
 *   magic "VGD", version 1 byte 1, long rows, long null_id_count, long null_timestamp_count,
 *   long duplicate_id_count
 *
 * PerformanceProfile   magic "VGF": see its javadoc
 * SampleProfile        magic "VGS", version 1: see its javadoc (seed, capacities, columns sorted by name, rows
 *                      best key first with key, hash and weight, then column by column; golden sample-v1.bin)
 * </pre>
 *
 * <p>Versions 1 and 2 hold DataSketches' own serializations ({@code KllDoublesSketch.toByteArray()}, {@code
 * CompactSketch.toByteArray()}, default seed): their KLL sketches are read into {@code Quantiles} without exact tails,
 * their theta sketches merge with each other but not with version 3's hashes (such a merge has no distinct count). Readers reject an unknown magic or version, truncated input,
 * trailing bytes and counts that disagree with a {@link dev.vigil.core.VigilStateException} that says what is
 * wrong. A change to the layout is a new version; older versions stay readable, and the golden files in {@code
 * src/test/resources/golden} hold the module to that.
 */
package dev.vigil.stats;
