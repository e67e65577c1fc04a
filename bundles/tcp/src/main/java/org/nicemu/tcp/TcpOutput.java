package org.nicemu.tcp;

import static org.nicemu.tcp.TcpSock.cbEndSeq;
import static org.nicemu.tcp.TcpSock.cbEor;
import static org.nicemu.tcp.TcpSock.cbFlags;
import static org.nicemu.tcp.TcpSock.cbSeq;
import static org.nicemu.tcp.TcpSock.cbSetEndSeq;
import static org.nicemu.tcp.TcpSock.cbSetEor;
import static org.nicemu.tcp.TcpSock.cbSetFlags;
import static org.nicemu.tcp.TcpSock.cbSetSeq;

import org.nicemu.api.inet.Flowi4;
import org.nicemu.api.inet.Ipv4Layer;
import org.nicemu.api.qdisc.NetXmit;
import org.nicemu.api.skb.Page;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.skb.SkbAllocator;
import org.nicemu.api.skb.SkbSharedInfo;
import org.nicemu.api.sock.SockConst;
import org.nicemu.api.tcp.cc.TcpCc;
import org.nicemu.api.tcp.ulp.UlpCb;
import org.nicemu.api.wire.Ipv4Header;
import org.nicemu.api.wire.TcpHeader;
import org.nicemu.tcp.wire.TcpOptions;
import org.nicemu.tcp.wire.TcpOutOptions;

/**
 * The TCP send path: net/ipv4/tcp.c {@code tcp_sendmsg_locked()} and {@code tcp_push()}, and
 * net/ipv4/tcp_output.c ({@code tcp_write_xmit()}, {@code __tcp_transmit_skb()}, {@code tso_fragment()},
 * {@code tcp_mss_split_point()}, {@code tcp_nagle_test()}, {@code tcp_tso_should_defer()},
 * {@code tcp_small_queue_check()}, {@code tcp_retransmit_skb()}, {@code tcp_send_ack()},
 * {@code tcp_send_fin()}, {@code tcp_send_active_reset()}, {@code tcp_schedule_loss_probe()}).
 * Static functions over a {@link TcpSock}, as the kernel's functions take {@code struct sock *}.
 *
 * <p>Pacing: with CUBIC or Reno over pfifo_fast Linux computes {@code sk_pacing_rate} (it sizes TSO
 * packets and shows in {@code ss}) but does not pace ({@code sk_pacing_status} stays
 * {@code SK_PACING_NONE}); so here.
 */
final class TcpOutput {
    private TcpOutput() {
    }

    /** MAX_TCP_HEADER: headroom reserved in every TCP skb for the TCP, IP and link headers. */
    static final int MAX_TCP_HEADER = WindowMath.MAX_TCP_HEADER;
    /** sysctl_tcp_min_tso_segs, sk_pacing_shift, tcp_tso_win_divisor, sysctl_tcp_pacing_ss/ca_ratio. */
    static final int MIN_TSO_SEGS = 2, PACING_SHIFT = 10, TSO_WIN_DIVISOR = 3, PACING_SS_RATIO = 200,
            PACING_CA_RATIO = 120;

    // ================================================================ sendmsg

    /**
     * Mirrors tcp_sendmsg_locked(): copies user data into page frags of the tail skb of the write
     * queue while it is below the size goal, has frag slots left and is not marked EOR; otherwise a
     * new skb is entailed if the send buffer allows ({@code sk_stream_memory_free()}). Pushes as
     * the kernel does (forced push past half the peer's largest window, one segment when the new skb
     * is the send head, tcp_push() at the end). Returns bytes copied, or -EAGAIN when none could be.
     */
    static int tcpSendmsgLocked(TcpSock tp, byte[] buf, int off, int len, int flags) {
        // do_error: the pending error is left for the socket layer (sk_stream_error() reports it when
        // nothing was copied in this call; with bytes copied they are returned and the error stays)
        if (tp.skErr != 0 || (tp.skShutdown & SockConst.SEND_SHUTDOWN) != 0) return -SockConst.EPIPE;
        int st = tp.skState;
        if (st != SockConst.TCP_ESTABLISHED && st != SockConst.TCP_CLOSE_WAIT) {
            if (st == SockConst.TCP_SYN_SENT || st == SockConst.TCP_SYN_RECV) return -SockConst.EAGAIN; // sk_stream_wait_connect()
            return -SockConst.EPIPE;
        }
        if (len < 0 || off < 0 || off + len > buf.length) return -SockConst.EFAULT;
        tp.host.counters().tcpSendmsgCalls++;
        int mssNow = tcpCurrentMss(tp);
        int sizeGoal = tcpXmitSizeGoal(tp, mssNow);
        int copied = 0;
        while (copied < len) {
            SkBuff skb = tp.writeQueue.peekTail();
            int copy = skb == null ? 0 : sizeGoal - skb.len();
            // an skb carrying a ULP mapping is closed to more bytes, as an EOR skb is
            if (copy <= 0 || cbEor(skb) || (cbFlags(skb) & TcpHeader.FIN) != 0 || (UlpCb.flags(skb) & UlpCb.F_MAP) != 0) {
                if (!tp.skStreamMemoryFree()) break; // wait_for_space
                skb = tcpStreamAllocSkb(tp);
                tcpSkbEntail(tp, skb);
                copy = sizeGoal;
            }
            copy = tcpCopyToPageFrag(tp, skb, buf, off + copied, Math.min(copy, len - copied));
            if (copy == 0) {
                tcpMarkPush(tp, skb);
                cbSetEor(skb, true); // new_segment: the next round entails a fresh skb
                continue;
            }
            copied += copy;
            if (skb.len() < sizeGoal) continue;
            if (forcedPush(tp)) {
                tcpMarkPush(tp, skb);
                tcpPushPendingFrames(tp, mssNow, TcpSock.TCP_NAGLE_PUSH);
            } else if (skb == tp.writeQueue.peek()) {
                tcpPushOne(tp, mssNow);
            }
        }
        if (copied > 0) {
            tp.host.counters().tcpSendmsgBytes += copied;
            SkBuff tail = tp.writeQueue.peekTail();
            if (tail != null && (flags & SockConst.MSG_EOR) != 0) cbSetEor(tail, true);
            tcpPush(tp, flags, mssNow, tp.nonagle, sizeGoal);
            return copied;
        }
        return -SockConst.EAGAIN;
    }

