package org.nicemu.qdisc.prio;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.nicemu.api.qdisc.AbstractQdisc;
import org.nicemu.api.qdisc.ClassfulQdisc;
import org.nicemu.api.qdisc.NetXmit;
import org.nicemu.api.qdisc.Qdisc;
import org.nicemu.api.qdisc.QdiscEnv;
import org.nicemu.api.qdisc.QdiscParamException;
import org.nicemu.api.qdisc.QdiscParams;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.stats.DropReason;
import org.nicemu.api.stats.QdiscStats;

/**
 * The strict-priority qdisc, mirroring net/sched/sch_prio.c ({@code prio_qdisc_ops} and
 * {@code prio_class_ops}): {@code bands} child qdiscs (classes {@code :1..:bands}, class {@code :1}
 * is band 0); an skb goes to a band chosen from {@code skb->priority} ({@link #prioClassify});
 * {@link #dequeue} serves band 0 first, then band 1, and so on.
 *
 * <p>Parameters (tc): {@code bands N} (2..16, default 3) and {@code priomap P0 .. P15} (each
 * {@code < bands}, default {@code 1 2 2 2 1 2 0 0 1 1 1 1 1 1 1 1}; fewer than 16 values replace the
 * first entries, as tc fills a default map). A default can be configured on the component
 * ({@code bands}, {@code priomap}).
 *
 * <p>Children are made with {@code QdiscEnv.createChild("pfifo", 0, empty)} as Linux's
 * {@code prio_tune()} makes {@code pfifo} children with {@code qdisc_create_dflt()}. If the pfifo kind
 * is not available (its bundle is not running), the band gets the core's built-in {@code pfifo_fast}
 * instead (the same default limit, tx_queue_len packets) — the same fallback the core applies when
 * the pfifo bundle stops.
 *
 * <p>The parent's own {@code qlen}/{@code backlog} track its children as Linux does
 * ({@code sch->q.qlen++} and {@code backlog += len} on a successful child enqueue, a drop counted when
 * the child refuses). Where Linux relies on {@code qdisc_tree_reduce_backlog()} from a child (a child
 * that returns {@code NET_XMIT_CN} after dropping another packet, or that drops while dequeuing), this
 * class reconciles its counters from the child's counters instead.
 *
 * <p>Deliberate differences: tc filters are not consulted (classification uses
 * {@code skb->priority} only, as with no filter attached); a parameter not given to
 * {@code tc qdisc change} keeps its current value (Linux's tc sends the whole {@code tc_prio_qopt});
 * when {@code bands} shrinks, the packets queued in the removed bands are freed through
 * {@link QdiscEnv#drop} with {@link DropReason#QDISC_DROP} and counted in this qdisc's {@code drops}
 * (Linux flushes them with {@code qdisc_tree_flush_backlog()} without counting a drop); the removed
 * children are destroyed. No offload ({@code prio_offload()}).
 */
public final class Prio extends AbstractQdisc implements ClassfulQdisc {
    /** The kind, as tc names it. */
    public static final String KIND = "prio";
    /** The accepted tc parameters. */
    public static final Set<String> PARAMS = Set.of("bands", "priomap");
    /** TCQ_PRIO_BANDS: the maximum number of bands. */
    public static final int TCQ_PRIO_BANDS = 16;
    /** TCQ_MIN_PRIO_BANDS. */
    public static final int TCQ_MIN_PRIO_BANDS = 2;
    /** TC_PRIO_MAX. */
    public static final int TC_PRIO_MAX = 15;
    /** The default priomap of tc (q_prio.c) and sch_generic.c's prio2band. */
    static final int[] DEFAULT_PRIOMAP = {1, 2, 2, 2, 1, 2, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1};
    /** The kind of the band qdiscs (Linux: pfifo_qdisc_ops). */
    static final String CHILD_KIND = "pfifo";
    /** Built into the core, used when {@link #CHILD_KIND} is not available. */
    static final String FALLBACK_CHILD_KIND = "pfifo_fast";

