package org.nicemu.api.mptcp.sched;

import org.nicemu.api.tcp.cc.TcpCc;

/**
 * The shared functions of net/mptcp/mptcp_sched.c (multipath-tcp.org kernel, v0.95): subflow
 * availability ({@code mptcp_is_available()} and its two halves), the default scheduler's subflow
 * choice ({@code get_available_subflow()}), its segment choice ({@code __mptcp_next_segment()},
 * {@code mptcp_next_segment()}) and the receive-buffer optimisation
 * ({@code mptcp_rcv_buf_optimization()}). The kernel exports these to the scheduler modules (BLEST
 * and ECF call {@code get_available_subflow()}, ECF uses {@code mptcp_next_segment} as is); here
 * they live in the API so that scheduler bundles depend on the API only and the MPTCP layer can
 * build its built-in fallback from them.
 *
 * <p>Stateless and allocation-free; the only state touched is the caller's (segment path masks, the
 * slow subflow's cwnd in the penalisation, {@link DefSchedPriv}).
 */
public final class MptcpSched {
    private MptcpSched() {
    }

    /** Mirrors {@code mptcp_pi_to_flag(pi)}: the path-mask bit of path index {@code pi} ({@code 1 << (pi - 1)}). */
    public static int piToFlag(int pathIndex) {
        return 1 << (pathIndex - 1);
    }

    /**
     * Mirrors {@code mptcp_is_def_unavailable()}: the subflow cannot send for now and until its state
     * changes: TCP state does not allow sending, the MP_JOIN is not complete, or it is potentially
     * failed.
     */
    public static boolean isDefUnavailable(MptcpSubflowView sk) {
        return !sk.canSendState() || sk.preEstablished() || sk.pf();
    }

    /**
     * Mirrors {@code mptcp_is_temp_unavailable()}: the subflow cannot take {@code skb} right now: in
     * {@code TCP_CA_Loss} (with SACK; without it until {@code snd_una == high_seq}), out-of-order data
     * before full establishment, no room in the congestion window (in flight ≥ cwnd, or what is
     * queued on the subflow already fills it), and with {@code zeroWndTest} no room in the peer's
     * receive window.
     */
    public static boolean isTempUnavailable(MptcpSubflowView tp, MptcpSegmentView skb, boolean zeroWndTest) {
        if (tp.caState() == TcpCc.TCP_CA_LOSS) {
            if (!tp.tcpIsReno()) {
                return true;
            } else if (tp.sndUna() != tp.highSeq()) {
                return true;
            }
        }
        if (!tp.fullyEstablished()) {
            if (skb != null && tp.secondPacket() && tp.lastEndDataSeq() != skb.dataSeq()) {
                return true;
            }
        }
        long inFlight = tp.packetsInFlight();
        if (inFlight >= tp.sndCwnd()) {
            return true;
        }
        long space = (tp.sndCwnd() - inFlight) * tp.mssCache();
        if (Integer.toUnsignedLong(tp.writeSeq() - tp.sndNxt()) > space) {
            return true;
        }
        if (zeroWndTest && !TcpCc.before(tp.writeSeq(), tp.wndEnd())) {
            return true;
        }
        int mssNow = tp.currentMss();
        return skb != null && zeroWndTest && TcpCc.after(tp.writeSeq() + Math.min(skb.len(), mssNow), tp.wndEnd());
    }

    /** Mirrors {@code mptcp_is_available(sk, skb, zero_wnd_test)}: neither definitely nor temporarily unavailable. */
    public static boolean isAvailable(MptcpSubflowView sk, MptcpSegmentView skb, boolean zeroWndTest) {
        return !isDefUnavailable(sk) && !isTempUnavailable(sk, skb, zeroWndTest);
    }

    /** Mirrors {@code mptcp_dont_reinject_skb()}: {@code skb} was already queued on {@code tp}. */
    public static boolean dontReinjectSkb(MptcpSubflowView tp, MptcpSegmentView skb) {
        return skb != null && (piToFlag(tp.pathIndex()) & skb.pathMask()) != 0;
    }

