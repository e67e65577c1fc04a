package org.nicemu.api.qdisc;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parameters of a qdisc as {@code tc} takes them ({@code rate 1mbit burst 10kb latency 50ms}), with
 * tc's unit parsing (tc/tc_util.c get_rate, get_size, get_time). Values stay strings until a typed
 * getter parses them; every parse error names the parameter and the accepted forms.
 */
public final class QdiscParams {
    private static final QdiscParams EMPTY = new QdiscParams(Map.of());
    private final Map<String, String> values;

    private QdiscParams(Map<String, String> values) {
        this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public static QdiscParams empty() { return EMPTY; }

    public static QdiscParams of(Map<String, String> values) { return new QdiscParams(values); }

    /**
     * Parses tc-style tokens: {@code key value} pairs, except flag words listed in {@code flags}
     * which stand alone (stored with the value "true"). A key given twice or a key without a value
     * is an error.
     */
    public static QdiscParams parse(List<String> tokens, Set<String> flags) throws QdiscParamException {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            String k = tokens.get(i);
            if (flags.contains(k)) {
                m.put(k, "true");
                continue;
            }
            if (k.equals("priomap")) { // priomap takes 16 values
                StringBuilder sb = new StringBuilder();
                int j = i + 1;
                while (j < tokens.size() && tokens.get(j).matches("\\d+")) {
                    if (sb.length() > 0) sb.append(' ');
                    sb.append(tokens.get(j++));
                }
                m.put(k, sb.toString());
                i = j - 1;
                continue;
            }
            if (i + 1 >= tokens.size()) throw new QdiscParamException("parameter '" + k + "' needs a value");
            if (m.put(k, tokens.get(++i)) != null) throw new QdiscParamException("parameter '" + k + "' given twice");
        }
        return new QdiscParams(m);
    }

    public Map<String, String> asMap() { return values; }

    public boolean isEmpty() { return values.isEmpty(); }

    public boolean has(String key) { return values.containsKey(key); }

    public String get(String key) { return values.get(key); }

    /** This merged over {@code defaults}: keys here win. */
    public QdiscParams over(QdiscParams defaults) {
        Map<String, String> m = new LinkedHashMap<>(defaults.values);
        m.putAll(values);
        return new QdiscParams(m);
    }

    /** Rejects keys not in {@code accepted}, naming the accepted ones. */
    public void requireOnly(String kind, Set<String> accepted) throws QdiscParamException {
        for (String k : values.keySet()) {
            if (!accepted.contains(k)) {
                throw new QdiscParamException(kind + ": unknown parameter '" + k + "'; accepted: " + String.join(", ", accepted));
            }
        }
    }

    /** A non-negative integer. */
    public long getLong(String key, long dflt) throws QdiscParamException {
        String v = values.get(key);
        if (v == null) return dflt;
        try {
            long x = Long.parseLong(v.trim());
            if (x < 0) throw new NumberFormatException();
            return x;
        } catch (NumberFormatException e) {
            throw new QdiscParamException("parameter '" + key + "': '" + v + "' is not a non-negative integer");
        }
    }

    /** A rate in bits per second: plain bits, or with bit/kbit/mbit/gbit/tbit, bps/kbps/mbps/gbps (bytes), kibit... */
    public long getRateBitsPerSec(String key, long dflt) throws QdiscParamException {
        String v = values.get(key);
        return v == null ? dflt : parseRate(key, v);
    }

    /** A size in bytes: plain bytes, or b/k/kb/m/mb/g/gb (bytes) and kbit/mbit/gbit (bits), as tc's get_size. */
    public long getSizeBytes(String key, long dflt) throws QdiscParamException {
        String v = values.get(key);
        return v == null ? dflt : parseSize(key, v);
    }

    /** A time in nanoseconds: plain microseconds (tc's default unit), or s/ms/us/ns (also sec, msec, usec, nsec). */
    public long getTimeNanos(String key, long dflt) throws QdiscParamException {
        String v = values.get(key);
        return v == null ? dflt : parseTime(key, v);
    }

    private static String[] split(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) i++;
        return new String[] {s.substring(0, i), s.substring(i)};
    }

    private static double number(String key, String v, String num, String accepted) throws QdiscParamException {
        try {
            double d = Double.parseDouble(num);
            if (d < 0 || Double.isNaN(d) || Double.isInfinite(d)) throw new NumberFormatException();
            return d;
        } catch (NumberFormatException e) {
            throw new QdiscParamException("parameter '" + key + "': '" + v + "' is not " + accepted);
        }
    }

    static long parseRate(String key, String v) throws QdiscParamException {
        String accepted = "a rate such as 1000000, 100kbit, 10mbit, 1gbit, 125kbps";
        String[] p = split(v);
        double n = number(key, v, p[0], accepted);
        double mul;
        switch (p[1]) {
            case "": case "bit": mul = 1; break;
            case "kbit": mul = 1e3; break;
            case "mbit": mul = 1e6; break;
            case "gbit": mul = 1e9; break;
            case "tbit": mul = 1e12; break;
            case "kibit": mul = 1024; break;
            case "mibit": mul = 1024 * 1024; break;
            case "gibit": mul = 1024.0 * 1024 * 1024; break;
            case "bps": mul = 8; break;
            case "kbps": mul = 8e3; break;
            case "mbps": mul = 8e6; break;
            case "gbps": mul = 8e9; break;
            default: throw new QdiscParamException("parameter '" + key + "': unknown unit '" + p[1] + "' in '" + v + "'; expected " + accepted);
        }
        return Math.round(n * mul);
    }

    static long parseSize(String key, String v) throws QdiscParamException {
        String accepted = "a size such as 1514, 1500b, 10kb, 2mb, 64kbit";
        String[] p = split(v);
        double n = number(key, v, p[0], accepted);
        double mul;
        switch (p[1]) {
            case "": case "b": mul = 1; break;
            case "k": case "kb": mul = 1024; break;
            case "m": case "mb": mul = 1024 * 1024; break;
            case "g": case "gb": mul = 1024.0 * 1024 * 1024; break;
            case "kbit": mul = 1024 / 8.0; break;
            case "mbit": mul = 1024 * 1024 / 8.0; break;
            case "gbit": mul = 1024.0 * 1024 * 1024 / 8; break;
            default: throw new QdiscParamException("parameter '" + key + "': unknown unit '" + p[1] + "' in '" + v + "'; expected " + accepted);
        }
        return Math.round(n * mul);
    }

    static long parseTime(String key, String v) throws QdiscParamException {
        String accepted = "a time such as 50ms, 400us, 1s, 1000 (microseconds)";
        String[] p = split(v);
        double n = number(key, v, p[0], accepted);
        double mul;
        switch (p[1]) {
            case "s": case "sec": case "secs": mul = 1e9; break;
            case "ms": case "msec": case "msecs": mul = 1e6; break;
            case "": case "us": case "usec": case "usecs": mul = 1e3; break;
            case "ns": case "nsec": case "nsecs": mul = 1; break;
            default: throw new QdiscParamException("parameter '" + key + "': unknown unit '" + p[1] + "' in '" + v + "'; expected " + accepted);
        }
        return Math.round(n * mul);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        values.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : " ").append(k).append(' ').append(v));
        return sb.toString();
    }
}
