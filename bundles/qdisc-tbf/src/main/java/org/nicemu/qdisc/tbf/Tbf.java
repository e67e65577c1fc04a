package org.nicemu.qdisc.tbf;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.nicemu.api.exec.Timer;
import org.nicemu.api.qdisc.AbstractQdisc;
import org.nicemu.api.qdisc.ClassfulQdisc;
import org.nicemu.api.qdisc.NetXmit;
import org.nicemu.api.qdisc.Qdisc;
import org.nicemu.api.qdisc.QdiscEnv;
import org.nicemu.api.qdisc.QdiscParamException;
import org.nicemu.api.qdisc.QdiscParams;
import org.nicemu.api.qdisc.TcFormat;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.stats.QdiscStats;

/**
 * The token bucket filter, mirroring net/sched/sch_tbf.c ({@code tbf_qdisc_ops},
 * {@code tbf_class_ops}) with the parameter handling of iproute2 tc/q_tbf.c.
 *
 * <p>Token arithmetic is the kernel's: tokens are nanoseconds of transmission time. The bucket
 * ({@code buffer}) is {@code psched_l2t_ns(rate, burst)}; a packet of {@code len} bytes costs
 * {@code psched_l2t_ns(rate, len)} ({@link PschedRatecfg}: the kernel's {@code mult}/{@code shift},
 * so 1000 bytes at 1mbit cost exactly 8,000,000 ns). {@link #dequeue} ({@code tbf_dequeue()}) computes
 * {@code toks = min(min(now - t_c, buffer) + tokens, buffer) - l2t(len)} (and the same for the peak
 * bucket of size {@code mtu} when {@code peakrate} is set); when both are {@code >= 0} the packet
 * leaves and {@code t_c = now}, otherwise the watchdog is armed at
 * {@code now + max(-toks, -ptoks)}, {@code overlimits} is incremented and null is returned. The
 * watchdog ({@code qdisc_watchdog()}) calls {@link QdiscEnv#netifSchedule()}.
 *
 * <p>Parameters (tc): {@code rate RATE} (required), {@code burst SIZE} (also {@code buffer},
 * {@code maxburst}; required), exactly one of {@code limit SIZE} or {@code latency TIME} (tc computes
 * {@code limit = rate_bytes * latency + burst}, and with a peak rate the smaller of that and
 * {@code peakrate_bytes * latency + mtu}), optional {@code peakrate RATE} with {@code mtu SIZE} (also
 * {@code minburst}; required with peakrate, peakrate must exceed rate), optional {@code mpu SIZE} and
 * {@code overhead BYTES} (as in {@code psched_l2t_ns()}). The component configuration can give
 * defaults for all of them (then they are no longer required on the tc line).
 *
 * <p>Inner queue: as in Linux, a {@code bfifo} child with {@code limit} bytes, made with
 * {@code QdiscEnv.createChild("bfifo", ...)} ({@code fifo_create_dflt()}); tbf is classful with one
 * class {@code :1} whose leaf is that child, and {@code tc qdisc change} updates its limit as
 * {@code fifo_set_limit()} does (only for a bfifo child; a grafted child of another kind keeps its own
 * limit). If the bfifo kind is not available when the tbf is created, a private byte FIFO with the same
 * behaviour ({@link ByteFifo}) is used instead; it is invisible to the core, so when another qdisc is
 * grafted in its place tbf moves its packets into the new child itself.
 *
 * <p>Deliberate differences: an skb longer than the bucket ({@code max_size} = burst, or mtu with a
 * peak rate) is dropped and counted ({@code drops}, reason qdisc-drop) even when it is GSO — Linux
 * would segment a GSO skb ({@code tbf_segment()}) and only drop non-GSO ones; a parameter not given to
 * {@code tc qdisc change} keeps its current value (tc requires rate and burst each time), and a limit
 * that came from {@code latency} is recomputed from the new rate/burst; the ATM link layer and
 * hardware offload are not modelled; Linux's warning for a burst smaller than the MTU is not printed.
 */
