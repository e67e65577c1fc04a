package org.nicemu.scenario;

import java.util.Locale;
import java.util.Map;

import org.nicemu.api.qdisc.QdiscParamException;
import org.nicemu.api.qdisc.QdiscParams;

/**
 * Time and rate units as scenarios and the {@code run} command take them, with tc's spelling
 * (tc/tc_util.c get_time, get_rate): {@code 20ms}, {@code 1.5s}, {@code 400us}, {@code 250ns};
 * {@code 10gbit}, {@code 100mbit}, {@code 125kbps}. Unlike tc, a time needs its unit: a bare number
 * is rejected, because "20" could mean anything in a scenario file.
 */
public final class Units {
    /** What {@link #timeNanos} accepts, for error messages. */
    public static final String TIME_FORMS = "a time with a unit s, ms, us or ns, e.g. 20ms, 1.5s, 400us";
    /** What {@link #rateBitsPerSec} accepts, for error messages. */
    public static final String RATE_FORMS = "a rate such as 10gbit, 100mbit, 1000000 (bit/s) or 125kbps (bytes/s)";

    private Units() {
    }

    /**
     * Parses a time into nanoseconds: a non-negative decimal number followed by s/sec, ms/msec,
     * us/usec or ns/nsec.
     *
     * @throws IllegalArgumentException naming the value and the accepted forms
     */
    public static long timeNanos(String v) {
        if (v == null) throw new IllegalArgumentException("missing time; expected " + TIME_FORMS);
        String s = v.trim().toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) i++;
        if (i == 0 || i == s.length()) throw new IllegalArgumentException("'" + v + "' is not " + TIME_FORMS);
        try {
            return QdiscParams.of(Map.of("t", s)).getTimeNanos("t", 0);
        } catch (QdiscParamException e) {
            throw new IllegalArgumentException("'" + v + "' is not " + TIME_FORMS);
        }
    }

    /**
     * Parses a rate into bits per second with tc's units (bit, kbit, mbit, gbit, tbit, bps, kbps,
     * mbps, gbps, kibit ...); a bare number is bits per second. Must be at least 1.
     *
     * @throws IllegalArgumentException naming the value and the accepted forms
     */
    public static long rateBitsPerSec(String v) {
        if (v == null) throw new IllegalArgumentException("missing rate; expected " + RATE_FORMS);
        long r;
        try {
            r = QdiscParams.of(Map.of("r", v)).getRateBitsPerSec("r", 0);
        } catch (QdiscParamException e) {
            throw new IllegalArgumentException("'" + v + "' is not " + RATE_FORMS);
        }
        if (r < 1) throw new IllegalArgumentException("'" + v + "' is not " + RATE_FORMS);
        return r;
    }

    /** Formats nanoseconds for humans: {@code 20ms}, {@code 1.5s}, {@code 12.345us}, {@code 7ns}. */
    public static String formatTime(long nanos) {
        if (nanos >= 1_000_000_000L) return trim(nanos / 1e9) + "s";
        if (nanos >= 1_000_000L) return trim(nanos / 1e6) + "ms";
        if (nanos >= 1_000L) return trim(nanos / 1e3) + "us";
        return nanos + "ns";
    }

    /** Formats a rate as tc does (SI): {@code 10Gbit}, {@code 500Mbit}, {@code 800bit}. */
    public static String formatRate(long bitsPerSec) {
        String[] u = {"bit", "Kbit", "Mbit", "Gbit", "Tbit"};
        double r = bitsPerSec;
        int i = 0;
        while (r >= 1000 && i < u.length - 1 && Math.rint(r) % 1000 == 0) {
            r /= 1000;
            i++;
        }
        return trim(r) + u[i];
    }

    private static String trim(double d) {
        String s = String.format(Locale.ROOT, "%.6f", d);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