    /**
     * The ULP's send (net/mptcp/protocol.c {@code mptcp_sendmsg_frag()} with {@code tcp_build_frag()}):
     * {@code len} bytes as new skbs at the tail of the write queue, never merged with earlier data;
     * each skb (at most the size goal, and a new one when the frag slots run out) carries the whole
     * mapping {@code (dataSeq, write_seq - iss, len + dataFin)} with {@link UlpCb#F_MAP} (and
     * {@link UlpCb#F_DATA_FIN}). Bytes are copied into page frags as tcp_sendmsg does; write_seq and
     * sk_wmem_queued grow; the send buffer is not checked (the meta socket accounts for memory).
     * Does not transmit. Returns {@code len}, -EINVAL for a length outside 1..65535 (65534 with the
     * DATA_FIN) or a bad buffer range, -EPIPE when the socket cannot send.
     */
    static int tcpQueueMapped(TcpSock tp, byte[] buf, int off, int len, long dataSeq, boolean dataFin) {
        int mapLen = len + (dataFin ? 1 : 0);
        if (len < 1 || mapLen > 0xffff || buf == null || off < 0 || off > buf.length - len) return -SockConst.EINVAL;
        if (tp.skErr != 0 || (tp.skShutdown & SockConst.SEND_SHUTDOWN) != 0) return -SockConst.EPIPE;
        if (tp.skState != SockConst.TCP_ESTABLISHED && tp.skState != SockConst.TCP_CLOSE_WAIT) return -SockConst.EPIPE;
        int sizeGoal = tcpXmitSizeGoal(tp, tcpCurrentMss(tp));
        int subflowSeq = tp.writeSeq - tp.iss;
        int flags = UlpCb.F_MAP | (dataFin ? UlpCb.F_DATA_FIN : 0);
        SkBuff skb = null;
        int copied = 0;
        while (copied < len) {
            if (skb == null || skb.len() >= sizeGoal) {
                skb = tcpStreamAllocSkb(tp);
                tcpSkbEntail(tp, skb);
                UlpCb.setMapping(skb, dataSeq, subflowSeq, mapLen, flags);
            }
            int copy = tcpCopyToPageFrag(tp, skb, buf, off + copied, Math.min(sizeGoal - skb.len(), len - copied));
            if (copy == 0) {
                skb = null; // no frag slot left: the rest goes to a new skb with the same mapping
                continue;
            }
            copied += copy;
        }
        return len;
    }

    /**
     * The copy step of tcp_sendmsg_locked(): {@code sk_page_frag_refill()} then
     * {@code skb_copy_to_page_nocache()} — at most {@code max} bytes from {@code buf[off]} into the
     * socket's page frag, appended to {@code skb} (growing its last frag when contiguous), with
     * write_seq, end_seq and sk_wmem_queued advanced. Returns the bytes copied (at most what is left
     * of the page), 0 when {@code skb} has no frag slot left.
     */
    static int tcpCopyToPageFrag(TcpSock tp, SkBuff skb, byte[] buf, int off, int max) {
        SkbAllocator alloc = tp.host.allocator();
        if (tp.pfPage == null || tp.pfOffset >= Page.PAGE_SIZE) {
            if (tp.pfPage != null) alloc.putPage(tp.pfPage);
            tp.pfPage = alloc.allocPage();
            tp.pfOffset = 0;
        }
        boolean merge = skb.canCoalesce(tp.pfPage, tp.pfOffset);
        if (!merge && skb.shinfo().nrFrags() >= SkbSharedInfo.MAX_SKB_FRAGS) return 0;
        int copy = Math.min(max, Page.PAGE_SIZE - tp.pfOffset);
        System.arraycopy(buf, off, tp.pfPage.bytes(), tp.pfOffset, copy);
        alloc.copied(tp.proto.copySiteSendmsg, copy);
        if (merge) {
            skb.growLastFrag(copy);
        } else {
            tp.pfPage.get();
            skb.addFrag(tp.pfPage, tp.pfOffset, copy);
        }
        tp.pfOffset += copy;
        tp.writeSeq += copy;
        cbSetEndSeq(skb, cbEndSeq(skb) + copy);
        tp.skWmemQueued += copy;
        return copy;
    }

    /** forced_push(): more than half the peer's largest window was written since the last PSH. */
    private static boolean forcedPush(TcpSock tp) {
        return TcpSeq.after(tp.writeSeq, tp.pushedSeq + (int) (tp.maxWindow >> 1));
    }

    /** tcp_mark_push(). */
    static void tcpMarkPush(TcpSock tp, SkBuff skb) {
        cbSetFlags(skb, cbFlags(skb) | TcpHeader.PSH);
        tp.pushedSeq = tp.writeSeq;
    }

    /** tcp_stream_alloc_skb(): an fclone skb with MAX_TCP_HEADER of headroom and no payload. */
    static SkBuff tcpStreamAllocSkb(TcpSock tp) {
        SkBuff skb = tp.host.allocator().allocSkbFclone(MAX_TCP_HEADER);
        skb.reserve(MAX_TCP_HEADER);
        skb.ipSummed = SkBuff.CHECKSUM_PARTIAL;
        UlpCb.clear(skb); // skb heads are recycled: no stale ULP mapping
        return skb;
    }

    /** tcp_skb_entail(): the new skb starts at write_seq with ACK set and goes to the write queue tail. */
    static void tcpSkbEntail(TcpSock tp, SkBuff skb) {
        cbSetSeq(skb, tp.writeSeq);
        cbSetEndSeq(skb, tp.writeSeq);
        cbSetFlags(skb, TcpHeader.ACK);
        cbSetEor(skb, false);
        tp.writeQueue.addTail(skb);
    }

    /**
     * Mirrors tcp_push(): MSG_MORE corks; autocorking (tcp_should_autocork()) holds a small tail back
     * while earlier packets of this socket are still below TCP, to be sent from the TSQ handler.
     */
    static void tcpPush(TcpSock tp, int flags, int mssNow, int nonagle, int sizeGoal) {
        SkBuff skb = tp.writeQueue.peekTail();
        if (skb == null) return;
        if ((flags & SockConst.MSG_MORE) == 0 || forcedPush(tp)) tcpMarkPush(tp, skb);
        if ((flags & SockConst.MSG_MORE) != 0) nonagle = TcpSock.TCP_NAGLE_CORK;
        if (tp.host.inet().tcpAutocorking && skb.len() < sizeGoal && (flags & SockConst.MSG_MORE) == 0
                && !tp.rtxQueue.isEmpty() && tp.wmemAlloc > 0) {
            tp.tsqThrottled = true;
            tp.mib.autocorking++;
            if (tp.wmemAlloc > 0) return;
        }
        tcpPushPendingFrames(tp, mssNow, nonagle);
    }

    /** __tcp_push_pending_frames(): write what may go; arm the zero-window probe if nothing can. */
    static void tcpPushPendingFrames(TcpSock tp, int mssNow, int nonagle) {
        if (tp.skState == SockConst.TCP_CLOSE) return;
        if (tcpWriteXmit(tp, mssNow, nonagle, 0)) tcpCheckProbeTimer(tp);
    }

