package org.nicemu.port.wire;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.nicemu.api.qdisc.QdiscParamException;
import org.nicemu.api.qdisc.QdiscParams;

/**
 * The parameters of one end of a virtual wire, parsed and checked. They shape the frames that end
 * sends (its egress direction), as {@code tc qdisc add dev D root netem ...} shapes the frames
 * leaving D; give the same parameters to both ends for a symmetric link. Every failure is an
 * {@link IllegalArgumentException} naming the parameter and what is accepted.
 *
 * @param name          the wire's name: the first port opened with it is end A, the second end B
 * @param rateBitsPerSec the wire's own serialization rate, bit/s; 0 = none (only the sending NIC's)
 * @param overheadBytes bytes added to each frame for the wire's serialization (netem's packetoverhead)
 * @param delayNanos    propagation delay, ns
 * @param jitterNanos   delay variation: each frame's delay is uniform in delay ± jitter (never below 0)
 * @param lossP         random loss probability (0..1), exclusive with gemodel
 * @param ge            Gilbert-Elliott loss model, or null
 * @param duplicateP    probability that a frame is delivered twice
 * @param reorderP      probability that a reorder candidate is sent without the delay
 * @param gap           every gap-th frame is a reorder candidate (netem's gap; 1 = every frame)
 * @param corruptP      probability that one random bit of a frame is flipped
 * @param limit         frames that may wait for the wire's own serialization (rate set), more are dropped
 */