    /**
     * Mirrors {@code get_subflow_from_selectors()}: among the subflows of one kind (active or backup),
     * the lowest srtt among the available ones, preferring those {@code skb} was not sent on yet.
     *
     * @return bits 0..31: index + 1 of the best subflow (0 = none); bit 32: {@code *force} (the best is
     *         unused, or, with no best, an unused one was only temporarily unavailable)
     */
    private static long getSubflowFromSelectors(MptcpMetaView meta, MptcpSegmentView skb, boolean backup, boolean zeroWndTest) {
        int best = -1;
        long minSrtt = 0xffffffffL;
        boolean foundUnused = false;
        boolean foundUnusedUna = false;
        for (int i = 0, n = meta.subflowCount(); i < n; i++) {
            MptcpSubflowView tp = meta.subflow(i);
            boolean unused = false;
            if (tp.isBackup() != backup) {
                continue;
            }
            if (!dontReinjectSkb(tp, skb)) {
                unused = true;
            } else if (foundUnused) {
                continue;
            }
            if (isDefUnavailable(tp)) {
                continue;
            }
            if (isTempUnavailable(tp, skb, zeroWndTest)) {
                if (unused) {
                    foundUnusedUna = true;
                }
                continue;
            }
            if (unused) {
                if (!foundUnused) {
                    minSrtt = 0xffffffffL;
                    best = -1;
                }
                foundUnused = true;
            }
            if (tp.srttUs() < minSrtt) {
                minSrtt = tp.srttUs();
                best = i;
            }
        }
        boolean force = best >= 0 ? foundUnused : foundUnusedUna;
        return (best + 1) | (force ? 1L << 32 : 0);
    }

    /**
     * The DATA_FIN rule shared by the schedulers' {@code get_subflow}: when the peer's DATA_FIN was
     * received and {@code skb} is ours, it goes on the subflow the peer's came on
     * ({@code mpcb->dfin_path_index}) if that one is available; null otherwise.
     */
    public static MptcpSubflowView dataFinSubflow(MptcpMetaView meta, MptcpSegmentView skb, boolean zeroWndTest) {
        if (!meta.rcvShutdown() || skb == null || !skb.isDataFin()) {
            return null;
        }
        for (int i = 0, n = meta.subflowCount(); i < n; i++) {
            MptcpSubflowView sk = meta.subflow(i);
            if (sk.pathIndex() == meta.dfinPathIndex() && isAvailable(sk, skb, zeroWndTest)) {
                return sk;
            }
        }
        return null;
    }

    /**
     * Mirrors {@code get_available_subflow()}, the default scheduler's {@code get_subflow}: with one
     * subflow, that one if available; a DATA_FIN answering the peer's goes on the subflow the peer's
     * came on; otherwise the available active subflow with the lowest srtt, preferring those the
     * segment was not sent on; if an unused active subflow exists but is only temporarily
     * unavailable, none (wait for it); else the best backup subflow; when every subflow has seen the
     * segment its path mask is cleared and the choice restarts once.
     */
    public static MptcpSubflowView getAvailableSubflow(MptcpMetaView meta, MptcpSegmentView skb, boolean zeroWndTest) {
        int n = meta.subflowCount();
        if (n == 0) {
            return null;
        }
        if (n == 1) {
            MptcpSubflowView sk = meta.subflow(0);
            return isAvailable(sk, skb, zeroWndTest) ? sk : null;
        }
        MptcpSubflowView dfin = dataFinSubflow(meta, skb, zeroWndTest);
        if (dfin != null) {
            return dfin;
        }
        boolean looping = false;
        while (true) {
            long r = getSubflowFromSelectors(meta, skb, false, zeroWndTest);
            MptcpSubflowView sk = r == 0 ? null : subflowAt(meta, r);
            if ((r >>> 32) != 0) {
                return sk;
            }
            r = getSubflowFromSelectors(meta, skb, true, zeroWndTest);
            sk = subflowAt(meta, r);
            boolean force = (r >>> 32) != 0;
            if (!force && skb != null) {
                skb.setPathMask(0);
                if (!looping) {
                    looping = true;
                    continue;
                }
            }
            return sk;
        }
    }

    private static MptcpSubflowView subflowAt(MptcpMetaView meta, long selectorResult) {
        int idx = (int) selectorResult - 1;
        return idx < 0 ? null : meta.subflow(idx);
    }