    /** tcp_push_pending_frames() with the socket's own Nagle setting. */
    static void tcpPushPendingFrames(TcpSock tp) {
        if (tp.writeQueue.isEmpty()) return;
        tcpPushPendingFrames(tp, tcpCurrentMss(tp), tp.nonagle);
    }

    /** tcp_push_one(). */
    static void tcpPushOne(TcpSock tp, int mssNow) {
        tcpWriteXmit(tp, mssNow, TcpSock.TCP_NAGLE_PUSH, 1);
    }

    // ================================================================ MSS and size goal

    /** The length of TCP headers every segment carries (tp->tcp_header_len). */
    static int tcpHeaderLen(TcpSock tp) {
        return TcpHeader.MIN_LEN + (tp.tstampOk ? TcpOptions.TCPOLEN_TSTAMP_ALIGNED : 0);
    }

    /**
     * tcp_current_mss(): mss_cache less the options a full data segment carries beyond the
     * timestamps: the SACK blocks, and with a ULP the option size it reports for {@code skb == NULL}
     * ({@code tcp_established_options(sk, NULL, ...)} → {@code mptcp_established_options()}),
     * aligned to 4. An estimate beyond the space left after the timestamps is ignored, as the
     * segments will not carry it.
     */
    static int tcpCurrentMss(TcpSock tp) {
        int mss = tp.mssCache;
        int blocks = tp.numSacks + (tp.dsack ? 1 : 0);
        if (tp.skState != SockConst.TCP_ESTABLISHED) blocks = 0;
        int extra = 0;
        if (tp.ulp != null && !tp.inUlpEstimate) {
            byte[] scratch = tp.proto.ulpScratch;
            tp.inUlpEstimate = true;
            try {
                extra = ulpOptionLength(tp.ulpEstablishedOptions(null, TcpHeader.ACK, ulpRemaining(tp), scratch), tp);
            } finally {
                tp.inUlpEstimate = false;
            }
        }
        if (blocks > 0 || extra > 0) {
            TcpOutOptions o = tp.proto.outOpts;
            o.setExtra(tp.proto.ulpScratch, 0, extra);
            int hdr = tcpHeaderLen(tp) + o.tcpEstablishedOptions(tp.tstampOk, 0, 0, tp.sackStart, tp.sackEnd,
                    Math.min(blocks, 4)) - (tp.tstampOk ? TcpOptions.TCPOLEN_TSTAMP_ALIGNED : 0);
            o.setExtra(tp.proto.ulpScratch, 0, 0);
            mss = WindowMath.tcpCurrentMss(mss, hdr, tcpHeaderLen(tp));
        }
        mss = Math.max(mss, 1);
        if (tp.ulp != null) tp.ulpMssNow = mss;
        return mss;
    }

    /** The option space a ULP may fill after the handshake: MAX_TCP_OPTION_SPACE less the timestamps. */
    static int ulpRemaining(TcpSock tp) {
        return TcpOptions.MAX_TCP_OPTION_SPACE - (tp.tstampOk ? TcpOptions.TCPOLEN_TSTAMP_ALIGNED : 0);
    }

    /** The ULP's answer if it fits in the space left after the timestamps, else 0 (the options are dropped). */
    private static int ulpOptionLength(int n, TcpSock tp) {
        return n > 0 && n <= ulpRemaining(tp) ? n : 0;
    }

    /** tcp_xmit_size_goal(). */
    static int tcpXmitSizeGoal(TcpSock tp, int mssNow) {
        return WindowMath.tcpXmitSizeGoal(mssNow, true, WindowMath.skDstGsoMaxSize(WindowMath.GSO_MAX_SIZE),
                WindowMath.GSO_MAX_SEGS, (int) Math.min(tp.maxWindow, Integer.MAX_VALUE), tcpHeaderLen(tp));
    }

    /** tcp_sync_mss(): mss_cache for the path MTU. */
    static int tcpSyncMss(TcpSock tp, int pmtu) {
        tp.pmtu = pmtu;
        int mss = WindowMath.tcpMtuToMss(pmtu, tp.mssClamp, tcpHeaderLen(tp), 0, WindowMath.TCP_MIN_SND_MSS);
        mss = WindowMath.tcpBoundToHalfWnd((int) Math.min(tp.maxWindow, Integer.MAX_VALUE), mss, tcpHeaderLen(tp));
        tp.mssCache = mss;
        tp.sb.setMss(mss);
        return mss;
    }

    /** tcp_init_tso_segs() / tcp_skb_pcount(). */
    static int tcpSkbPcount(SkBuff skb, int mss) {
        int len = skb.len();
        return len <= mss ? 1 : (len + mss - 1) / mss;
    }

    // ================================================================ tcp_write_xmit

    /**
     * Mirrors tcp_write_xmit(): sends skbs from the head of the write queue while the congestion window
     * ({@code tcp_cwnd_test()}), the receive window ({@code tcp_snd_wnd_test()}), Nagle
     * ({@code tcp_nagle_test()}) or TSO deferral ({@code tcp_tso_should_defer()}) and TCP small
     * queues ({@code tcp_small_queue_check()}) allow, cutting skbs with {@code tso_fragment()} at
     * {@code tcp_mss_split_point()}. {@code pushOne} 1 sends at most one skb, 2 is a loss probe
     * (ignores cwnd). Returns true when something is left and nothing is in flight (probe timer).
     */
    static boolean tcpWriteXmit(TcpSock tp, int mssNow, int nonagle, int pushOne) {
        var costs = tp.host.counters();
        costs.tcpWriteXmitCalls++;
        int sent = 0;
        boolean isCwndLimited = false;
        int maxSegs = tcpTsoSegs(tp, mssNow);
        SkBuff skb;
        while ((skb = tp.writeQueue.peek()) != null) {
            int tsoSegs = tcpSkbPcount(skb, mssNow);
            int cwndQuota = tcpCwndTest(tp);
            if (cwndQuota == 0) {
                if (pushOne == 2) cwndQuota = 1; // a loss probe may exceed cwnd
                else {
                    isCwndLimited = true;
                    break;
                }
            }
            if (!tcpSndWndTest(tp, skb, mssNow)) break;
            if (tsoSegs == 1) {
                if (!tcpNagleTest(tp, skb, mssNow, skb == tp.writeQueue.peekTail() ? nonagle : TcpSock.TCP_NAGLE_PUSH)) break;
            } else if (pushOne == 0 && tcpTsoShouldDefer(tp, skb, cwndQuota, maxSegs)) {
                break;
            }
            int limit = mssNow;
            if (tsoSegs > 1) limit = tcpMssSplitPoint(tp, skb, mssNow, Math.min(cwndQuota, maxSegs), nonagle);
            if (skb.len() > limit) tsoFragment(tp, skb, limit);
            if (tcpSmallQueueCheck(tp, skb)) break;
            if (tcpTransmitSkb(tp, skb, true) != 0) break;
            costs.tcpWriteXmitSkbs++;
            tcpEventNewDataSent(tp, skb, mssNow);
            sent += tcpSkbPcount(skb, mssNow);
            if (pushOne != 0) break;
        }
        if (sent > 0) {
            if (tp.inCwndReduction()) tp.prrOut += sent;
            if (pushOne != 2) tcpScheduleLossProbe(tp);
            tcpCwndValidate(tp, isCwndLimited);
            return false;
        }
        return !tp.writeQueue.isEmpty() && tp.packetsOut() == 0;
    }