public final class Tbf extends AbstractQdisc implements ClassfulQdisc {
    /** The kind, as tc names it. */
    public static final String KIND = "tbf";
    /** The accepted tc parameters (with tc's aliases). */
    public static final Set<String> PARAMS = Set.of("rate", "burst", "buffer", "maxburst", "limit", "latency",
            "peakrate", "mtu", "minburst", "mpu", "overhead");
    /** The child kind (Linux: bfifo_qdisc_ops). */
    static final String CHILD_KIND = "bfifo";
    private static final long U32_MAX = 0xffff_ffffL;

    private final QdiscParams configured;

    /** Applied parameters. */
    private Settings settings;
    /** {@code q->rate}. */
    private PschedRatecfg rate;
    /** {@code q->peak}, null when no peak rate ({@code tbf_peak_present()} false). */
    private PschedRatecfg peak;
    /** {@code q->limit}: bytes of the inner queue. */
    private long limit;
    /** {@code q->max_size}: the largest packet that can ever conform. */
    private long maxSize;
    /** {@code q->buffer}: the bucket, in ns. */
    private long buffer;
    /** {@code q->mtu}: the peak bucket, in ns. */
    private long mtu;
    /** {@code q->tokens}, {@code q->ptokens}: ns. */
    private long tokens, ptokens;
    /** {@code q->t_c}: time of the last check-point, ns. */
    private long tC;
    /** {@code q->qdisc}. */
    private Qdisc child;
    /** True when {@link #child} is the private {@link ByteFifo}. */
    private boolean internalChild;
    /** {@code q->watchdog}. */
    private Timer watchdog;

    /** A tbf with no configured defaults: rate, burst and limit/latency must come from tc. */
    public Tbf() {
        this(QdiscParams.empty());
    }