    /**
     * Mirrors {@code mptcp_rcv_buf_optimization(sk, penal)}: when the meta window is full (or the
     * application is blocked), resend the meta retransmission-queue head on the faster subflow
     * {@code sk} if it was not sent there and the subflow it was sent on is much slower
     * ({@code 4 * srtt(sk) < srtt(other)}) or has a small cwnd (≤ 4); with {@code penal}, at most once
     * per srtt of {@code sk}, first halve the cwnd (and ssthresh outside slow start) of that slower
     * subflow if it is in {@code TCP_CA_Open} ("penalisation", Raiciu et al., NSDI 2012).
     *
     * @param priv {@code sk}'s {@code defsched_priv} (its {@code last_rbuf_opti} is read and updated)
     * @return the meta head to resend with {@code reinject = -1}, or null
     */
    public static MptcpSegmentView rcvBufOptimization(MptcpMetaView meta, MptcpSubflowView tp, boolean penal, DefSchedPriv priv) {
        if (meta.subflowCount() == 1) {
            return null;
        }
        MptcpSegmentView skbHead = meta.rtxHead();
        if (skbHead == null) {
            return null;
        }
        if (penal || !meta.streamMemoryFree()) {
            int now = TcpCc.jiffies(meta.nowUs());
            if (Integer.toUnsignedLong(now - priv.lastRbufOpti) >= TcpCc.usecsToJiffies(tp.srttUs())) {
                for (int i = 0, n = meta.subflowCount(); i < n; i++) {
                    MptcpSubflowView it = meta.subflow(i);
                    if (it != tp && (skbHead.pathMask() & piToFlag(it.pathIndex())) != 0) {
                        if (tp.srttUs() < it.srttUs() && it.caState() == TcpCc.TCP_CA_OPEN) {
                            long priorCwnd = it.sndCwnd();
                            it.setSndCwnd(Math.max(it.sndCwnd() >> 1, 1));
                            if (priorCwnd >= it.sndSsthresh()) {
                                it.setSndSsthresh(Math.max(it.sndSsthresh() >> 1, 2));
                            }
                            priv.lastRbufOpti = now;
                        }
                        break;
                    }
                }
            }
        }
        if ((skbHead.pathMask() & piToFlag(tp.pathIndex())) == 0) {
            boolean doRetrans = false;
            for (int i = 0, n = meta.subflowCount(); i < n; i++) {
                MptcpSubflowView it = meta.subflow(i);
                if (it != tp && (skbHead.pathMask() & piToFlag(it.pathIndex())) != 0) {
                    if (it.sndCwnd() <= 4) {
                        doRetrans = true;
                        break;
                    }
                    if (4 * tp.srttUs() >= it.srttUs()) {
                        doRetrans = false;
                        break;
                    } else {
                        doRetrans = true;
                    }
                }
            }
            if (doRetrans && isAvailable(tp, skbHead, false)) {
                return skbHead;
            }
        }
        return null;
    }

    /** The subflow's {@link DefSchedPriv}, created (as by {@code defsched_init()}) if the slot holds none. */
    public static DefSchedPriv defPriv(MptcpMetaView meta, MptcpSubflowView sub) {
        Object p = sub.schedPriv();
        if (p instanceof DefSchedPriv) {
            return (DefSchedPriv) p;
        }
        DefSchedPriv d = new DefSchedPriv(TcpCc.jiffies(meta.nowUs()));
        sub.setSchedPriv(d);
        return d;
    }

    /**
     * Mirrors {@code __mptcp_next_segment()}: in fallback the send head; else the reinject-queue
     * head ({@code out.reinject = 1}); else the send head; with nothing unsent and the application
     * blocked on a full send buffer, the receive-buffer optimisation on the subflow
     * {@code ops.getSubflow(meta, null, false)} gives ({@code out.reinject = -1}).
     */
    public static MptcpSegmentView nextSegmentHead(MptcpSchedOps ops, MptcpMetaView meta, NextSegment out) {
        out.reinject = NextSegment.NEW_DATA;
        if (meta.infiniteMapping()) {
            return meta.sendHead();
        }
        MptcpSegmentView skb = meta.reinjectHead();
        if (skb != null) {
            out.reinject = NextSegment.REINJECT;
            return skb;
        }
        skb = meta.sendHead();
        if (skb == null && meta.sndbufFull()) {
            MptcpSubflowView subsk = ops.getSubflow(meta, null, false);
            if (subsk == null) {
                return null;
            }
            skb = rcvBufOptimization(meta, subsk, false, defPriv(meta, subsk));
            if (skb != null) {
                out.reinject = NextSegment.META_RETRANSMIT;
            }
        }
        return skb;
    }