    /** tcp_cwnd_test(): segments the congestion window allows now. */
    static int tcpCwndTest(TcpSock tp) {
        long inFlight = tp.tcpPacketsInFlight();
        long cwnd = tp.sndCwnd;
        return inFlight >= cwnd ? 0 : (int) Math.min(cwnd - inFlight, Integer.MAX_VALUE);
    }

    /** tcp_snd_wnd_test(): does the first MSS of skb fit in the peer's window? */
    static boolean tcpSndWndTest(TcpSock tp, SkBuff skb, int mss) {
        int end = cbEndSeq(skb);
        if (skb.len() > mss) end = cbSeq(skb) + mss;
        return !TcpSeq.after(end, tp.tcpWndEnd());
    }

    /**
     * tcp_nagle_test(): a sub-MSS segment may go when Nagle is off (TCP_NODELAY or PUSH), it carries
     * FIN, or tcp_nagle_check() finds no small segment in flight (Minshall's variant); cork holds it.
     */
    static boolean tcpNagleTest(TcpSock tp, SkBuff skb, int mssNow, int nonagle) {
        if ((nonagle & TcpSock.TCP_NAGLE_PUSH) != 0) return true;
        if ((cbFlags(skb) & TcpHeader.FIN) != 0) return true;
        return !tcpNagleCheck(skb.len() < mssNow, tp, nonagle);
    }

    /** tcp_nagle_check(): true when a partial segment must wait. */
    static boolean tcpNagleCheck(boolean partial, TcpSock tp, int nonagle) {
        return partial && ((nonagle & TcpSock.TCP_NAGLE_CORK) != 0
                || (nonagle == 0 && tcpMinshallCheck(tp)));
    }

    /** tcp_minshall_check(): a small segment sent earlier is still unacknowledged. */
    static boolean tcpMinshallCheck(TcpSock tp) {
        return TcpSeq.after(tp.sndSml, tp.sndUna) && !TcpSeq.after(tp.sndSml, tp.sndNxt);
    }

    /** tcp_mss_split_point(). */
    static int tcpMssSplitPoint(TcpSock tp, SkBuff skb, int mssNow, int maxSegs, int nonagle) {
        int window = tp.tcpWndEnd() - cbSeq(skb);
        int maxLen = mssNow * maxSegs;
        if (maxLen <= window && skb != tp.writeQueue.peekTail()) return maxLen;
        int needed = Math.min(skb.len(), window);
        if (maxLen <= needed) return maxLen;
        int partial = needed % mssNow;
        if (tcpNagleCheck(partial != 0, tp, nonagle)) return needed - partial;
        return needed;
    }

    /** tcp_tso_segs(): tcp_tso_autosize() from the pacing rate. */
    static int tcpTsoSegs(TcpSock tp, int mssNow) {
        int segs = WindowMath.tcpTsoAutosize(tp.pacingRate, PACING_SHIFT, tp.minRttUs(), 9,
                WindowMath.skDstGsoMaxSize(WindowMath.GSO_MAX_SIZE), mssNow, MIN_TSO_SEGS);
        return Math.max(1, Math.min(segs, WindowMath.GSO_MAX_SEGS));
    }

    /**
     * tcp_tso_should_defer(), its main rules: never in recovery, never when a full TSO packet or the
     * whole of a non-tail skb fits, nor when a third of the window ({@code tcp_tso_win_divisor}) can
     * go; otherwise wait while the ACK that opens the window is due within half an RTT.
     */
    static boolean tcpTsoShouldDefer(TcpSock tp, SkBuff skb, int cwndQuota, int maxSegs) {
        if (tp.caState >= TcpCc.TCP_CA_RECOVERY) return false;
        if ((cbFlags(skb) & TcpHeader.FIN) != 0) return false;
        long inFlight = tp.tcpPacketsInFlight();
        if (inFlight == 0) return false;
        long sendWin = tp.tcpWndEnd() - cbSeq(skb);
        long congWin = (long) cwndQuota * tp.mssCache;
        long limit = Math.min(sendWin, congWin);
        if (limit >= (long) maxSegs * tp.mssCache) return false;
        if (skb != tp.writeQueue.peekTail() && limit >= skb.len()) return false;
        long chunk = Math.min(tp.sndWnd, tp.sndCwnd * tp.mssCache) / TSO_WIN_DIVISOR;
        if (limit >= chunk) return false;
        SkBuff head = tp.rtxQueue.peek();
        if (head == null) return false;
        long srtt = tp.rtt.smoothedRttUs();
        long age = tp.nowUs() - head.tstamp / 1000;
        return age < (srtt >> 1); // the next ACK is due soon: wait for it
    }

    /**
     * tso_fragment(): splits the write-queue skb at {@code len}; the rest becomes a new skb right
     * after it in the write queue.
     */
    static void tsoFragment(TcpSock tp, SkBuff skb, int len) {
        SkBuff buff = tcpStreamAllocSkb(tp);
        tp.host.allocator().skbSplit(skb, buff, len);
        int seq = cbSeq(skb);
        cbSetSeq(buff, seq + len);
        cbSetEndSeq(buff, cbEndSeq(skb));
        int flags = cbFlags(skb);
        cbSetFlags(buff, flags);
        cbSetFlags(skb, flags & ~(TcpHeader.FIN | TcpHeader.PSH));
        cbSetEor(buff, cbEor(skb));
        cbSetEor(skb, false);
        cbSetEndSeq(skb, seq + len);
        UlpCb.copy(skb, buff); // both parts keep the whole ULP mapping
        tp.writeQueue.insertAfter(skb, buff);
    }

    /**
     * tcp_small_queue_check(): at most max(2 × skb, ~1 ms at the pacing rate), capped by
     * net.ipv4.tcp_limit_output_bytes, may sit below TCP (qdisc, driver, NIC); beyond that the socket
     * is throttled until tcp_wfree() (the clone's destructor) runs the TSQ handler.
     */
    static boolean tcpSmallQueueCheck(TcpSock tp, SkBuff skb) {
        long limit = Math.max(2L * skb.len(), tp.pacingRate >> PACING_SHIFT);
        limit = Math.min(limit, tp.host.inet().tcpLimitOutputBytes);
        if (tp.wmemAlloc > limit) {
            if (tp.rtxQueue.isEmpty()) return false; // tcp_rtx_queue_empty_or_single_skb()
            tp.tsqThrottled = true;
            tp.mib.tsqThrottled++;
            return tp.wmemAlloc > limit;
        }
        return false;
    }