    private final QdiscParams configured;
    private final Qdisc[] queues = new Qdisc[TCQ_PRIO_BANDS];
    private final int[] prio2band = new int[TC_PRIO_MAX + 1];
    private int bands;

    /** A prio with Linux's defaults (3 bands, the default priomap). */
    public Prio() {
        this(QdiscParams.empty());
    }

    /**
     * A prio whose defaults are {@code configured} (tc-style {@code bands}/{@code priomap}) over
     * Linux's defaults.
     */
    public Prio(QdiscParams configured) {
        this.configured = configured == null ? QdiscParams.empty() : configured;
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** Linux's defaults: 3 bands and the default priomap (no children yet). */
    @Override
    protected void initDefaults() {
        bands = 0;
        System.arraycopy(DEFAULT_PRIOMAP, 0, prio2band, 0, prio2band.length);
    }

    /**
     * Mirrors {@code prio_init()}: the configured defaults over Linux's, then the given parameters,
     * applied in one {@code prio_tune()} so that the children are created once.
     */
    @Override
    public void init(QdiscEnv env, QdiscParams params) throws QdiscParamException {
        this.env = env;
        initDefaults();
        Tune base;
        try {
            base = parse(configured, new Tune(3, DEFAULT_PRIOMAP), false);
        } catch (QdiscParamException e) {
            throw new QdiscParamException(e.getMessage() + " (in the component configuration " + PrioFactory.PID + ")");
        }
        prioTune(parse(params, base, true));
    }

    /** Mirrors {@code prio_tune()} for {@code tc qdisc change}: atomic, nothing changes on error. */
    @Override
    public void change(QdiscParams params) throws QdiscParamException {
        prioTune(parse(params, new Tune(bands, prio2band), true));
    }

    /** A validated {@code tc_prio_qopt}. */
    private record Tune(int bands, int[] priomap) {
    }

    /** Parses and validates {@code p} over {@code base} (values not given are kept). */
    private static Tune parse(QdiscParams p, Tune base, boolean checkKeys) throws QdiscParamException {
        if (checkKeys) p.requireOnly(KIND, PARAMS);
        long b;
        try {
            b = p.getLong("bands", base.bands);
        } catch (QdiscParamException e) {
            throw new QdiscParamException(KIND + ": " + e.getMessage() + "; accepted: " + TCQ_MIN_PRIO_BANDS + ".." + TCQ_PRIO_BANDS);
        }
        if (b < TCQ_MIN_PRIO_BANDS || b > TCQ_PRIO_BANDS) {
            throw new QdiscParamException(KIND + ": parameter 'bands': " + p.get("bands") + " is out of range; accepted: "
                    + TCQ_MIN_PRIO_BANDS + ".." + TCQ_PRIO_BANDS);
        }
        int nb = (int) b;
        int[] map = base.priomap.clone();
        String pm = p.get("priomap");
        if (pm != null) {
            String[] words = pm.trim().isEmpty() ? new String[0] : pm.trim().split("[\\s,]+");
            if (words.length == 0 || words.length > TC_PRIO_MAX + 1) {
                throw new QdiscParamException(KIND + ": parameter 'priomap': needs 1 to 16 band numbers (for priorities 0..15), got "
                        + words.length + "; e.g. priomap 1 2 2 2 1 2 0 0 1 1 1 1 1 1 1 1");
            }
            for (int i = 0; i < words.length; i++) {
                try {
                    map[i] = Integer.parseInt(words[i]);
                    if (map[i] < 0) throw new NumberFormatException();
                } catch (NumberFormatException e) {
                    throw new QdiscParamException(KIND + ": parameter 'priomap': '" + words[i] + "' (priority " + i
                            + ") is not a band number; accepted: 0.." + (nb - 1));
                }
            }
        }
        for (int i = 0; i <= TC_PRIO_MAX; i++) {
            if (map[i] >= nb) {
                throw new QdiscParamException(KIND + ": parameter 'priomap': band " + map[i] + " for priority " + i
                        + " does not exist with bands " + nb + "; each entry must be 0.." + (nb - 1)
                        + (pm == null ? " (give a priomap that fits the bands)" : ""));
            }
        }
        return new Tune(nb, map);
    }

    /**
     * Mirrors {@code prio_tune()} after validation: creates the new bands' children first (so a failure
     * changes nothing), then switches bands and priomap, flushes and destroys removed bands.
     */
    private void prioTune(Tune t) throws QdiscParamException {
        int oldBands = bands;
        Qdisc[] created = new Qdisc[TCQ_PRIO_BANDS];
        for (int i = oldBands; i < t.bands; i++) {
            try {
                created[i] = createBand();
            } catch (QdiscParamException | RuntimeException e) {
                for (int j = oldBands; j < i; j++) created[j].destroy();
                throw new QdiscParamException(KIND + ": cannot create the qdisc of band " + i + ": " + e.getMessage());
            }
        }
        bands = t.bands;
        System.arraycopy(t.priomap, 0, prio2band, 0, prio2band.length);
        for (int i = bands; i < oldBands; i++) {
            Qdisc old = queues[i];
            queues[i] = null;
            flushBand(old);
            old.destroy();
        }
        for (int i = oldBands; i < bands; i++) queues[i] = created[i];
    }

    private Qdisc createBand() throws QdiscParamException {
        try {
            return env.createChild(CHILD_KIND, 0, QdiscParams.empty());
        } catch (QdiscParamException e) {
            return env.createChild(FALLBACK_CHILD_KIND, 0, QdiscParams.empty());
        }
    }

    /** {@code qdisc_tree_flush_backlog()} of a removed band: its packets are freed and counted as drops here. */
    private void flushBand(Qdisc child) {
        child.drain(skb -> {
            stats.qlen--;
            stats.backlog -= skb.qdiscPktLen;
            stats.drops++;
            env.drop(skb, DropReason.QDISC_DROP);
        });
    }

    /**
     * Mirrors {@code prio_classify()} without filters: an skb whose {@code priority} is a class id of
     * this qdisc ({@code TC_H_MAJ(priority) == handle}) goes to band {@code minor - 1} (band
     * {@code prio2band[0]} if there is no such band); any other major gives {@code prio2band[0]};
     * otherwise {@code prio2band[priority & TC_PRIO_MAX]}. Returns the band index.
     */
    public int prioClassify(SkBuff skb) {
        int prio = skb.priority;
        int major = prio & 0xffff0000;
        if (major != 0 && major == env.handle()) {
            int band = (prio & 0xffff) - 1;
            return band < 0 || band >= bands ? prio2band[0] : band;
        }
        if (major != 0) return prio2band[0];
        return prio2band[prio & TC_PRIO_MAX];
    }

    /**
     * Mirrors {@code prio_enqueue()}: classifies, enqueues into the band's child; on success counts
     * {@code qlen++} and the backlog, otherwise a drop ({@code net_xmit_drop_count}).
     */
    @Override
    public int enqueue(SkBuff skb) {
        Qdisc child = queues[prioClassify(skb)];
        int len = skb.qdiscPktLen;
        QdiscStats cs = child.stats();
        int qlenBefore = cs.qlen;
        long backlogBefore = cs.backlog;
        int ret = child.enqueue(skb);
        if (ret == NetXmit.NET_XMIT_SUCCESS) {
            stats.backlog += len;
            stats.qlen++;
            return ret;
        }
        stats.drops++;
        // a child that queued this skb but dropped another (NET_XMIT_CN): what qdisc_tree_reduce_backlog() does
        stats.qlen += cs.qlen - qlenBefore;
        stats.backlog += cs.backlog - backlogBefore;
        return ret;
    }

    /**
     * Mirrors {@code prio_dequeue()}: the first band whose child returns an skb
     * ({@code qdisc_dequeue_peeked()}); counts it in the parent's bstats and backlog.
     */
    @Override
    public SkBuff dequeue() {
        for (int band = 0; band < bands; band++) {
            Qdisc child = queues[band];
            QdiscStats cs = child.stats();
            int qlenBefore = cs.qlen;
            long backlogBefore = cs.backlog;
            SkBuff skb = child.dequeue();
            // what left the child (the skb, and anything it dropped on the way) leaves the parent too
            stats.qlen -= qlenBefore - cs.qlen;
            stats.backlog -= backlogBefore - cs.backlog;
            if (skb != null) {
                bstatsUpdate(skb);
                return skb;
            }
        }
        return null;
    }

    /** Mirrors {@code prio_peek()}: the first band's peek that returns an skb. */
    @Override
    public SkBuff peek() {
        for (int band = 0; band < bands; band++) {
            SkBuff skb = queues[band].peek();
            if (skb != null) return skb;
        }
        return null;
    }

    /** Mirrors {@code prio_reset()}: resets every band ({@code qdisc_reset()}); the parent forgets their packets. */
    @Override
    public void reset() {
        for (int band = 0; band < bands; band++) {
            QdiscStats cs = queues[band].stats();
            int q = cs.qlen;
            long b = cs.backlog;
            queues[band].reset();
            stats.qlen -= q - cs.qlen;
            stats.backlog -= b - cs.backlog;
        }
    }

    /** Drains the bands in band order (= dequeue order for work-conserving children). */
    @Override
    public void drain(Consumer<SkBuff> sink) {
        for (int band = 0; band < bands; band++) {
            queues[band].drain(skb -> {
                stats.qlen--;
                stats.backlog -= skb.qdiscPktLen;
                sink.accept(skb);
            });
        }
    }

    /**
     * Mirrors {@code prio_destroy()} for what the plugin owns: nothing. The children were created
     * through {@link QdiscEnv#createChild} and are destroyed by the core with the tree.
     */
    @Override
    public void destroy() {
    }

    /** Mirrors {@code prio_dump()}: {@code bands 3 priomap 1 2 2 2 1 2 0 0 1 1 1 1 1 1 1 1}. */
    @Override
    public Map<String, Object> dump() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bands", bands);
        m.put("priomap", prio2band.clone());
        return m;
    }

