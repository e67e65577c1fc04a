package org.nicemu.core.testing;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import org.nicemu.api.mptcp.sched.MptcpSched;
import org.nicemu.api.mptcp.sched.MptcpSchedOps;
import org.nicemu.api.mptcp.sched.MptcpSegmentView;
import org.nicemu.api.mptcp.sched.MptcpSubflowView;
import org.nicemu.api.mptcp.sched.NextSegment;

/**
 * A plain {@link MptcpMetaView} for scheduler unit tests: lists of subflows and segments, public
 * fields for the meta socket's numbers, and {@link #writeXmit}, a small model of the seed's
 * {@code mptcp_write_xmit()} loop (drop DATA_ACKed reinjections, meta window test for new data,
 * entail: set the path-mask bit, advance the subflow, move new data to the retransmission queue,
 * unlink sent reinjections) that records every decision. No MPTCP state machine behind it.
 */
public final class MptcpTestMeta implements org.nicemu.api.mptcp.sched.MptcpMetaView {
    /** One decision of {@link #writeXmit}: which segment went on which subflow, and how. */
    public record Sent(int pathIndex, long dataSeq, int len, int reinject, int limit) {
        @Override
        public String toString() {
            return "p" + pathIndex + ":" + dataSeq + (reinject == 1 ? "R" : reinject == -1 ? "M" : "");
        }
    }

    public final List<MptcpTestSubflow> subflows = new ArrayList<>();
    /** Sent, not DATA_ACKed (tcp_rtx_queue). */
    public final List<MptcpTestSegment> rtx = new ArrayList<>();
    /** Not sent yet (write queue from tcp_send_head). */
    public final ArrayDeque<MptcpTestSegment> write = new ArrayDeque<>();
    public final ArrayDeque<MptcpTestSegment> reinject = new ArrayDeque<>();
    public final List<Sent> log = new ArrayList<>();
    public long sndUna;
    public long sndNxt;
    public long sndWnd = 1 << 20;
    public long packetsOut;
    public long wmemQueued;
    public boolean sndbufFull;
    public boolean streamMemoryFree = true;
    public boolean infiniteMapping;
    public boolean rcvShutdown;
    public int dfinPathIndex;
    public long now = 1_000_000;

    public MptcpTestSubflow add(MptcpTestSubflow s) {
        subflows.add(s);
        return s;
    }

    /** Queues {@code n} new segments of {@code len} bytes after the last queued DSN. */
    public void queue(int n, int len) {
        long seq = write.isEmpty() ? (rtx.isEmpty() ? sndNxt : rtx.get(rtx.size() - 1).endDataSeq()) : write.peekLast().endDataSeq();
        for (int i = 0; i < n; i++) {
            write.add(new MptcpTestSegment(seq, len));
            seq += len;
            wmemQueued += len;
        }
    }

    /** Calls {@code ops.init} and {@code ops.initSubflow} for every subflow, as the MPTCP layer does on attach. */
    public void attach(MptcpSchedOps ops) {
        ops.init(this);
        for (MptcpTestSubflow s : subflows) {
            ops.initSubflow(this, s);
        }
    }

    /**
     * Models {@code mptcp_write_xmit()}: asks {@code ops.nextSegment} until it returns null or
     * {@code max} segments went out; returns the number sent. Segments are sent whole (the tests use
     * segments of at most one MSS), one packet each.
     */
    public int writeXmit(MptcpSchedOps ops, int max) {
        NextSegment out = new NextSegment();
        int sent = 0;
        while (sent < max) {
            MptcpSegmentView skb = ops.nextSegment(this, out);
            if (skb == null) {
                break;
            }
            MptcpTestSegment seg = (MptcpTestSegment) skb;
            MptcpTestSubflow sub = (MptcpTestSubflow) out.subflow;
            if (out.reinject == NextSegment.REINJECT && seg.endDataSeq() <= sndUna) {
                reinject.remove(seg);
                continue;
            }
            if (out.reinject == NextSegment.NEW_DATA && !MptcpSched.sndWndTest(this, seg, sub.currentMss())) {
                break;
            }
            seg.pathMask |= MptcpSched.piToFlag(sub.pathIndex);
            sub.sent(seg.len, 1);
            sub.lastEndDataSeq = seg.endDataSeq();
            if (out.reinject == NextSegment.NEW_DATA) {
                write.remove(seg);
                rtx.add(seg);
                sndNxt = seg.endDataSeq();
                packetsOut++;
            } else if (out.reinject == NextSegment.REINJECT) {
                reinject.remove(seg);
            }
            log.add(new Sent(sub.pathIndex, seg.seq, seg.len, out.reinject, out.limit));
            sent++;
        }
        return sent;
    }

    /** Cumulative DATA_ACK up to {@code dsn}: drops the covered segments from the retransmission queue. */
    public void dataAck(long dsn) {
        sndUna = dsn;
        while (!rtx.isEmpty() && rtx.get(0).endDataSeq() <= dsn) {
            MptcpTestSegment s = rtx.remove(0);
            packetsOut--;
            wmemQueued -= s.len;
        }
    }

    /** The log as "p&lt;pathIndex&gt;:&lt;dsn&gt;[R|M]" joined by spaces (R reinjection, M meta retransmission). */
    public String trace() {
        StringBuilder b = new StringBuilder();
        for (Sent s : log) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(s);
        }
        return b.toString();
    }

    @Override public int subflowCount() { return subflows.size(); }
    @Override public MptcpSubflowView subflow(int i) { return subflows.get(i); }
    @Override public MptcpSegmentView reinjectHead() { return reinject.peekFirst(); }
    @Override public MptcpSegmentView sendHead() { return write.peekFirst(); }
    @Override public MptcpSegmentView rtxHead() { return rtx.isEmpty() ? null : rtx.get(0); }

    @Override
    public MptcpSegmentView rtxNext(MptcpSegmentView seg) {
        int i = rtx.indexOf(seg);
        return i < 0 || i + 1 >= rtx.size() ? null : rtx.get(i + 1);
    }

    @Override public long sndUna() { return sndUna; }
    @Override public long sndNxt() { return sndNxt; }
    @Override public long sndWnd() { return sndWnd; }
    @Override public long packetsOut() { return packetsOut; }
    @Override public long wmemQueued() { return wmemQueued; }
    @Override public boolean sndbufFull() { return sndbufFull; }
    @Override public boolean streamMemoryFree() { return streamMemoryFree; }
    @Override public boolean infiniteMapping() { return infiniteMapping; }
    @Override public boolean rcvShutdown() { return rcvShutdown; }
    @Override public int dfinPathIndex() { return dfinPathIndex; }
    @Override public long nowUs() { return now; }
}