    /** tcp_tsq_handler(): the tasklet that resumes a throttled socket once its packets left. */
    static void tcpTsqHandler(TcpSock tp) {
        tp.tsqPosted = false;
        if (!tp.tsqThrottled) return;
        tp.tsqThrottled = false;
        if (tp.skState == SockConst.TCP_CLOSE || tp.skState == SockConst.TCP_LISTEN) return;
        if (tp.ownedByUser) {
            tp.tsqDeferred = true; // TCP_TSQ_DEFERRED: tcp_release_cb() does it
            return;
        }
        tcpPushPendingFrames(tp);
        TcpInput.tcpCheckSpace(tp);
    }

    /**
     * tcp_event_new_data_sent(): the skb moves to the retransmit queue (and the scoreboard), snd_nxt
     * advances, the RTO is armed if it was not.
     */
    static void tcpEventNewDataSent(TcpSock tp, SkBuff skb, int mssNow) {
        tp.writeQueue.unlink(skb);
        tp.rtxQueue.addTail(skb);
        int seq = cbSeq(skb), end = cbEndSeq(skb);
        long prior = tp.packetsOut();
        tp.sb.tcpQueueRtx(seq, end, mssNow, skb.tstamp / 1000, skb);
        tp.sndNxt = end;
        if (tp.sb.packetsOut() > tp.maxPacketsOut) tp.maxPacketsOut = tp.sb.packetsOut();
        if (skb.len() < mssNow) tp.sndSml = end;
        if (prior == 0 || tp.icskPending == TcpSock.ICSK_TIME_PROBE0) TcpTimers.tcpRearmRto(tp);
    }

    /** tcp_cwnd_validate(): remember whether the window limited us (RFC 7661 spirit). */
    static void tcpCwndValidate(TcpSock tp, boolean isCwndLimited) {
        tp.isCwndLimited = isCwndLimited || tp.tcpPacketsInFlight() >= tp.sndCwnd;
        if (tp.sb.packetsOut() > tp.maxPacketsOut) tp.maxPacketsOut = tp.sb.packetsOut();
    }

    // ================================================================ transmit

    /**
     * Mirrors __tcp_transmit_skb(): transmits a clone of {@code skb} (or a private copy when an earlier
     * clone still shares its header room, as the kernel's {@code skb_cloned()} check does), with the
     * TCP header and options pushed in front, the checksum left to the device (CHECKSUM_PARTIAL),
     * GSO set for more than one MSS, then {@code ip_queue_xmit()}. Returns 0, or a negative errno /
     * NET_XMIT code when the packet did not leave.
     */
    static int tcpTransmitSkb(TcpSock tp, SkBuff skb, boolean cloneIt) {
        SkbAllocator alloc = tp.host.allocator();
        long now = tp.nowNs();
        skb.tstamp = now;
        SkBuff nskb = skb;
        if (cloneIt) nskb = skb.dataShared() ? alloc.pskbCopy(skb, true) : alloc.clone(skb);
        int flags = cbFlags(skb);
        int seq = cbSeq(skb);
        int payload = skb.len();
        TcpOutOptions o = tp.proto.outOpts;
        byte[] scratch = tp.proto.ulpScratch;
        int optLen;
        boolean syn = (flags & TcpHeader.SYN) != 0;
        if (syn) {
            boolean synack = (flags & TcpHeader.ACK) != 0;
            // mptcp_syn_options() / mptcp_synack_options(): the ULP's options go in first, written last
            int n = tp.ulpSynOptions(synack, scratch);
            if (n < 0 || n > TcpOptions.MAX_TCP_OPTION_SPACE) n = 0;
            o.setExtra(scratch, 0, n);
            optLen = tcpSynOptionsFor(tp, o, synack);
            if (optLen > TcpOptions.MAX_TCP_OPTION_SPACE) { // they do not fit beside MSS, TS, WS, SACK_PERM: dropped
                o.setExtra(scratch, 0, 0);
                optLen = tcpSynOptionsFor(tp, o, synack);
            }
        } else {
            int n = 0;
            if (tp.ulp != null) {
                // mptcp_established_options(): a data skb shows its own mapping; a segment without
                // payload shows a cleared ULP area, never a stale mapping
                if (payload == 0) UlpCb.clear(skb);
                n = ulpOptionLength(tp.ulpEstablishedOptions(skb, flags, ulpRemaining(tp), scratch), tp);
            }
            o.setExtra(scratch, 0, n);
            int blocks = 0;
            if (tp.skState == SockConst.TCP_ESTABLISHED || tp.skState >= SockConst.TCP_FIN_WAIT1) blocks = fillSackBlocks(tp);
            optLen = o.tcpEstablishedOptions(tp.tstampOk, tp.tcpTimeStamp(), tp.tsRecent, tp.proto.sackOutStart,
                    tp.proto.sackOutEnd, blocks);
            if (blocks > 0 && o.numSackBlocks() > 0) tp.dsack = false; // a D-SACK is reported once
        }
        int hdr = TcpHeader.MIN_LEN + optLen;
        int d = nskb.push(hdr);
        nskb.setTransportHeader(0);
        byte[] h = nskb.head();
        int window = syn ? WindowMath.synWindowField(tp.rcvWnd) : tcpSelectWindow(tp);
        int ackSeq = (flags & TcpHeader.ACK) != 0 ? tp.rcvNxt : 0;
        TcpHeader.write(h, d, tp.sport, tp.dport, seq, ackSeq, hdr, flags, window);
        TcpOptions.write(h, d + TcpHeader.MIN_LEN, o);
        int tcpLen = hdr + payload;
        TcpHeader.setPartialChecksum(h, d, tp.saddr, tp.daddr, tcpLen);
        nskb.ipSummed = SkBuff.CHECKSUM_PARTIAL;
        nskb.csumStart = nskb.transportHeader;
        nskb.csumOffset = TcpHeader.CHECK;
        int mss = tcpCurrentMssFor(tp, optLen);
        // with a ULP the skb was cut at the mss_now of tcp_current_mss() (its option estimate off):
        // GSO segments at that size, as the kernel's tcp_set_skb_tso_segs(skb, mss_now)
        if (tp.ulp != null && tp.ulpMssNow > 0 && payload > 0) mss = Math.min(mss, tp.ulpMssNow);
        if (payload > mss && !syn) nskb.setGso(mss, (payload + mss - 1) / mss, SkBuff.SKB_GSO_TCPV4);
        else nskb.setGso(0, 0, 0); // tcp_set_skb_tso_segs(): one segment is not GSO (the skb may have been part of a TSO burst)
        nskb.hash = tp.txhash;
        nskb.l4Hash = true;
        nskb.senderCpu = tp.cpu;
        nskb.priority = 0;
        nskb.sk = tp;
        nskb.truesize = payload + hdr;
        nskb.destructor = tp;
        tp.wmemAlloc += nskb.truesize;
        if ((flags & TcpHeader.ACK) != 0) tcpEventAckSent(tp);
        int pcount = payload > mss ? (payload + mss - 1) / mss : 1;
        if (payload > 0) {
            tp.dataSegsOut += pcount;
            tp.bytesSent += payload;
            tcpEventDataSent(tp);
        }
        tp.segsOut += pcount;
        tp.mib.outSegs += pcount;
        if ((flags & TcpHeader.RST) != 0) tp.mib.outRsts++;
        Ipv4Layer ip = tp.host.ipv4();
        if (ip == null) {
            alloc.free(nskb);
            return -SockConst.ENETUNREACH;
        }
        int rc = ip.ipQueueXmit(nskb, tp.flow);
        if (rc == NetXmit.NET_XMIT_CN) rc = 0; // net_xmit_eval()
        if (rc == NetXmit.NET_XMIT_DROP) {
            TcpInput.tcpEnterCwr(tp); // local congestion: tcp_enter_cwr()
            rc = 0; // the segment is in the retransmit queue; the kernel treats it as sent
        }
        return rc < 0 ? rc : 0;
    }

