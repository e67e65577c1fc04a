package org.nicemu.bench;

import java.util.concurrent.TimeUnit;

import org.nicemu.api.mptcp.sched.MptcpMetaView;
import org.nicemu.api.mptcp.sched.MptcpSched;
import org.nicemu.api.mptcp.sched.MptcpSchedOps;
import org.nicemu.api.mptcp.sched.MptcpSchedulerFactory;
import org.nicemu.api.mptcp.sched.MptcpSegmentView;
import org.nicemu.api.mptcp.sched.MptcpSubflowView;
import org.nicemu.api.mptcp.sched.NextSegment;
import org.nicemu.core.testing.MptcpTestMeta;
import org.nicemu.core.testing.MptcpTestSegment;
import org.nicemu.core.testing.MptcpTestSubflow;
import org.nicemu.mptcp.sched.blest.BlestFactory;
import org.nicemu.mptcp.sched.default_.DefaultSchedFactory;
import org.nicemu.mptcp.sched.ecf.EcfFactory;
import org.nicemu.mptcp.sched.redundant.RedundantFactory;
import org.nicemu.mptcp.sched.roundrobin.RoundRobinFactory;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one MPTCP scheduling decision, as {@code mptcp_write_xmit()} makes it, for each
 * scheduler bundle, outside OSGi (the factories are instantiated directly with their default
 * parameters).
 *
 * <p>One operation is one {@link MptcpSchedOps#nextSegment} call on an {@link MptcpTestMeta} plus
 * the bookkeeping that keeps the connection in a steady state: when a segment is returned it is
 * entailed as {@link MptcpTestMeta#writeXmit} does it (path-mask bit, subflow sequence numbers and
 * in-flight count, new data moved from the write queue to the retransmission queue), without the
 * decision log and the {@code NextSegment} that {@code writeXmit} allocates; when none is returned
 * (windows full, or the scheduler chose to wait), the loop ends as {@code mptcp_write_xmit} does and
 * the virtual clock moves to the next subflow ACK. Each subflow is a path whose bottleneck matches
 * its window: a packet sent at {@code t} is acknowledged at {@code max(t + srtt, previous ACK +
 * srtt / cwnd)}, so every subflow is ACK-clocked at cwnd packets per srtt. A segment is DATA_ACKed
 * (cumulatively, in order) once one copy of it arrived; DATA_ACKed segments are recycled to the tail
 * of the write queue, so the meta queue always holds {@link #QUEUED} unsent segments and nothing is
 * allocated in steady state by the harness.
 *
 * <p>Subflows (path index, srtt, cwnd; ssthresh 0.7 cwnd, rttvar 200 ms, MSS 1424 bytes): 1: 10 ms,
 * 40; 2: 40 ms, 100; with 4 subflows also 3: 20 ms, 60 and 4: 80 ms, 10. Meta receive window 4 MiB.
 *
 * <p>{@code scheduler=baseline} is a trivial scheduler (the send head on the first subflow with
 * cwnd space): its figure is the harness (JMH and the bookkeeping above), to be subtracted
 * mentally from the others. The secondary result {@code segment} is the time per segment entailed on
 * a subflow (copies of the redundant scheduler included); {@code -prof gc}'s
 * {@code gc.alloc.rate.norm} is bytes allocated per decision.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class MptcpSchedulerBenchmark {
    /** MSS of every subflow and length of every meta segment (bytes). */
    public static final int MSS = 1424;
    /** Unsent segments kept in the meta write queue. */
    public static final int QUEUED = 1024;
    /** Meta-level receive window of the peer (bytes). */
    public static final long META_WND = 4L << 20;

    private static final long[] SRTT_US = {10_000, 40_000, 20_000, 80_000};
    private static final long[] CWND = {40, 100, 60, 10};
    /** Delivered flags of segments by segment number, a ring larger than the meta window in segments. */
    private static final int DELIVERED_MASK = 8191;
    private static final int RING = 256;

    @Param({"baseline", "default", "roundrobin", "redundant", "blest", "ecf"})
    public String scheduler;

    @Param({"2", "4"})
    public int subflows;

    private MptcpTestMeta meta;
    private MptcpSchedOps ops;
    private final NextSegment out = new NextSegment();
    private MptcpTestSubflow[] subs;
    /** Per subflow: ring of in-flight packets (ACK time in us, DSN of the segment they carry). */
    private long[][] ackAt;
    private long[][] ackDsn;
    private int[] ringHead;
    private int[] ringCount;
    private long[] lastAck;
    private long[] ackGap;
    private final boolean[] delivered = new boolean[DELIVERED_MASK + 1];
    /** DSN after the last segment in the write queue (where recycled segments go). */
    private long tailDsn;

    // statistics for the summary printed at the end of the trial
    private long decisions;
    private long sentNew;
    private long sentCopies;
    private long none;
    private long windowStops;
    private long advances;
    private long rtxLenSum;
    private long[] sentOn;
    private long startUs;
    private long startUna;

    /** Counters reported by JMH as secondary results (time per counted event in this mode). */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        /** Segments entailed on a subflow (new data, reinjections and meta retransmissions). */
        public long segment;

        @Setup(Level.Iteration)
        public void reset() {
            segment = 0;
        }
    }

    static MptcpSchedOps create(String name) {
        MptcpSchedulerFactory f = switch (name) {
            case "baseline" -> null;
            case "default" -> new DefaultSchedFactory();
            case "roundrobin" -> new RoundRobinFactory();
            case "redundant" -> new RedundantFactory();
            case "blest" -> new BlestFactory();
            case "ecf" -> new EcfFactory();
            default -> throw new IllegalArgumentException("scheduler must be baseline, default, roundrobin, redundant, blest or ecf, got " + name);
        };
        if (f == null) {
            return new Baseline();
        }
        MptcpSchedOps o = f.create();
        if (!o.name().equals(name)) {
            throw new IllegalStateException("factory " + name + " made " + o.name());
        }
        return o;
    }

    @Setup(Level.Trial)
    public void setup() {
        if (subflows < 1 || subflows > SRTT_US.length) {
            throw new IllegalArgumentException("subflows must be 1.." + SRTT_US.length + ", got " + subflows);
        }
        meta = new MptcpTestMeta();
        meta.sndWnd = META_WND;
        subs = new MptcpTestSubflow[subflows];
        ackAt = new long[subflows][RING];
        ackDsn = new long[subflows][RING];
        ringHead = new int[subflows];
        ringCount = new int[subflows];
        lastAck = new long[subflows];
        ackGap = new long[subflows];
        sentOn = new long[subflows];
        for (int i = 0; i < subflows; i++) {
            MptcpTestSubflow s = meta.add(new MptcpTestSubflow(i + 1, SRTT_US[i]));
            s.mss = MSS;
            s.cwnd = CWND[i];
            s.ssthresh = CWND[i] * 7 / 10;
            // subflow sequence numbers start somewhere other than 0, as ISNs do
            s.una = s.nxt = s.writeSeq = s.highSeq = 0x7fff_f000 + i * 0x1000_0000;
            subs[i] = s;
            ackGap[i] = SRTT_US[i] / CWND[i];
        }
        meta.queue(QUEUED, MSS);
        tailDsn = meta.write.peekLast().endDataSeq();
        ops = create(scheduler);
        meta.attach(ops);
        // reach the steady state: windows full, ACK clock running, meta queues at their working size
        for (int i = 0; i < 200_000; i++) {
            decide();
        }
        resetStats();
    }

    private void resetStats() {
        decisions = sentNew = sentCopies = none = windowStops = advances = rtxLenSum = 0;
        java.util.Arrays.fill(sentOn, 0);
        startUs = meta.now;
        startUna = meta.sndUna;
    }

    /**
     * One scheduling decision and its bookkeeping.
     *
     * @return the segment scheduled, or null (the clock then moved to the next ACK)
     */
    private MptcpSegmentView decide() {
        decisions++;
        MptcpSegmentView skb = ops.nextSegment(meta, out);
        if (skb == null) {
            none++;
            advance();
            return null;
        }
        MptcpTestSegment seg = (MptcpTestSegment) skb;
        MptcpTestSubflow sub = (MptcpTestSubflow) out.subflow;
        int kind = out.reinject;
        if (kind == NextSegment.REINJECT && seg.endDataSeq() <= meta.sndUna) {
            meta.reinject.remove(seg);
            return skb;
        }
        if (kind == NextSegment.NEW_DATA && !MptcpSched.sndWndTest(meta, seg, sub.currentMss())) {
            windowStops++;
            advance();
            return null;
        }
        seg.pathMask |= MptcpSched.piToFlag(sub.pathIndex);
        sub.sent(seg.len, 1);
        sub.wmemQueued += seg.len;
        sub.lastEndDataSeq = seg.endDataSeq();
        int k = sub.pathIndex - 1;
        sentOn[k]++;
        if (ringCount[k] == RING) {
            throw new IllegalStateException(scheduler + " put more than " + RING + " packets in flight on " + sub + " (cwnd " + sub.cwnd + ")");
        }
        long at = Math.max(meta.now + sub.srtt, lastAck[k] + ackGap[k]);
        int slot = (ringHead[k] + ringCount[k]++) & (RING - 1);
        ackAt[k][slot] = at;
        ackDsn[k][slot] = seg.seq;
        lastAck[k] = at;
        if (kind == NextSegment.NEW_DATA) {
            if (meta.write.pollFirst() != seg) {
                throw new IllegalStateException(scheduler + " returned new data that is not the send head: " + seg);
            }
            meta.rtx.add(seg);
            meta.sndNxt = seg.endDataSeq();
            meta.packetsOut++;
            sentNew++;
        } else {
            if (kind == NextSegment.REINJECT) {
                meta.reinject.remove(seg);
            }
            sentCopies++;
        }
        return skb;
    }

    /** The write loop ended: move the clock to the next subflow ACK and process every ACK due by then. */
    private void advance() {
        long next = Long.MAX_VALUE;
        for (int k = 0; k < subs.length; k++) {
            if (ringCount[k] > 0) {
                next = Math.min(next, ackAt[k][ringHead[k]]);
            }
        }
        meta.now = next == Long.MAX_VALUE ? meta.now + 1000 : Math.max(meta.now, next);
        long una = meta.sndUna;
        for (int k = 0; k < subs.length; k++) {
            MptcpTestSubflow s = subs[k];
            long[] at = ackAt[k];
            while (ringCount[k] > 0 && at[ringHead[k]] <= meta.now) {
                long dsn = ackDsn[k][ringHead[k]];
                ringHead[k] = (ringHead[k] + 1) & (RING - 1);
                ringCount[k]--;
                s.una += MSS;
                s.inFlight--;
                s.packetsOut--;
                s.wmemQueued -= MSS;
                if (dsn >= una) {
                    delivered[(int) (dsn / MSS) & DELIVERED_MASK] = true;
                }
            }
        }
        advances++;
        rtxLenSum += meta.rtx.size();
        // cumulative DATA_ACK over the in-order delivered segments; recycle them to the write queue
        while (!meta.rtx.isEmpty()) {
            MptcpTestSegment head = meta.rtx.get(0);
            int slot = (int) (head.seq / MSS) & DELIVERED_MASK;
            if (!delivered[slot]) {
                break;
            }
            delivered[slot] = false;
            meta.dataAck(head.endDataSeq());
            head.seq = tailDsn;
            head.pathMask = 0;
            tailDsn += MSS;
            meta.write.addLast(head);
            meta.wmemQueued += MSS;
        }
    }

    @Benchmark
    public MptcpSegmentView decision(Counters c) {
        MptcpSegmentView s = decide();
        if (s != null) {
            c.segment++;
        }
        return s;
    }

    @TearDown(Level.Trial)
    public void summary() {
        long us = meta.now - startUs;
        StringBuilder b = new StringBuilder();
        b.append(String.format("%n[%s, %d subflows] %d decisions: %d new data, %d copies (reinject/meta retransmit), %d none, %d stopped by the meta window;",
                scheduler, subflows, decisions, sentNew, sentCopies, none, windowStops));
        b.append(" per subflow");
        for (int k = 0; k < subs.length; k++) {
            b.append(String.format(" p%d %.1f%%", k + 1, decisions == 0 ? 0.0 : 100.0 * sentOn[k] / Math.max(1, sentNew + sentCopies)));
        }
        b.append(String.format("; %.2f s emulated, DATA_ACKed goodput %.1f Mbit/s, retransmission queue %.0f segments on average",
                us / 1e6, us == 0 ? 0.0 : (meta.sndUna - startUna) * 8.0 / us, advances == 0 ? 0.0 : (double) rtxLenSum / advances));
        for (int k = 0; k < subs.length; k++) {
            if (subs[k].cwnd != CWND[k]) {
                b.append(String.format("; WARNING cwnd of p%d changed to %d", k + 1, subs[k].cwnd));
            }
        }
        System.out.println(b);
        if (sentNew == 0) {
            throw new IllegalStateException(scheduler + " sent no new data: the benchmark measured a stalled connection");
        }
    }

    /** The harness reference: the send head on the first subflow with congestion-window space, no other test. */
    static final class Baseline implements MptcpSchedOps {
        @Override
        public String name() {
            return "baseline";
        }

        @Override
        public MptcpSubflowView getSubflow(MptcpMetaView meta, MptcpSegmentView skb, boolean zeroWndTest) {
            for (int i = 0, n = meta.subflowCount(); i < n; i++) {
                MptcpSubflowView s = meta.subflow(i);
                if (s.packetsInFlight() < s.sndCwnd()) {
                    return s;
                }
            }
            return null;
        }

        @Override
        public MptcpSegmentView nextSegment(MptcpMetaView meta, NextSegment out) {
            out.reset();
            MptcpSegmentView skb = meta.sendHead();
            if (skb == null) {
                return null;
            }
            MptcpSubflowView sub = getSubflow(meta, skb, false);
            return sub == null ? null : out.set(skb, sub, 0, NextSegment.NEW_DATA);
        }
    }
}