record WireParams(String name, long rateBitsPerSec, int overheadBytes, long delayNanos, long jitterNanos,
        double lossP, GilbertElliott ge, double duplicateP, double reorderP, int gap, double corruptP, int limit) {

    /**
     * netem's {@code loss gemodel p [r [1-h [1-k]]]}, as probabilities 0..1: p Good→Bad, r
     * Bad→Good, lossBad = 1-h (loss probability in the Bad state), lossGood = 1-k (in the Good state).
     */
    record GilbertElliott(double p, double r, double lossBad, double lossGood) {
        /** The long-run loss probability: π_bad·(1-h) + π_good·(1-k), π_bad = p / (p + r). */
        double meanLoss() {
            if (p + r == 0) return lossGood;
            double bad = p / (p + r);
            return bad * lossBad + (1 - bad) * lossGood;
        }
    }

    static final String NAME = "name", RATE = "rate", OVERHEAD = "overhead", DELAY = "delay", JITTER = "jitter",
            LOSS = "loss", GEMODEL = "gemodel", DUPLICATE = "duplicate", REORDER = "reorder", GAP = "gap",
            CORRUPT = "corrupt", LIMIT = "limit";
    static final Set<String> KEYS = Set.of(NAME, RATE, OVERHEAD, DELAY, JITTER, LOSS, GEMODEL, DUPLICATE, REORDER, GAP,
            CORRUPT, LIMIT);
    static final int DEFAULT_LIMIT = 1000;
    /** One line per parameter, with units and defaults. */
    static final String USAGE = String.join("\n",
            "wire name=NAME [rate=RATE] [overhead=BYTES] [delay=TIME] [jitter=TIME] [loss=PERCENT | gemodel='P [R [1-H [1-K]]]']",
            "     [duplicate=PERCENT] [reorder=PERCENT [gap=N]] [corrupt=PERCENT] [limit=FRAMES]",
            "  name      the wire: the first port opened with a name is end A, the second end B (a third is refused)",
            "  rate      the wire's serialization rate: 1000000, 100mbit, 1gbit ... (default: none, only the NIC's own)",
            "  overhead  bytes added per frame to the wire's serialization, netem's packetoverhead (default 0)",
            "  delay     propagation delay: 5ms, 250us, 1s; plain numbers are microseconds as in tc (default 0)",
            "  jitter    delay variation, uniform in delay +- jitter (default 0)",
            "  loss      random loss: 1%, 0.5% (plain numbers are percent too) (default 0)",
            "  gemodel   Gilbert-Elliott loss as netem's 'loss gemodel p r 1-h 1-k' (percents; defaults r=100%-p, 1-h=100%, 1-k=0%)",
            "  duplicate frames delivered twice, percent (default 0)",
            "  reorder   percent of reorder candidates sent without the delay; needs delay (default 0)",
            "  gap       every gap-th frame is a reorder candidate (default 1)",
            "  corrupt   percent of frames with one random bit flipped (default 0)",
            "  limit     frames that may wait for the wire's rate; more are dropped (default 1000)",
            "  Each end's parameters shape the frames that end sends; randomness comes from the emulation's seed.");

    /** Parses {@code params} for port kind {@code wire}. */
    static WireParams parse(Map<String, String> params) {
        for (String k : params.keySet()) {
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException("port wire: unknown parameter '" + k + "'; accepted: " + String.join(", ", new TreeSet<>(KEYS)));
            }
            if (params.get(k) == null) throw new IllegalArgumentException("port wire: parameter '" + k + "' has no value");
        }
        String name = params.get(NAME);
        if (name == null || !name.strip().matches("[A-Za-z0-9_.:-]{1,64}")) {
            throw new IllegalArgumentException("port wire: parameter 'name' is " + (name == null ? "required" : "'" + name + "'")
                    + "; accepted: 1-64 letters, digits, '_', '.', ':', '-' naming the wire (both ends give the same name)");
        }
        QdiscParams q = QdiscParams.of(params);
        long rate;
        long delay;
        long jitter;
        long overhead;
        long limit;
        long gap;
        try {
            rate = q.getRateBitsPerSec(RATE, 0);
            delay = q.getTimeNanos(DELAY, 0);
            jitter = q.getTimeNanos(JITTER, 0);
            overhead = q.getLong(OVERHEAD, 0);
            limit = q.getLong(LIMIT, DEFAULT_LIMIT);
            gap = q.getLong(GAP, 1);
        } catch (QdiscParamException e) {
            throw new IllegalArgumentException("port wire: " + e.getMessage(), e);
        }
        if (params.containsKey(RATE) && (rate < 1000 || rate > 1_000_000_000_000_000L)) {
            throw new IllegalArgumentException("port wire: parameter 'rate' is '" + params.get(RATE) + "'; accepted: 1000 bit/s .. 1000tbit");
        }
        long maxTime = 3_600_000_000_000L;
        if (delay > maxTime) throw new IllegalArgumentException("port wire: parameter 'delay' is '" + params.get(DELAY) + "'; accepted: 0 .. 1 hour");
        if (jitter > maxTime) throw new IllegalArgumentException("port wire: parameter 'jitter' is '" + params.get(JITTER) + "'; accepted: 0 .. 1 hour");
        if (overhead > 65535) throw new IllegalArgumentException("port wire: parameter 'overhead' is '" + params.get(OVERHEAD) + "'; accepted: 0..65535 bytes");
        if (limit < 1 || limit > 10_000_000) throw new IllegalArgumentException("port wire: parameter 'limit' is '" + params.get(LIMIT) + "'; accepted: 1..10000000 frames");
        if (gap < 1 || gap > 1_000_000) throw new IllegalArgumentException("port wire: parameter 'gap' is '" + params.get(GAP) + "'; accepted: 1..1000000");
        if (params.containsKey(LOSS) && params.containsKey(GEMODEL)) {
            throw new IllegalArgumentException("port wire: parameters 'loss' and 'gemodel' exclude each other; give random loss (loss=1%) or a Gilbert-Elliott model (gemodel='1% 10% 100% 0%')");
        }
        double loss = percent(params, LOSS);
        GilbertElliott ge = params.containsKey(GEMODEL) ? gemodel(params.get(GEMODEL)) : null;
        double dup = percent(params, DUPLICATE);
        double reorder = percent(params, REORDER);
        double corrupt = percent(params, CORRUPT);
        if (reorder > 0 && delay == 0) {
            throw new IllegalArgumentException("port wire: parameter 'reorder' needs a delay (reordered frames are the ones sent without it); give delay=TIME too, as netem requires");
        }
        if (params.containsKey(GAP) && reorder == 0) {
            throw new IllegalArgumentException("port wire: parameter 'gap' needs reorder=PERCENT");
        }
        return new WireParams(name.strip(), rate, (int) overhead, delay, jitter, loss, ge, dup, reorder, (int) gap, corrupt, (int) limit);
    }

    /** A percentage "1%", "0.25%" or "1" (percent) as a probability 0..1. */
    static double percent(String key, String v) {
        String s = v.strip();
        if (s.endsWith("%")) s = s.substring(0, s.length() - 1).strip();
        double d;
        try {
            d = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            d = Double.NaN;
        }
        if (!(d >= 0 && d <= 100)) {
            throw new IllegalArgumentException("port wire: parameter '" + key + "' is '" + v + "'; accepted: a percentage 0..100 such as 1%, 0.5% (plain numbers are percent)");
        }
        return d / 100;
    }

    private static double percent(Map<String, String> params, String key) {
        String v = params.get(key);
        return v == null ? 0 : percent(key, v);
    }

    private static GilbertElliott gemodel(String v) {
        String[] w = v.strip().toLowerCase(Locale.ROOT).split("[\\s,]+");
        if (w.length < 1 || w.length > 4 || w[0].isEmpty()) {
            throw new IllegalArgumentException("port wire: parameter 'gemodel' is '" + v + "'; accepted: 'P [R [1-H [1-K]]]', one to four percentages, e.g. '1% 10% 100% 0%'");
        }
        double p = percent(GEMODEL, w[0]);
        double r = w.length > 1 ? percent(GEMODEL, w[1]) : 1 - p;
        double lossBad = w.length > 2 ? percent(GEMODEL, w[2]) : 1;
        double lossGood = w.length > 3 ? percent(GEMODEL, w[3]) : 0;
        return new GilbertElliott(p, r, lossBad, lossGood);
    }

    /** The parameters as a tc-like line, e.g. "rate 1000000000bit delay 5000000ns loss 1%". */
    String describe() {
        StringBuilder sb = new StringBuilder();
        if (rateBitsPerSec > 0) sb.append(" rate ").append(rateBitsPerSec).append("bit");
        if (overheadBytes > 0) sb.append(" overhead ").append(overheadBytes);
        sb.append(" delay ").append(time(delayNanos));
        if (jitterNanos > 0) sb.append(" jitter ").append(time(jitterNanos));
        if (lossP > 0) sb.append(" loss ").append(pct(lossP));
        if (ge != null) sb.append(" gemodel ").append(pct(ge.p())).append(' ').append(pct(ge.r())).append(' ')
                .append(pct(ge.lossBad())).append(' ').append(pct(ge.lossGood()));
        if (duplicateP > 0) sb.append(" duplicate ").append(pct(duplicateP));
        if (reorderP > 0) sb.append(" reorder ").append(pct(reorderP)).append(" gap ").append(gap);
        if (corruptP > 0) sb.append(" corrupt ").append(pct(corruptP));
        if (rateBitsPerSec > 0) sb.append(" limit ").append(limit);
        return sb.toString().strip();
    }

    private static String time(long ns) {
        if (ns % 1_000_000 == 0) return ns / 1_000_000 + "ms";
        if (ns % 1_000 == 0) return ns / 1_000 + "us";
        return ns + "ns";
    }

    private static String pct(double p) {
        double v = p * 100;
        return (v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v)) + "%";
    }
}