    /** tcp_syn_options() / tcp_synack_options() for this socket, the extra options already set in {@code o}. */
    private static int tcpSynOptionsFor(TcpSock tp, TcpOutOptions o, boolean synack) {
        return synack
                ? o.tcpSynackOptions(tcpAdvertiseMss(tp), tp.tstampOk, tp.tcpTimeStamp(), tp.tsRecent, tp.wscaleOk, tp.rcvWscale, tp.sackOk)
                : o.tcpSynOptions(tcpAdvertiseMss(tp), tp.host.inet().tcpTimestamps, tp.tcpTimeStamp(), 0,
                        tp.host.inet().tcpWindowScaling, tp.rcvWscale, tp.host.inet().tcpSack);
    }

    /** mss_now for a segment whose option space is {@code optLen}. */
    private static int tcpCurrentMssFor(TcpSock tp, int optLen) {
        int base = tcpHeaderLen(tp);
        return Math.max(1, WindowMath.tcpCurrentMss(tp.mssCache, TcpHeader.MIN_LEN + optLen, base));
    }

    /** tcp_advertise_mss(): the MSS option of our SYN / SYN-ACK. */
    static int tcpAdvertiseMss(TcpSock tp) {
        int mss = tp.advmss;
        if (tp.userMss != 0 && tp.userMss < mss) mss = tp.userMss;
        return mss;
    }

    /** The SACK blocks to report: the D-SACK first (once), then tp->selective_acks. */
    private static int fillSackBlocks(TcpSock tp) {
        if (!tp.sackOk) return 0;
        int n = 0;
        if (tp.dsack) {
            tp.proto.sackOutStart[n] = tp.dsackStart;
            tp.proto.sackOutEnd[n++] = tp.dsackEnd;
        }
        for (int i = 0; i < tp.numSacks && n < 4; i++) {
            tp.proto.sackOutStart[n] = tp.sackStart[i];
            tp.proto.sackOutEnd[n++] = tp.sackEnd[i];
        }
        return n;
    }

    /**
     * Mirrors tcp_select_window(): the window to advertise from the free receive space, never
     * shrinking the right edge already offered; scaled by rcv_wscale. Updates rcv_wnd / rcv_wup.
     */
    static int tcpSelectWindow(TcpSock tp) {
        int oldWin = tp.rcvWnd;
        int curWin = tp.tcpReceiveWindow();
        int newWin = tcpSelectWindowRaw(tp);
        if (newWin < curWin) newWin = WindowMath.tcpSelectWindowNoShrink(curWin, newWin, tp.rcvWscale);
        tp.rcvWnd = newWin;
        tp.rcvWup = tp.rcvNxt;
        if (!tp.wscaleOk) newWin = Math.min(newWin, WindowMath.U16_MAX);
        else newWin = Math.min(newWin, WindowMath.U16_MAX << tp.rcvWscale);
        int field = newWin >>> tp.rcvWscale;
        if (field == 0 && oldWin != 0) tp.mib.zeroWindowAdv++;
        return field;
    }

    /** __tcp_select_window() over the socket's receive buffer. */
    static int tcpSelectWindowRaw(TcpSock tp) {
        int ratio = WindowMath.TCP_DEFAULT_SCALING_RATIO;
        int free = WindowMath.tcpSpace(tp.skRcvbuf, tp.skBacklogLen, tp.rmemAlloc, ratio);
        int allowed = WindowMath.tcpFullSpace(tp.skRcvbuf, ratio);
        int win = WindowMath.tcpSelectWindowRaw(tp.rcvMss, free, allowed, tp.windowClamp, tp.rcvSsthresh,
                tp.rcvWnd, tp.rcvWscale, false);
        return tp.ulp == null ? win : tp.ulpReceiveWindow(win);
    }

    /** tcp_event_data_sent(): last send time; a send after idle restarts cwnd (RFC 5681 §4.1). */
    static void tcpEventDataSent(TcpSock tp) {
        long now = tp.nowUs();
        if (tp.host.inet().tcpSlowStartAfterIdle && tp.packetsOut() == 0 && tp.lsndtimeUs != 0
                && now - tp.lsndtimeUs > tp.rtt.rtoUs() && tp.ca != null) {
            tcpCwndRestart(tp, now - tp.lsndtimeUs);
        }
        tp.lsndtimeUs = now;
        if (now - tp.lrcvtimeUs < TcpSock.TCP_ATO_MIN_US) tp.ackPingpong = true;
    }

    /** tcp_cwnd_restart(): halve cwnd per RTO of idleness, not below the restart window. */
    static void tcpCwndRestart(TcpSock tp, long deltaUs) {
        tp.ca.cwndEvent(tp, TcpCc.CA_EVENT_CWND_RESTART);
        long restart = Math.min(10, tp.sndCwnd);
        long cwnd = tp.sndCwnd;
        long rto = Math.max(1, tp.rtt.rtoUs());
        tp.sndSsthresh = Math.max(tp.sndSsthresh, (tp.sndCwnd >> 1) + (tp.sndCwnd >> 2));
        while ((deltaUs -= rto) > 0 && cwnd > restart) cwnd >>= 1;
        tp.sndCwnd = Math.max(cwnd, restart);
        tp.sndCwndCnt = 0;
    }

