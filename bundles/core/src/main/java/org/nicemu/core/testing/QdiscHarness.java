package org.nicemu.core.testing;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.nicemu.api.exec.EventLoop;
import org.nicemu.api.qdisc.Qdisc;
import org.nicemu.api.qdisc.QdiscEnv;
import org.nicemu.api.qdisc.QdiscParamException;
import org.nicemu.api.qdisc.QdiscParams;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.skb.SkbAllocator;
import org.nicemu.api.stats.CostCounters;
import org.nicemu.api.stats.DropCounters;
import org.nicemu.api.stats.DropReason;
import org.nicemu.core.exec.EmuLoop;

/**
 * Runs one qdisc instance alone in virtual time, for unit tests in the ns-3 traffic-control style:
 * a real {@link EmuLoop} (timers, clock), a real {@link SkbAllocator}, drops counted by reason, and
 * {@code __netif_schedule} calls counted. Children are made from the kinds registered with
 * {@link #registerKind}.
 */
public final class QdiscHarness implements QdiscEnv {
    private final EmuLoop loop = new EmuLoop(1, true);
    private final CostCounters counters = new CostCounters();
    private final SkbAllocator allocator = new SkbAllocator(counters);
    private final DropCounters drops = new DropCounters();
    private final Map<String, Supplier<Qdisc>> kinds = new HashMap<>();
    private int txQueueLen = 1000;
    private int mtu = 1500;
    private int numTxQueues = 1;
    private long netifSchedules;

    /** Makes {@code kind} available to {@link #createChild}. */
    public QdiscHarness registerKind(String kind, Supplier<Qdisc> maker) {
        kinds.put(kind, maker);
        return this;
    }

    public QdiscHarness txQueueLen(int n) { txQueueLen = n; return this; }

    public QdiscHarness mtu(int n) { mtu = n; return this; }

    public QdiscHarness numTxQueues(int n) { numTxQueues = n; return this; }

    /** Initialises {@code q} with parameters parsed from tc-style words ("rate 1mbit burst 10kb"). */
    public <Q extends Qdisc> Q init(Q q, String tcParams) throws QdiscParamException {
        q.init(this, params(tcParams));
        return q;
    }

    /** Parses tc-style words. */
    public static QdiscParams params(String tcParams) throws QdiscParamException {
        String t = tcParams == null ? "" : tcParams.trim();
        return QdiscParams.parse(t.isEmpty() ? java.util.List.of() : java.util.List.of(t.split("\\s+")), java.util.Set.of());
    }

    /**
     * A linear skb of {@code len} bytes (an Ethernet/IPv4/UDP frame with zero payload bytes) with
     * the given priority; qdisc_pkt_len is set as dev_queue_xmit() would.
     */
    public SkBuff skb(int len, int priority) {
        SkBuff s = allocator.allocSkb(len);
        s.put(len);
        s.priority = priority;
        s.qdiscPktLen = len;
        s.protocol = 0x0800;
        return s;
    }

    /** Runs timers up to {@code t} nanoseconds. */
    public void runUntil(long t) { loop.runUntil(t); }

    public long now() { return loop.now(); }

    public SkbAllocator allocator() { return allocator; }

    public CostCounters counters() { return counters; }

    public DropCounters drops() { return drops; }

    /** __netif_schedule() calls made by the qdisc (e.g. by its watchdog). */
    public long netifSchedules() { return netifSchedules; }

    /** Frees a dequeued skb as a driver completion would. */
    public void consume(SkBuff skb) { allocator.free(skb); }

    @Override
    public EventLoop loop() { return loop; }

    @Override
    public int handle() { return 0x10000; }

    @Override
    public String devName() { return "test0"; }

    @Override
    public int numTxQueues() { return numTxQueues; }

    @Override
    public int txQueueLen() { return txQueueLen; }

    @Override
    public int mtu() { return mtu; }

    @Override
    public int hardHeaderLen() { return 14; }

    @Override
    public void drop(SkBuff skb, DropReason reason) {
        drops.add(reason, skb.len());
        allocator.free(skb);
    }

    @Override
    public void netifSchedule() { netifSchedules++; }

    @Override
    public Qdisc createChild(String kind, int handle, QdiscParams params) throws QdiscParamException {
        Supplier<Qdisc> m = kinds.get(kind);
        if (m == null) throw new QdiscParamException("unknown qdisc kind '" + kind + "'; available: " + kinds.keySet());
        Qdisc q = m.get();
        q.init(this, params == null ? QdiscParams.empty() : params);
        return q;
    }
}