    /**
     * Mirrors {@code mptcp_next_segment()}, the default scheduler's {@code next_segment}: the segment
     * from {@link #nextSegmentHead}, the subflow from {@code ops.getSubflow(meta, skb, false)}; new
     * data that does not fit the meta receive window is replaced by a meta retransmission
     * ({@link #rcvBufOptimization} with penalisation) or nothing; a segment larger than the MSS gets
     * a sub-limit ({@link #subLimit}).
     */
    public static MptcpSegmentView nextSegment(MptcpSchedOps ops, MptcpMetaView meta, NextSegment out) {
        out.reset();
        MptcpSegmentView skb = nextSegmentHead(ops, meta, out);
        if (skb == null) {
            return null;
        }
        MptcpSubflowView subsk = ops.getSubflow(meta, skb, false);
        if (subsk == null) {
            return null;
        }
        int mssNow = subsk.currentMss();
        int reinject = out.reinject;
        if (reinject == NextSegment.NEW_DATA && !sndWndTest(meta, skb, mssNow)) {
            skb = rcvBufOptimization(meta, subsk, true, defPriv(meta, subsk));
            if (skb == null) {
                return null;
            }
            reinject = NextSegment.META_RETRANSMIT;
        }
        int limit = subLimit(subsk, skb, mssNow);
        if (limit < 0) {
            return null;
        }
        return out.set(skb, subsk, limit, reinject);
    }

    /**
     * The sub-limit part of {@code mptcp_next_segment()}: 0 for a segment of at most one MSS; else the
     * bytes the subflow's cwnd (at most {@code gso_max_segs} segments) admits if that is not more than
     * the segment, or else {@code min(len, subflow receive window)}.
     *
     * @return the limit in bytes, 0 for none, -1 if the cwnd admits no segment ({@code return NULL})
     */
    public static int subLimit(MptcpSubflowView subtp, MptcpSegmentView skb, int mssNow) {
        if (skb.len() <= mssNow) {
            return 0;
        }
        int gsoMaxSegs = subtp.gsoMaxSegs();
        if (gsoMaxSegs == 0) {
            gsoMaxSegs = 1;
        }
        long maxSegs = Math.min(tcpCwndTest(subtp, skb), gsoMaxSegs);
        if (maxSegs == 0) {
            return -1;
        }
        long maxLen = mssNow * maxSegs;
        long window = Integer.toUnsignedLong(subtp.wndEnd() - subtp.writeSeq());
        long needed = Math.min(skb.len(), window);
        return (int) (maxLen <= skb.len() ? maxLen : needed);
    }

    /**
     * Mirrors {@code tcp_cwnd_test(tp, skb)} (net/ipv4/tcp_output.c): segments the congestion window
     * admits now: 1 for a one-segment FIN, 0 if in flight ≥ cwnd, else {@code min(cwnd - in_flight,
     * max(cwnd / 2, 1))}.
     */
    public static long tcpCwndTest(MptcpSubflowView tp, MptcpSegmentView skb) {
        if (skb != null && skb.isDataFin() && skb.len() <= tp.currentMss()) {
            return 1;
        }
        long inFlight = tp.packetsInFlight();
        long cwnd = tp.sndCwnd();
        if (inFlight >= cwnd) {
            return 0;
        }
        long halfcwnd = Math.max(cwnd >> 1, 1);
        return Math.min(halfcwnd, cwnd - inFlight);
    }

    /**
     * Mirrors {@code tcp_snd_wnd_test(meta_tp, skb, mss)} at the data level: the first MSS of the
     * segment ends within the peer's data-level receive window ({@code snd_una + snd_wnd}).
     */
    public static boolean sndWndTest(MptcpMetaView meta, MptcpSegmentView skb, int curMss) {
        long endSeq = skb.endDataSeq();
        if (skb.len() > curMss) {
            endSeq = skb.dataSeq() + curMss;
        }
        return endSeq <= meta.wndEnd();
    }
}