    /** tcp_event_ack_sent(): the pending ACK went out with this segment. */
    static void tcpEventAckSent(TcpSock tp) {
        if (tp.ackQuick > 0) tp.ackQuick--;
        tp.ackPending = 0;
        tp.delackTimer.cancel();
    }

    // ================================================================ control segments

    /** A fresh control skb (no payload) at {@code seq} with {@code flags}. */
    static SkBuff controlSkb(TcpSock tp, int seq, int flags) {
        SkBuff skb = tcpStreamAllocSkb(tp);
        cbSetSeq(skb, seq);
        cbSetEndSeq(skb, seq);
        cbSetFlags(skb, flags);
        return skb;
    }

    /** tcp_send_ack(): a pure ACK, not queued. */
    static void tcpSendAck(TcpSock tp) {
        if (tp.skState == SockConst.TCP_CLOSE) return;
        SkBuff skb = controlSkb(tp, tp.sndNxt, TcpHeader.ACK);
        tcpTransmitSkb(tp, skb, false);
    }

    /** tcp_send_delayed_ack(): arm the delayed-ACK timer (ato, at most TCP_DELACK_MAX). */
    static void tcpSendDelayedAck(TcpSock tp) {
        long ato = Math.min(tp.atoUs, TcpSock.TCP_DELACK_MAX_US);
        if ((tp.ackPending & TcpSock.ICSK_ACK_TIMER) != 0 && tp.delackTimer.isArmed()) return;
        tp.ackPending |= TcpSock.ICSK_ACK_TIMER | TcpSock.ICSK_ACK_SCHED;
        tp.delackTimer.arm(tp.nowNs() + ato * 1000);
    }

    /**
     * tcp_send_syn / tcp_connect(): queues the SYN (it occupies one sequence number) and sends it;
     * a SYN-ACK for a passive open the same way (tcp_make_synack()).
     */
    static void tcpSendSyn(TcpSock tp, boolean ack) {
        SkBuff skb = controlSkb(tp, tp.iss, TcpHeader.SYN | (ack ? TcpHeader.ACK : 0));
        cbSetEndSeq(skb, tp.iss + 1);
        tp.writeSeq = tp.iss + 1;
        tp.sndNxt = tp.iss;
        tp.sndUna = tp.iss;
        tp.rtxQueue.addTail(skb);
        tp.sb.reset(tp.iss);
        tp.sb.tcpQueueRtx(tp.iss, tp.iss + 1, 1, tp.nowUs(), skb);
        tp.sndNxt = tp.iss + 1;
        tp.pushedSeq = tp.writeSeq;
        tcpTransmitSkb(tp, skb, true);
        TcpTimers.tcpRearmRto(tp);
    }

    /**
     * tcp_send_fin(): the FIN rides on the last unsent skb if there is one, else goes in a new skb at
     * the tail; then pushed with Nagle off.
     */
    static void tcpSendFin(TcpSock tp) {
        SkBuff tail = tp.writeQueue.peekTail();
        if (tail != null) {
            cbSetFlags(tail, cbFlags(tail) | TcpHeader.FIN | TcpHeader.PSH);
            cbSetEndSeq(tail, cbEndSeq(tail) + 1);
        } else {
            SkBuff skb = controlSkb(tp, tp.writeSeq, TcpHeader.FIN | TcpHeader.ACK);
            cbSetEndSeq(skb, tp.writeSeq + 1);
            tp.writeQueue.addTail(skb);
        }
        tp.writeSeq++;
        tp.finQueued = true;
        tcpPushPendingFrames(tp, tcpCurrentMss(tp), TcpSock.TCP_NAGLE_OFF);
    }

    /** tcp_send_active_reset(): RST|ACK at snd_nxt. */
    static void tcpSendActiveReset(TcpSock tp) {
        SkBuff skb = controlSkb(tp, tp.sndNxt, TcpHeader.RST | TcpHeader.ACK);
        tcpTransmitSkb(tp, skb, false);
    }

    /**
     * tcp_v4_send_reset(): a RST for a segment no socket wants (RFC 9293 §3.10.7.1): seq = its ACK
     * if it had one, else 0 with ACK = its seq + length.
     */
    static void tcpV4SendReset(TcpProto p, int saddr, int daddr, int sport, int dport, int segSeq, int segAck,
            int segFlags, int segLen) {
        if ((segFlags & TcpHeader.RST) != 0) return;
        Ipv4Layer ip = p.host().ipv4();
        if (ip == null) return;
        SkBuff skb = p.host().allocator().allocSkb(MAX_TCP_HEADER);
        skb.reserve(MAX_TCP_HEADER);
        int d = skb.push(TcpHeader.MIN_LEN);
        skb.setTransportHeader(0);
        int seq, ack, flags;
        if ((segFlags & TcpHeader.ACK) != 0) {
            seq = segAck;
            ack = 0;
            flags = TcpHeader.RST;
        } else {
            seq = 0;
            ack = segSeq + segLen + ((segFlags & TcpHeader.SYN) != 0 ? 1 : 0) + ((segFlags & TcpHeader.FIN) != 0 ? 1 : 0);
            flags = TcpHeader.RST | TcpHeader.ACK;
        }
        TcpHeader.write(skb.head(), d, sport, dport, seq, ack, TcpHeader.MIN_LEN, flags, 0);
        TcpHeader.setChecksum(skb.head(), d, saddr, daddr, TcpHeader.MIN_LEN);
        skb.ipSummed = SkBuff.CHECKSUM_NONE;
        p.host().inet().tcp.outRsts++;
        p.host().inet().tcp.outSegs++;
        ip.ipQueueXmit(skb, new Flowi4(saddr, daddr, Ipv4Header.IPPROTO_TCP, 0, 0, true));
    }

    // ================================================================ retransmission

    /**
     * Mirrors tcp_retransmit_skb(): retransmits one rtx-queue entry, first cut to one MSS
     * ({@code tcp_fragment()} through the scoreboard) so that recovery sends MSS-sized segments, and
     * trimmed to snd_una if it was partly acknowledged ({@code tcp_trim_head()}).
     */
    static int tcpRetransmitSkb(TcpSock tp, SackScoreboard.Seg s) {
        int mss = tcpCurrentMss(tp);
        if (s.len() > mss && s.pcount() > 1) tp.sb.tcpFragment(s, mss);
        SkBuff skb = (SkBuff) s.tag();
        int curLen = s.endSeq() - s.seq();
        int flags = cbFlags(skb);
        int fin = (flags & TcpHeader.FIN) != 0 ? 1 : 0;
        int syn = (flags & TcpHeader.SYN) != 0 ? 1 : 0;
        int dataLen = curLen - fin - syn;
        if (skb.len() > dataLen && dataLen >= 0) {
            tp.host.allocator().skbUnclone(skb);
            skb.pskbTrimHead(skb.len() - dataLen);
            cbSetSeq(skb, s.seq());
        }
        int rc = tcpTransmitSkb(tp, skb, true);
        if (rc != 0) return rc;
        tp.sb.tcpRetransmitted(s, tp.nowUs());
        if (tp.undoActive) {
            tp.undoRetrans += s.pcount();
            if (!tp.retransStamped) {
                tp.retransStamped = true;
                tp.retransStampTs = tp.tcpTimeStamp();
            }
        }
        tp.totalRetrans += s.pcount();
        tp.bytesRetrans += skb.len();
        tp.mib.retransSegs += s.pcount();
        if (tp.retransStampUs == 0) tp.retransStampUs = tp.nowUs();
        return 0;
    }

