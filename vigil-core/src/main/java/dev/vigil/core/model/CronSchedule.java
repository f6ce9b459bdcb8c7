package dev.vigil.core.model;

import dev.vigil.core.VigilArgumentException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Optional;

/**
 * A five-field cron schedule ({@code minute hour day-of-month month day-of-week}), evaluated in UTC,
 * as crontab reads it: {@code *}, numbers, ranges {@code 1-5}, lists {@code 1,15} and steps
 * {@code *}{@code /5} or {@code 0-30/10}; day of week 0-7 (0 and 7 are Sunday). When both day fields
 * are restricted a day matches either, as in Vixie cron.
 */
public record CronSchedule(String expression) {
    private static final int[][] RANGES = {{0, 59}, {0, 23}, {1, 31}, {1, 12}, {0, 7}};
    private static final String[] NAMES = {"minute", "hour", "day of month", "month", "day of week"};

    public CronSchedule {
        parse(expression, "schedule");
    }

    /** Every five minutes: the default of an hourly version. */
    public static final CronSchedule EVERY_FIVE_MINUTES = new CronSchedule("*/5 * * * *");

    /** Ten minutes past every hour: the default of a daily version. */
    public static final CronSchedule HOURLY = new CronSchedule("10 * * * *");

    /** The default schedule of a version with this aggregation period. */
    public static CronSchedule defaultFor(AggregationPeriod period) {
        return period == AggregationPeriod.HOURLY ? EVERY_FIVE_MINUTES : HOURLY;
    }

    /** Parses {@code expression}; {@code key} names it in the message of a bad one. */
    public static CronSchedule of(String expression, String key) {
        parse(expression, key);
        return new CronSchedule(expression);
    }

    /** The first minute strictly after {@code after} that the schedule matches (within 5 years). */
    public Optional<Instant> next(Instant after) {
        BitSet[] fields = parse(expression, "schedule");
        ZonedDateTime t =
                after.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        ZonedDateTime limit = t.plusYears(5);
        while (t.isBefore(limit)) {
            if (!fields[3].get(t.getMonthValue())) {
                t = t.plusMonths(1).withDayOfMonth(1).withHour(0).withMinute(0);
                continue;
            }
            if (!dayMatches(fields, t)) {
                t = t.plusDays(1).withHour(0).withMinute(0);
                continue;
            }
            if (!fields[1].get(t.getHour())) {
                t = t.plusHours(1).withMinute(0);
                continue;
            }
            if (!fields[0].get(t.getMinute())) {
                t = t.plusMinutes(1);
                continue;
            }
            return Optional.of(t.toInstant());
        }
        return Optional.empty();
    }

    private boolean dayMatches(BitSet[] fields, ZonedDateTime t) {
        boolean domRestricted = fields[2].cardinality() < 31;
        boolean dowRestricted = fields[4].cardinality() < 8;
        int dow = t.getDayOfWeek().getValue() % 7; // Sunday = 0
        boolean dom = fields[2].get(t.getDayOfMonth());
        boolean dowMatch = fields[4].get(dow) || (dow == 0 && fields[4].get(7));
        if (domRestricted && dowRestricted) {
            return dom || dowMatch;
        }
        return dom && dowMatch;
    }

    private static BitSet[] parse(String expression, String key) {
        if (expression == null || expression.isBlank()) {
            throw new VigilArgumentException(key + ": is empty (expected a cron expression such as \"*/5 * * * *\")");
        }
        String[] parts = expression.strip().split("\\s+");
        if (parts.length != 5) {
            throw new VigilArgumentException(key + ": '" + expression + "' has " + parts.length
                    + " fields (expected 5: minute hour day-of-month month day-of-week)");
        }
        BitSet[] out = new BitSet[5];
        for (int i = 0; i < 5; i++) {
            out[i] = field(parts[i], RANGES[i][0], RANGES[i][1], key, NAMES[i], expression);
        }
        return out;
    }

    private static BitSet field(String text, int min, int max, String key, String name, String expression) {
        BitSet bits = new BitSet();
        for (String item : text.split(",", -1)) {
            String range = item;
            int step = 1;
            int slash = item.indexOf('/');
            if (slash >= 0) {
                range = item.substring(0, slash);
                step = number(item.substring(slash + 1), 1, max, key, name, expression);
            }
            int lo;
            int hi;
            if (range.equals("*")) {
                lo = min;
                hi = max;
            } else if (range.contains("-")) {
                String[] ends = range.split("-", -1);
                if (ends.length != 2) {
                    throw bad(key, name, expression, item, min, max);
                }
                lo = number(ends[0], min, max, key, name, expression);
                hi = number(ends[1], min, max, key, name, expression);
                if (hi < lo) {
                    throw bad(key, name, expression, item, min, max);
                }
            } else {
                lo = number(range, min, max, key, name, expression);
                hi = slash >= 0 ? max : lo;
            }
            for (int v = lo; v <= hi; v += step) {
                bits.set(v);
            }
        }
        return bits;
    }

    private static int number(String text, int min, int max, String key, String name, String expression) {
        try {
            int v = Integer.parseInt(text);
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw bad(key, name, expression, text, min, max);
    }

    private static VigilArgumentException bad(
            String key, String name, String expression, String item, int min, int max) {
        return new VigilArgumentException(key + ": '" + expression + "': the " + name + " field has '" + item
                + "' (expected *, a number " + min + "-" + max + ", a range a-b, a list a,b or a step */n)");
    }

    @Override
    public String toString() {
        return expression;
    }
}