    /** prio is not work-conserving-bypassable (no TCQ_F_CAN_BYPASS), as in Linux. */
    @Override
    public int flags() {
        return 0;
    }

    /** Number of classes = bands. */
    @Override
    public int classCount() {
        return bands;
    }

    /** Mirrors {@code prio_leaf()}: the child of class {@code :minor} (band {@code minor - 1}). */
    @Override
    public Qdisc leaf(int minor) {
        checkMinor(minor);
        return queues[minor - 1];
    }

    /**
     * Mirrors {@code prio_graft()}: installs {@code child} in band {@code minor - 1} and returns the
     * previous child; the core migrates (or frees) its packets and destroys it. The parent's counters
     * are unchanged: migrated packets stay below this qdisc, and the core reduces the backlog for the
     * ones it frees ({@code qdisc_tree_reduce_backlog()}).
     */
    @Override
    public Qdisc graft(int minor, Qdisc child) {
        checkMinor(minor);
        if (child == null) throw new IllegalArgumentException(KIND + ": graft needs a qdisc for class :" + Integer.toHexString(minor));
        Qdisc old = queues[minor - 1];
        queues[minor - 1] = child;
        return old;
    }

    private void checkMinor(int minor) {
        if (minor < 1 || minor > bands) {
            throw new IllegalArgumentException(KIND + ": no class :" + Integer.toHexString(minor) + "; classes are :1 to :" + Integer.toHexString(bands));
        }
    }

    /** The current number of bands. */
    public int bands() {
        return bands;
    }

    /** A copy of the current priomap (band of each priority 0..15). */
    public int[] priomap() {
        return prio2band.clone();
    }

    @Override
    public String toString() {
        return KIND + " bands " + bands + " priomap " + Arrays.toString(prio2band) + " " + stats;
    }
}