    /**
     * tcp_xmit_retransmit_queue(): in recovery or loss, retransmits segments marked lost while the
     * congestion window has room (RFC 6675 NextSeg() rule 1), counting them in prr_out.
     */
    static void tcpXmitRetransmitQueue(TcpSock tp) {
        if (tp.packetsOut() == 0) return;
        SackScoreboard.Seg s;
        int guard = 0;
        while ((s = tp.sb.nextSegmentToRetransmit()) != null && guard++ < 4096) {
            if (tp.tcpPacketsInFlight() >= tp.sndCwnd) break;
            if (tcpRetransmitSkb(tp, s) != 0) break;
            if (tp.inCwndReduction()) tp.prrOut += s.pcount();
            if (s == tp.sb.first()) TcpTimers.tcpRearmRto(tp);
        }
    }

    // ================================================================ loss probe (RACK-TLP, RFC 8985 §7)

    /**
     * tcp_schedule_loss_probe(): after new data, in Open state with SACK, the probe timeout
     * PTO = 2·SRTT (+ TCP_DELACK_MAX when a single packet is out), at most the RTO, replaces the RTO.
     */
    static void tcpScheduleLossProbe(TcpSock tp) {
        if (tp.host.inet().tcpEarlyRetrans < 3 || !tp.sackOk || tp.caState != TcpCc.TCP_CA_OPEN) return;
        if (tp.packetsOut() == 0 || tp.icskPending == TcpSock.ICSK_TIME_LOSS_PROBE && tp.retransmitTimer.isArmed()) return;
        long srtt = tp.rtt.smoothedRttUs();
        if (srtt == 0) return;
        long pto = 2 * srtt;
        if (tp.packetsOut() == 1) pto += TcpSock.TCP_DELACK_MAX_US;
        pto = Math.max(pto, 10_000);
        long rtoLeft = tp.retransmitTimer.isArmed() ? tp.retransmitTimer.expiresNanos() / 1000 - tp.nowUs() : tp.rtt.rtoUs();
        if (pto > rtoLeft) return;
        tp.icskPending = TcpSock.ICSK_TIME_LOSS_PROBE;
        tp.retransmitTimer.arm(tp.nowNs() + pto * 1000);
    }

    /** tcp_send_loss_probe(): new data if the window allows, else the last segment again. */
    static void tcpSendLossProbe(TcpSock tp) {
        tp.mib.lossProbes++;
        if (!tp.writeQueue.isEmpty() && tcpSndWndTest(tp, tp.writeQueue.peek(), tcpCurrentMss(tp))) {
            long before = tp.packetsOut();
            tcpWriteXmit(tp, tcpCurrentMss(tp), TcpSock.TCP_NAGLE_OFF, 2);
            if (tp.packetsOut() > before) {
                TcpTimers.tcpRearmRto(tp);
                return;
            }
        }
        SackScoreboard.Seg last = tp.sb.last();
        if (last != null && !last.isSacked()) {
            int mss = tcpCurrentMss(tp);
            if (last.pcount() > 1 && last.len() > mss) {
                int headLen = (last.pcount() - 1) * last.mss();
                if (headLen > 0 && headLen < last.len()) last = tp.sb.tcpFragment(last, headLen);
            }
            tp.tlpHighSeq = tp.sndNxt;
            tcpRetransmitSkb(tp, last);
        }
        TcpTimers.tcpRearmRto(tp);
    }

    /** tcp_check_probe_timer(): arm the zero-window probe when data waits and nothing is in flight. */
    static void tcpCheckProbeTimer(TcpSock tp) {
        if (tp.packetsOut() == 0 && !tp.retransmitTimer.isArmed()) {
            tp.icskPending = TcpSock.ICSK_TIME_PROBE0;
            tp.retransmitTimer.arm(tp.nowNs() + tcpProbe0When(tp) * 1000);
        }
    }

    /** tcp_probe0_when(): RTO backed off by the probes sent, at most TCP_RTO_MAX. */
    static long tcpProbe0When(TcpSock tp) {
        long base = Math.max(tp.rtt.rtoUs(), RttEstimator.TCP_RTO_MIN_US);
        long when = base << Math.min(tp.probesOut, 20);
        return Math.min(when, RttEstimator.TCP_RTO_MAX_US);
    }

    /**
     * tcp_write_wakeup() / tcp_xmit_probe_skb(): a window probe: a segment of new data if any of it
     * fits, else a zero-length segment at snd_una - 1 that makes the receiver answer with its window.
     */
    static void tcpWriteWakeup(TcpSock tp) {
        SkBuff skb = tp.writeQueue.peek();
        if (skb != null && TcpSeq.before(cbSeq(skb), tp.tcpWndEnd())) {
            int mss = tcpCurrentMss(tp);
            int seg = Math.min(mss, tp.tcpWndEnd() - cbSeq(skb));
            if (skb.len() > seg && seg > 0) tsoFragment(tp, skb, seg);
            if (tcpTransmitSkb(tp, skb, true) == 0) tcpEventNewDataSent(tp, skb, mss);
            return;
        }
        SkBuff probe = controlSkb(tp, tp.sndUna - 1, TcpHeader.ACK);
        tcpTransmitSkb(tp, probe, false);
        tp.mib.windowProbes++;
    }

    /**
     * tcp_update_pacing_rate(): 2 × cwnd × mss / srtt in slow start, 1.2 × in congestion avoidance
     * (bytes per second); shown by ss and used for TSO autosizing and the TSQ budget.
     */
    static void tcpUpdatePacingRate(TcpSock tp) {
        long srtt = tp.rtt.smoothedRttUs();
        long rate = (long) tp.mssCache * 1_000_000L;
        rate *= TcpCc.tcpInSlowStart(tp) && tp.sndCwnd < tp.sndSsthresh / 2 ? PACING_SS_RATIO : PACING_CA_RATIO;
        rate *= Math.max(tp.sndCwnd, tp.packetsOut());
        rate /= 100;
        if (srtt > 0) rate /= srtt;
        tp.pacingRate = Math.min(rate, Long.MAX_VALUE / 2);
    }
}