    /** A tbf whose missing tc parameters default to {@code configured} (tc-style words). */
    public Tbf(QdiscParams configured) {
        this.configured = configured == null ? QdiscParams.empty() : configured;
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** Nothing set: {@link #init} parses the configured defaults and the tc parameters together. */
    @Override
    protected void initDefaults() {
        settings = Settings.NONE;
    }

    /**
     * Mirrors {@code tbf_init()}: watchdog, {@code t_c = now}, then {@code tbf_change()} with the tc
     * parameters over the configured defaults.
     */
    @Override
    public void init(QdiscEnv env, QdiscParams params) throws QdiscParamException {
        this.env = env;
        initDefaults();
        Settings base;
        try {
            base = Settings.parse(configured, Settings.NONE, false);
        } catch (QdiscParamException e) {
            throw new QdiscParamException(e.getMessage() + " (in the component configuration " + TbfFactory.PID + ")");
        }
        Settings s = Settings.parse(params, base, true);
        tC = env.loop().now();
        apply(s);
        watchdog = env.loop().newTimer("tbf watchdog " + env.devName(), this::qdiscWatchdog);
    }

    /** Mirrors {@code tbf_change()}: validates everything, then applies; the bucket is refilled. */
    @Override
    public void change(QdiscParams params) throws QdiscParamException {
        apply(Settings.parse(params, settings, true));
    }

    /** The second half of {@code tbf_change()}: computes the buckets, sets up the child, commits. */
    private void apply(Settings s) throws QdiscParamException {
        s.validate();
        PschedRatecfg r = new PschedRatecfg(s.rateBytes, s.overhead, s.mpu);
        PschedRatecfg p = null;
        long newMaxSize = s.burst;
        long newBuffer = r.l2tNs(s.burst);
        long newMtu = 0;
        if (s.peakBytes > 0) {
            p = new PschedRatecfg(s.peakBytes, s.overhead, s.mpu);
            newMaxSize = Math.min(newMaxSize, s.mtu);
            newMtu = p.l2tNs(s.mtu);
        }
        long newLimit = s.limit();
        QdiscParams childParams = QdiscParams.of(Map.of("limit", Long.toString(newLimit)));
        if (child == null) {
            try {
                child = env.createChild(CHILD_KIND, 0, childParams);
                internalChild = false;
            } catch (QdiscParamException | RuntimeException e) {
                ByteFifo f = new ByteFifo();
                f.init(env, childParams);
                child = f;
                internalChild = true;
            }
        } else if (internalChild || CHILD_KIND.equals(child.kind())) {
            child.change(childParams); // fifo_set_limit()
        }
        settings = s;
        rate = r;
        peak = p;
        limit = newLimit;
        maxSize = newMaxSize;
        buffer = newBuffer;
        mtu = newMtu;
        tokens = buffer;
        ptokens = mtu;
    }

    /** Mirrors {@code qdisc_watchdog()}: reschedules the root qdisc. */
    private void qdiscWatchdog() {
        env.netifSchedule();
    }

    /**
     * Mirrors {@code tbf_enqueue()}: an skb longer than {@code max_size} is dropped (see the class
     * comment on GSO); otherwise it goes to the child, and on success counts in this qdisc's qlen and
     * backlog; a refusal counts a drop.
     */
    @Override
    public int enqueue(SkBuff skb) {
        int len = qdiscPktLen(skb);
        if (len > maxSize) return drop(skb);
        QdiscStats cs = child.stats();
        int qlenBefore = cs.qlen;
        long backlogBefore = cs.backlog;
        int ret = child.enqueue(skb);
        if (ret != NetXmit.NET_XMIT_SUCCESS) {
            stats.drops++;
            // a child that queued this skb but dropped another (NET_XMIT_CN): qdisc_tree_reduce_backlog()
            stats.qlen += cs.qlen - qlenBefore;
            stats.backlog += cs.backlog - backlogBefore;
            return ret;
        }
        stats.backlog += len;
        stats.qlen++;
        return ret;
    }

    /** {@code tbf_peak_present()}. */
    private boolean peakPresent() {
        return peak != null;
    }

    /**
     * Mirrors {@code tbf_dequeue()}: peeks the child; if the rate bucket (and the peak bucket) hold
     * enough tokens for the packet, dequeues it and updates the buckets; otherwise arms the watchdog
     * for when they will, counts an overlimit and returns null.
     */
    @Override
    public SkBuff dequeue() {
        SkBuff skb = child.peek();
        if (skb == null) return null;
        long now = env.loop().now();
        int len = qdiscPktLen(skb);
        long elapsed = Math.min(now - tC, buffer);
        long ptoks = ptoksAfter(elapsed, len);
        long toks = toksAfter(elapsed, len);
        if ((toks | ptoks) >= 0) {
            skb = child.dequeue();
            if (skb == null) return null;
            tC = now;
            tokens = toks;
            ptokens = ptoks;
            backlogDec(skb);
            bstatsUpdate(skb);
            return skb;
        }
        qdiscWatchdogScheduleNs(now + Math.max(-toks, -ptoks));
        stats.overlimits++;
        return null;
    }

    /** Mirrors {@code qdisc_watchdog_schedule_ns()}: (re)arms the watchdog unless already set for that time. */
    private void qdiscWatchdogScheduleNs(long expires) {
        if (watchdog.isArmed() && watchdog.expiresNanos() == expires) return;
        watchdog.arm(expires);
    }

    /**
     * The skb {@link #dequeue} would return now: the child's head if the buckets allow it, else null.
     * Unlike Linux's {@code qdisc_peek_dequeued()} this has no side effect (no watchdog, no overlimit,
     * no stash).
     */
    @Override
    public SkBuff peek() {
        SkBuff skb = child.peek();
        if (skb == null) return null;
        long elapsed = Math.min(env.loop().now() - tC, buffer);
        int len = qdiscPktLen(skb);
        return (toksAfter(elapsed, len) | ptoksAfter(elapsed, len)) >= 0 ? skb : null;
    }

    /**
     * The rate bucket after sending {@code len} bytes {@code elapsed} ns (at most {@code buffer})
     * after {@code t_c}, as {@code tbf_dequeue()} computes {@code toks}: negative when short.
     */
    private long toksAfter(long elapsed, int len) {
        return Math.min(elapsed + tokens, buffer) - rate.l2tNs(len);
    }

    /** The peak bucket likewise ({@code ptoks}, capped at {@code mtu}); 0 without a peak rate. */
    private long ptoksAfter(long elapsed, int len) {
        return peakPresent() ? Math.min(elapsed + ptokens, mtu) - peak.l2tNs(len) : 0;
    }

    /** Mirrors {@code tbf_reset()}: resets the child, refills the buckets, cancels the watchdog. */
    @Override
    public void reset() {
        QdiscStats cs = child.stats();
        int q = cs.qlen;
        long b = cs.backlog;
        child.reset();
        stats.qlen -= q - cs.qlen;
        stats.backlog -= b - cs.backlog;
        tC = env.loop().now();
        tokens = buffer;
        ptokens = mtu;
        watchdog.cancel();
    }

    /** Hands the child's packets over in order, ignoring the buckets, and cancels the watchdog. */
    @Override
    public void drain(Consumer<SkBuff> sink) {
        child.drain(skb -> {
            stats.qlen--;
            stats.backlog -= skb.qdiscPktLen;
            sink.accept(skb);
        });
        watchdog.cancel();
    }

    /**
     * Mirrors {@code tbf_destroy()}: cancels the watchdog. A child made through
     * {@link QdiscEnv#createChild} is destroyed by the core with the tree.
     */
    @Override
    public void destroy() {
        if (watchdog != null) watchdog.cancel();
        if (internalChild) child.destroy();
    }

    /**
     * Mirrors {@code tbf_dump()} as tc/q_tbf.c prints it: {@code rate 10Mbit burst 32Kb lat 50.0ms}
     * ({@code peakrate}, {@code minburst} with a peak rate; {@code overhead}, {@code mpu} when set;
     * {@code limit} instead of {@code lat} when the computed latency is negative, as tc does).
     */
    @Override
    public Map<String, Object> dump() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rate", TcFormat.rate(rate.rateBytesPs));
        m.put("burst", TcFormat.size(settings.burst));
        if (peakPresent()) {
            m.put("peakrate", TcFormat.rate(peak.rateBytesPs));
            m.put("minburst", TcFormat.size(settings.mtu));
        }
        if (settings.mpu != 0) m.put("mpu", TcFormat.size(settings.mpu));
        double latencyUs = 1e6 * (limit / (double) rate.rateBytesPs) - ticksToUs(buffer);
        if (peakPresent()) {
            double lat2 = 1e6 * (limit / (double) peak.rateBytesPs) - ticksToUs(mtu);
            if (lat2 > latencyUs) latencyUs = lat2;
        }
        if (latencyUs >= 0) m.put("lat", TcFormat.timeUs((long) latencyUs));
        else m.put("limit", TcFormat.size(limit));
        if (settings.overhead != 0) m.put("overhead", settings.overhead);
        return m;
    }

    /** What tc reads back from a dumped time: {@code tc_core_tick2time(PSCHED_NS2TICKS(ns))} in microseconds. */
    private static double ticksToUs(long ns) {
        return (ns >> 6) * 64 / 1000.0;
    }

    /** tbf is not bypassable (it shapes). */
    @Override
    public int flags() {
        return 0;
    }

    /** One class, {@code :1} ({@code tbf_walk()}). */
    @Override
    public int classCount() {
        return 1;
    }

    /** Mirrors {@code tbf_leaf()}: the inner qdisc. */
    @Override
    public Qdisc leaf(int minor) {
        checkMinor(minor);
        return child;
    }

    /**
     * Mirrors {@code tbf_graft()}: installs {@code newChild} as the inner qdisc and returns the old
     * one for the core to migrate and destroy. When the old one is the private {@link ByteFifo} (which
     * the core does not know), its packets are moved into {@code newChild} here, in order; those the
     * new child refuses leave this qdisc's qlen/backlog ({@code qdisc_tree_reduce_backlog()}).
     */
    @Override
    public Qdisc graft(int minor, Qdisc newChild) {
        checkMinor(minor);
        if (newChild == null) throw new IllegalArgumentException(KIND + ": graft needs a qdisc for class :1");
        Qdisc old = child;
        child = newChild;
        if (internalChild) {
            internalChild = false;
            old.drain(skb -> {
                int len = skb.qdiscPktLen;
                if (newChild.enqueue(skb) != NetXmit.NET_XMIT_SUCCESS) {
                    stats.qlen--;
                    stats.backlog -= len;
                }
            });
            old.destroy();
        }
        return old;
    }

    private static void checkMinor(int minor) {
        if (minor != 1) throw new IllegalArgumentException(KIND + ": no class :" + Integer.toHexString(minor) + "; tbf has one class, :1");
    }

    // ---------------------------------------------------------------- read-only views (tests, shell)

    /** {@code q->limit} in bytes. */
    public long limitBytes() { return limit; }

    /** {@code q->buffer}: the bucket in nanoseconds. */
    public long bufferNs() { return buffer; }

    /** {@code q->mtu}: the peak bucket in nanoseconds (0 without a peak rate). */
    public long mtuNs() { return mtu; }

    /** {@code q->max_size} in bytes. */
    public long maxSize() { return maxSize; }

    /** {@code q->tokens} in nanoseconds (as of the last dequeue). */
    public long tokensNs() { return tokens; }

    /** {@code q->ptokens} in nanoseconds (as of the last dequeue). */
    public long ptokensNs() { return ptokens; }

    /** {@code q->rate.rate_bytes_ps}. */
    public long rateBytesPerSec() { return rate.rateBytesPs; }

    /** The watchdog expiry when armed, else -1. */
    public long watchdogExpiresNs() { return watchdog != null && watchdog.isArmed() ? watchdog.expiresNanos() : -1; }

    /** True when the inner queue is the private {@link ByteFifo} (the bfifo kind was not available). */
    public boolean internalChild() { return internalChild; }

    // ---------------------------------------------------------------- parameters

    /** The tc parameters of one tbf (what tc/q_tbf.c puts into {@code tc_tbf_qopt} + TCA_TBF_BURST/PBURST). */
    private static final class Settings {
        static final Settings NONE = new Settings(0, 0, 0, -1, 0, 0, 0, 0);

        final long rateBytes;
        final long burst;
        /** Explicit limit in bytes, 0 when the limit comes from {@link #latencyNs}. */
        final long limitBytes;
        /** Latency in ns, -1 when an explicit limit (or nothing) was given. */
        final long latencyNs;
        final long peakBytes;
        final long mtu;
        final int mpu;
        final int overhead;

        Settings(long rateBytes, long burst, long limitBytes, long latencyNs, long peakBytes, long mtu, int mpu, int overhead) {
            this.rateBytes = rateBytes;
            this.burst = burst;
            this.limitBytes = limitBytes;
            this.latencyNs = latencyNs;
            this.peakBytes = peakBytes;
            this.mtu = mtu;
            this.mpu = mpu;
            this.overhead = overhead;
        }

        /** Parses {@code p} over {@code base}: what is not given keeps the base value. */
        static Settings parse(QdiscParams p, Settings base, boolean checkKeys) throws QdiscParamException {
            if (checkKeys) p.requireOnly(KIND, PARAMS);
            String burstKey = oneOf(p, "burst", "buffer", "maxburst");
            String mtuKey = oneOf(p, "mtu", "minburst");
            if (p.has("limit") && p.has("latency")) {
                throw new QdiscParamException(KIND + ": parameters 'limit' and 'latency' both given; give one of them (limit BYTES or latency TIME)");
            }
            try {
                long rateBytes = base.rateBytes;
                if (p.has("rate")) {
                    rateBytes = p.getRateBitsPerSec("rate", 0) / 8;
                    if (rateBytes <= 0) throw new QdiscParamException("parameter 'rate': '" + p.get("rate") + "' is below 8bit (1 byte/s); accepted: a rate such as 1mbit, 100kbit, 125kbps");
                }
                long burst = base.burst;
                if (burstKey != null) {
                    burst = p.getSizeBytes(burstKey, 0);
                    if (burst <= 0 || burst > U32_MAX) throw new QdiscParamException("parameter '" + burstKey + "': '" + p.get(burstKey) + "' is out of range; accepted: 1b..4gb, e.g. burst 10kb");
                }
                long limitBytes = base.limitBytes;
                long latencyNs = base.latencyNs;
                if (p.has("limit")) {
                    limitBytes = p.getSizeBytes("limit", 0);
                    if (limitBytes <= 0 || limitBytes > U32_MAX) throw new QdiscParamException("parameter 'limit': '" + p.get("limit") + "' is out of range; accepted: 1b..4gb, e.g. limit 64kb");
                    latencyNs = -1;
                } else if (p.has("latency")) {
                    latencyNs = p.getTimeNanos("latency", 0);
                    if (latencyNs < 1000) throw new QdiscParamException("parameter 'latency': '" + p.get("latency") + "' is below 1us; accepted: a time such as 50ms, 400us, 1s");
                    limitBytes = 0;
                }
                long peakBytes = base.peakBytes;
                if (p.has("peakrate")) {
                    peakBytes = p.getRateBitsPerSec("peakrate", 0) / 8; // peakrate 0 removes the peak bucket
                }
                long mtu = base.mtu;
                if (mtuKey != null) {
                    mtu = p.getSizeBytes(mtuKey, 0);
                    if (mtu > U32_MAX) throw new QdiscParamException("parameter '" + mtuKey + "': '" + p.get(mtuKey) + "' is out of range; accepted: 0b..4gb, e.g. mtu 1514");
                }
                int mpu = base.mpu;
                if (p.has("mpu")) {
                    long v = p.getSizeBytes("mpu", 0);
                    if (v > 0xffff) throw new QdiscParamException("parameter 'mpu': '" + p.get("mpu") + "' is out of range; accepted: 0..65535 bytes");
                    mpu = (int) v;
                }
                int overhead = base.overhead;
                if (p.has("overhead")) {
                    long v = p.getLong("overhead", 0);
                    if (v > 0xffff) throw new QdiscParamException("parameter 'overhead': '" + p.get("overhead") + "' is out of range; accepted: 0..65535 bytes");
                    overhead = (int) v;
                }
                return new Settings(rateBytes, burst, limitBytes, latencyNs, peakBytes, mtu, mpu, overhead);
            } catch (QdiscParamException e) {
                throw e.getMessage().startsWith(KIND + ":") ? e : new QdiscParamException(KIND + ": " + e.getMessage());
            }
        }

        /** The one of the alias keys given, or null; two aliases at once are an error (tc: "Double ... spec"). */
        private static String oneOf(QdiscParams p, String... keys) throws QdiscParamException {
            String found = null;
            for (String k : keys) {
                if (p.has(k)) {
                    if (found != null) throw new QdiscParamException(KIND + ": parameters '" + found + "' and '" + k + "' are the same parameter; give it once");
                    found = k;
                }
            }
            return found;
        }

        /** What tc/q_tbf.c and {@code tbf_change()} require once everything is merged. */
        void validate() throws QdiscParamException {
            if (rateBytes <= 0) throw new QdiscParamException(KIND + ": parameter 'rate' is required (e.g. rate 1mbit); tbf needs rate and burst");
            if (burst <= 0) throw new QdiscParamException(KIND + ": parameter 'burst' (also 'buffer', 'maxburst') is required (e.g. burst 10kb); tbf needs rate and burst");
            if (limitBytes <= 0 && latencyNs <= 0) {
                throw new QdiscParamException(KIND + ": either parameter 'limit' (bytes, e.g. limit 64kb) or 'latency' (time, e.g. latency 50ms) is required");
            }
            if (peakBytes > 0) {
                if (mtu <= 0) throw new QdiscParamException(KIND + ": parameter 'mtu' (also 'minburst') is required with 'peakrate' (e.g. mtu 1514)");
                if (peakBytes <= rateBytes) {
                    throw new QdiscParamException(KIND + ": parameter 'peakrate' (" + TcFormat.rate(peakBytes) + ") must be higher than 'rate' ("
                            + TcFormat.rate(rateBytes) + ")");
                }
            }
        }

        /** The byte limit: explicit, or as tc/q_tbf.c computes it from the latency (in whole microseconds). */
        long limit() {
            if (limitBytes > 0) return limitBytes;
            double latencyUs = latencyNs / 1000;
            double lim = rateBytes * latencyUs / 1e6 + burst;
            if (peakBytes > 0) {
                double lim2 = peakBytes * latencyUs / 1e6 + mtu;
                if (lim2 < lim) lim = lim2;
            }
            return Math.min(U32_MAX, (long) lim);
        }
    }
}
