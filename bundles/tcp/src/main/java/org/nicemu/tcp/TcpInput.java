package org.nicemu.tcp;

import static org.nicemu.tcp.TcpSock.cbEndSeq;
import static org.nicemu.tcp.TcpSock.cbFlags;
import static org.nicemu.tcp.TcpSock.cbSeq;
import static org.nicemu.tcp.TcpSock.cbSetEndSeq;
import static org.nicemu.tcp.TcpSock.cbSetFlags;
import static org.nicemu.tcp.TcpSock.cbSetSeq;

import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.skb.SkbAllocator;
import org.nicemu.api.sock.Sock;
import org.nicemu.api.sock.SockConst;
import org.nicemu.api.tcp.cc.TcpCc;
import org.nicemu.api.wire.TcpHeader;

/**
 * The TCP receive path of a socket: net/ipv4/tcp_input.c ({@code tcp_rcv_established()} with its
 * header-prediction fast path, {@code tcp_rcv_state_process()}, {@code tcp_rcv_synsent_state_process()},
 * {@code tcp_validate_incoming()}, {@code tcp_ack()}, {@code tcp_fastretrans_alert()} with PRR,
 * {@code tcp_data_queue()} / {@code tcp_data_queue_ofo()}, {@code tcp_fin()}, SACK block upkeep,
 * {@code __tcp_ack_snd_check()}) and net/ipv4/tcp.c's {@code tcp_recvmsg_locked()} /
 * {@code tcp_cleanup_rbuf()} / {@code tcp_rcv_space_adjust()}. The segment being processed has been
 * parsed into {@link TcpProto#seg} by the caller; skb->data is at the TCP header.
 */
final class TcpInput {
    private TcpInput() {
    }

    /** tcp_ack() result flags beyond the scoreboard's (include/net/tcp.h FLAG_*). */
    static final int FLAG_WIN_UPDATE = 0x02, FLAG_DATA = 0x01, FLAG_ACK_PROCESSED = 0x10000;

    // ================================================================ dispatch

    /** tcp_v4_do_rcv() for a socket that is not listening. Consumes the skb. */
    static void tcpV4DoRcv(TcpSock tp, SkBuff skb, TcpProto.Seg seg) {
        int segs = Math.max(1, skb.gsoSegs()); // tcp_segs_in(): a GRO skb counts its segments
        tp.segsIn += segs;
        if (seg.len > 0) tp.dataSegsIn += segs;
        tp.lrcvtimeUs = tp.nowUs();
        if (tp.skState == SockConst.TCP_ESTABLISHED) tcpRcvEstablished(tp, skb, seg);
        else tcpRcvStateProcess(tp, skb, seg);
    }

    // ================================================================ ESTABLISHED

    /**
     * tcp_rcv_established(): header prediction (in-order, ACK only or data, same window, no SACK
     * blocks) counts a fast-path hit; both paths then do the same work: validation, tcp_ack(),
     * tcp_data_queue(), sending what the ACK allows, and the ACK decision.
     */
    static void tcpRcvEstablished(TcpSock tp, SkBuff skb, TcpProto.Seg seg) {
        boolean predicted = (seg.flags & (TcpHeader.SYN | TcpHeader.FIN | TcpHeader.RST | TcpHeader.URG | TcpHeader.ACK)) == TcpHeader.ACK
                && seg.seq == tp.rcvNxt && seg.numSacks == 0 && !TcpSeq.after(seg.ack, tp.sndNxt)
                && ((long) seg.window << tp.sndWscale) == tp.sndWnd
                && !(tp.tstampOk && seg.sawTstamp && seg.tsval - tp.tsRecent < 0); // an older timestamp takes the slow path (PAWS)
        if (predicted) {
            tp.mib.hpHits++;
            if (tp.tstampOk && seg.sawTstamp) tcpStoreTsRecent(tp, seg);
            if (!tcpUlpIncoming(tp, skb, seg)) return;
            int flag = tcpAck(tp, seg);
            if (seg.len == 0) {
                tp.mib.pureAcks += flag > 0 ? 1 : 0;
                tp.host.allocator().free(skb);
                tcpDataSndCheck(tp);
                return;
            }
            tcpDataQueue(tp, skb, seg);
            tcpDataSndCheck(tp);
            tcpAckSndCheck(tp);
            return;
        }
        if (!tcpValidateIncoming(tp, skb, seg)) return;
        if ((seg.flags & TcpHeader.ACK) == 0) {
            tp.mib.dropNoAck++;
            tp.host.allocator().free(skb);
            return;
        }
        if (!tcpUlpIncoming(tp, skb, seg)) return;
        if (tcpAck(tp, seg) < 0) {
            tp.mib.dropNotAcceptable++;
            tp.host.allocator().free(skb);
            TcpOutput.tcpSendAck(tp); // challenge ACK for an ACK of unsent data
            return;
        }
        if (tp.skState == SockConst.TCP_CLOSE) {
            tp.host.allocator().free(skb);
            return;
        }
        tcpDataQueue(tp, skb, seg);
        tcpDataSndCheck(tp);
        tcpAckSndCheck(tp);
    }

    /**
     * mptcp_incoming_options(): an accepted segment's options (the TCP options area of the skb,
     * whose data is still at the TCP header) go to the socket's ULP. Returns false, with the skb
     * freed, when the ULP closed or reset the socket from the hook.
     */
    static boolean tcpUlpIncoming(TcpSock tp, SkBuff skb, TcpProto.Seg seg) {
        if (tp.ulp == null) return true;
        int th = skb.dataOffset();
        tp.ulpIncomingOptions(seg.flags, seg.seq, seg.len, skb.head(), th + TcpHeader.MIN_LEN, seg.doff - TcpHeader.MIN_LEN);
        if (tp.skState == SockConst.TCP_CLOSE) {
            tp.host.allocator().free(skb);
            return false;
        }
        return true;
    }

    /**
     * An accepted RST: its options reach the ULP before the reset (tcp_reset() calls
     * mptcp_incoming_options() so that MP_TCPRST is seen). The skb is left to the caller.
     */
    static void tcpUlpIncomingRst(TcpSock tp, SkBuff skb, TcpProto.Seg seg) {
        if (tp.ulp == null) return;
        int th = skb.dataOffset();
        tp.ulpIncomingOptions(seg.flags, seg.seq, seg.len, skb.head(), th + TcpHeader.MIN_LEN, seg.doff - TcpHeader.MIN_LEN);
    }

    /**
     * tcp_validate_incoming(): the sequence check (tcp_sequence(), a duplicate ACK for what fails it),
     * RST acceptance as RFC 5961 §3 (exactly rcv_nxt resets, elsewhere in the window gets a
     * challenge ACK), SYN in a synchronized state (challenge ACK, RFC 5961 §4), timestamps.
     * Returns false when the skb was consumed.
     */
    static boolean tcpValidateIncoming(TcpSock tp, SkBuff skb, TcpProto.Seg seg) {
        SkbAllocator a = tp.host.allocator();
        if (tp.tstampOk && seg.sawTstamp && tcpPawsDiscard(tp, seg) && (seg.flags & TcpHeader.RST) == 0) {
            tp.mib.dropPaws++; // PAWS (RFC 7323 §5): an old duplicate; a RST is still looked at
            TcpOutput.tcpSendAck(tp);
            a.free(skb);
            return false;
        }
        if (!tcpSequence(tp, seg.seq, seg.endSeq)) {
            tp.mib.dropOutOfWindow++;
            if ((seg.flags & TcpHeader.RST) == 0) {
                if (seg.len > 0 && TcpSeq.before(seg.seq, tp.rcvNxt)) tcpDsackSet(tp, seg.seq, seg.endSeq);
                TcpOutput.tcpSendAck(tp);
            }
            a.free(skb);
            return false;
        }
        if ((seg.flags & TcpHeader.RST) != 0) {
            if (seg.seq == tp.rcvNxt) {
                tcpUlpIncomingRst(tp, skb, seg);
                tcpReset(tp);
            } else {
                tp.mib.dropBadRst++;
                TcpOutput.tcpSendAck(tp); // challenge ACK
            }
            a.free(skb);
            return false;
        }
        if (tp.tstampOk && seg.sawTstamp) tcpStoreTsRecent(tp, seg);
        if ((seg.flags & TcpHeader.SYN) != 0) {
            tp.mib.dropBadSyn++;
            TcpOutput.tcpSendAck(tp);
            a.free(skb);
            return false;
        }
        return true;
    }

    /** tcp_sequence(): some part of the segment is inside the receive window. */
    static boolean tcpSequence(TcpSock tp, int seq, int endSeq) {
        return !TcpSeq.before(endSeq, tp.rcvWup) && !TcpSeq.after(seq, tp.rcvNxt + tp.tcpReceiveWindow());
    }

    /** TCP_PAWS_24DAYS: a ts_recent older than this no longer protects (RFC 7323 §5.5). */
    static final long TCP_PAWS_24DAYS_US = 24L * 24 * 3600 * 1_000_000;

    /** tcp_paws_check(): the timestamp is not older than ts_recent by more than {@code pawsWin}, or ts_recent is unset or stale. */
    static boolean tcpPawsCheck(TcpSock tp, int tsval, int pawsWin) {
        if (tp.tsRecent - tsval <= pawsWin) return true;
        if (tp.tsRecentStampUs == 0) return true;
        return tp.nowUs() - tp.tsRecentStampUs > TCP_PAWS_24DAYS_US;
    }

    /**
     * tcp_paws_discard(): PAWS rejects the segment unless its timestamp is at most TCP_PAWS_WINDOW (1)
     * older than ts_recent, or it is a pure ACK that only looks disordered (tcp_disordered_ack(): no
     * data, seq = rcv_nxt, ack = snd_una).
     */
    static boolean tcpPawsDiscard(TcpSock tp, TcpProto.Seg seg) {
        if (tcpPawsCheck(tp, seg.tsval, 1)) return false;
        boolean disorderedAck = seg.len == 0 && (seg.flags & (TcpHeader.SYN | TcpHeader.FIN | TcpHeader.RST)) == 0
                && seg.seq == tp.rcvNxt && seg.ack == tp.sndUna;
        return !disorderedAck;
    }

    /** tcp_replace_ts_recent(): remember the peer's TSval of in-window segments (RFC 7323 §4.3), never going back. */
    static void tcpStoreTsRecent(TcpSock tp, TcpProto.Seg seg) {
        if (!TcpSeq.after(seg.seq, tp.rcvWup) && tcpPawsCheck(tp, seg.tsval, 0)) {
            tp.tsRecent = seg.tsval;
            tp.tsRecentStampUs = tp.nowUs();
        }
        tp.rcvTsecr = seg.tsecr;
    }

    /** tcp_reset(): an accepted RST: the error the user sees depends on the state. */
    static void tcpReset(TcpSock tp) {
        int err;
        switch (tp.skState) {
            case SockConst.TCP_SYN_SENT: err = SockConst.ECONNREFUSED; break;
            case SockConst.TCP_CLOSE_WAIT: err = SockConst.EPIPE; break;
            case SockConst.TCP_CLOSE: return;
            default: err = SockConst.ECONNRESET;
        }
        if (tp.skState == SockConst.TCP_ESTABLISHED || tp.skState == SockConst.TCP_CLOSE_WAIT) tp.mib.estabResets++;
        tp.skErr = err;
        tp.skShutdown = SockConst.SHUTDOWN_MASK;
        tp.callbacks.errorReport(tp);
        tp.proto.tcpDone(tp);
    }

    // ================================================================ ACK processing

    /**
     * Mirrors tcp_ack(): old ACKs (below snd_una) only feed SACK information; ACKs of unsent data
     * are invalid (-1); otherwise the window is updated, the scoreboard tagged and cleaned, acked
     * skbs freed, RTT sampled (RFC 6298 with Karn's rule, SACK and timestamp samples), the RTO
     * rearmed, congestion control told, loss recovery run (tcp_fastretrans_alert) and cwnd grown
     * (tcp_cong_avoid) when allowed. Returns the FLAG_* bits with {@link #FLAG_ACK_PROCESSED}.
     */
    static int tcpAck(TcpSock tp, TcpProto.Seg seg) {
        int ack = seg.ack;
        int priorSndUna = tp.sndUna;
        int n = tp.sackOk ? seg.numSacks : 0;
        if (TcpSeq.before(ack, priorSndUna)) {
            if (n > 0) {
                tp.sb.setHighSeq(tp.highSeq);
                int f = tp.sb.tcpSacktagWriteQueue(ack, seg.sackStart, seg.sackEnd, n);
                if ((f & SackScoreboard.FLAG_DATA_SACKED) != 0) tcpFastretransAlert(tp, tp.sb.sackDelivered(), f, false);
            }
            tp.mib.dropOldAck++;
            return 0;
        }
        if (TcpSeq.after(ack, tp.sndNxt)) return -1;
        int flag = 0;
        if (TcpSeq.after(ack, priorSndUna)) {
            flag |= SackScoreboard.FLAG_SND_UNA_ADVANCED;
            tp.retransmits = 0;
        }
        flag |= tcpAckUpdateWindow(tp, seg);
        if (seg.len > 0) flag |= FLAG_DATA;
        if (tp.tstampOk && seg.sawTstamp) tp.rcvTsecr = seg.tsecr;
        tp.sb.setHighSeq(tp.highSeq);
        tp.sb.setMaxWindow((int) Math.min(tp.maxWindow, Integer.MAX_VALUE));
        flag |= tp.sb.tcpAck(ack, seg.sackStart, seg.sackEnd, n);
        if (n > 0 && tp.sb.reorderingSeen()) tcpCheckSackReordering(tp, tp.sb.reordSeq());
        if (tp.undoActive && (flag & SackScoreboard.FLAG_DSACKING_ACK) != 0) {
            int dup = tp.sb.dsackRetransSegs();
            // D-SACK of data already forgotten (below the previous snd_una): tcp_check_dsack()'s "dumb counting"
            if (!TcpSeq.after(seg.sackEnd[0], priorSndUna) && TcpSeq.after(seg.sackEnd[0], tp.undoMarker)) dup += tp.sb.dsackSegs();
            tp.undoRetrans = Math.max(0, tp.undoRetrans - dup);
        }
        int acked = tp.sb.pktsAcked();
        int sacked = tp.sb.sackDelivered();
        long now = tp.nowUs();
        if (TcpSeq.after(ack, priorSndUna)) {
            tcpCleanRtxSkbs(tp, ack);
            tp.bytesAcked += TcpSeq.distance(priorSndUna, ack);
            tp.sndUna = ack;
        }
        tp.delivered += acked + sacked;
        // RTT: tcp_ack_update_rtt()
        long seqRtt = -1, sackRtt = -1, tsRtt = -1;
        if ((flag & SackScoreboard.FLAG_RETRANS_DATA_ACKED) == 0 && tp.sb.firstAcktUs() >= 0) seqRtt = now - tp.sb.firstAcktUs();
        if (tp.sb.firstSacktUs() >= 0) sackRtt = now - tp.sb.firstSacktUs();
        if (tp.tstampOk && seg.sawTstamp && seg.tsecr != 0 && (flag & SackScoreboard.FLAG_DATA_ACKED) != 0) {
            int delta = tp.tcpTimeStamp() - seg.tsecr;
            if (delta >= 0) tsRtt = Math.max(1, delta) * 1000L;
        }
        long caRtt = seqRtt >= 0 ? now - (tp.sb.lastAcktUs() >= 0 ? tp.sb.lastAcktUs() : tp.sb.firstAcktUs()) : sackRtt;
        long sample = seqRtt >= 0 ? seqRtt : sackRtt;
        if (sample >= 0 && sample < tp.minRttUs) tp.minRttUs = Math.max(1, sample);
        if ((flag & (SackScoreboard.FLAG_DATA_ACKED | SackScoreboard.FLAG_DATA_SACKED)) != 0) {
            if (tp.rtt.tcpAckUpdateRtt(seqRtt, sackRtt, tsRtt, tp.sndUna, tp.sndNxt)) tp.rtt.resetBackoff();
        }
        if ((flag & SackScoreboard.FLAG_SND_UNA_ADVANCED) != 0) {
            tp.rtt.resetBackoff();
            tp.probesOut = 0;
            TcpTimers.tcpRearmRto(tp);
        }
        if (tp.ca != null && acked > 0) tp.ca.pktsAcked(tp, acked, caRtt);
        if (tp.tlpHighSeq != 0 && !TcpSeq.before(ack, tp.tlpHighSeq)) tp.tlpHighSeq = 0;
        boolean isDupack = (flag & (SackScoreboard.FLAG_SND_UNA_ADVANCED | FLAG_WIN_UPDATE | FLAG_DATA)) == 0;
        boolean dubious = isDupack || (flag & (SackScoreboard.FLAG_DATA_SACKED | SackScoreboard.FLAG_DSACKING_ACK)) != 0
                || tp.caState != TcpCc.TCP_CA_OPEN;
        int newlyAckedSacked = acked + sacked;
        if (dubious) tcpFastretransAlert(tp, newlyAckedSacked, flag, isDupack);
        if (!tp.inCwndReduction() && (flag & SackScoreboard.FLAG_DATA_ACKED) != 0 && tp.ca != null && tp.isCwndLimited()) {
            tp.ca.congAvoid(tp, ack, newlyAckedSacked); // tcp_cong_avoid()
        }
        if (tp.sb.packetsOut() == 0) tp.maxPacketsOut = 0;
        TcpOutput.tcpUpdatePacingRate(tp);
        tcpSndbufExpand(tp);
        if (tp.caState == TcpCc.TCP_CA_RECOVERY || tp.caState == TcpCc.TCP_CA_LOSS) TcpOutput.tcpXmitRetransmitQueue(tp);
        return flag | FLAG_ACK_PROCESSED;
    }

    /** TCP_MAX_REORDERING: sysctl_tcp_max_reordering. */
    static final int TCP_MAX_REORDERING = 300;

    /**
     * tcp_check_sack_reordering(): a segment SACKed below the highest SACK without having been
     * retransmitted shows reordering of at least that distance; tp->reordering (DupThresh) grows to
     * it, up to net.ipv4.tcp_max_reordering (300), so that later reordering of that degree is not
     * taken for loss.
     */
    static void tcpCheckSackReordering(TcpSock tp, int lowSeq) {
        int fack = tp.sb.highestSackSeq();
        if (!TcpSeq.before(lowSeq, fack)) return;
        long metric = TcpSeq.distance(lowSeq, fack);
        int mss = tp.mssCache;
        if (metric > (long) tp.reordering * mss) {
            tp.reordering = (int) Math.min((metric + mss - 1) / mss, TCP_MAX_REORDERING);
            tp.sb.setDupThresh(tp.reordering);
        }
        tp.mib.sackReorder++;
    }

    /** Frees the rtx-queue skbs the cumulative ACK covers and trims a partly covered head (tcp_trim_head()). */
    static void tcpCleanRtxSkbs(TcpSock tp, int ack) {
        SkbAllocator a = tp.host.allocator();
        SkBuff skb;
        while ((skb = tp.rtxQueue.peek()) != null) {
            int end = cbEndSeq(skb);
            if (!TcpSeq.after(end, ack)) {
                tp.rtxQueue.removeHead();
                tp.skWmemQueued -= skb.len();
                a.free(skb);
                continue;
            }
            int seq = cbSeq(skb);
            if (TcpSeq.after(ack, seq)) {
                int syn = (cbFlags(skb) & TcpHeader.SYN) != 0 ? 1 : 0;
                int trim = ack - seq - syn;
                if (trim > 0 && trim <= skb.len()) {
                    a.skbUnclone(skb); // tcp_trim_head(): skb_unclone() first
                    skb.pskbTrimHead(trim);
                    tp.skWmemQueued -= trim;
                }
                cbSetSeq(skb, ack);
                cbSetFlags(skb, cbFlags(skb) & ~TcpHeader.SYN);
            }
            break;
        }
        if (tp.skWmemQueued < 0) tp.skWmemQueued = 0;
    }

    /** tcp_ack_update_window() with tcp_may_update_window() (RFC 9293 SND.WL1/WL2 rule). */
    static int tcpAckUpdateWindow(TcpSock tp, TcpProto.Seg seg) {
        long nwin = (long) seg.window << ((seg.flags & TcpHeader.SYN) != 0 ? 0 : tp.sndWscale);
        int flag = 0;
        if (TcpSeq.after(seg.ack, tp.sndUna) || TcpSeq.after(seg.seq, tp.sndWl1)
                || (seg.seq == tp.sndWl1 && nwin > tp.sndWnd)) {
            tp.sndWl1 = seg.seq;
            if (tp.sndWnd != nwin) {
                flag |= FLAG_WIN_UPDATE;
                tp.sndWnd = nwin;
                if (nwin > tp.maxWindow) {
                    tp.maxWindow = nwin;
                    TcpOutput.tcpSyncMss(tp, tp.pmtu);
                }
            }
        }
        return flag;
    }

    /**
     * tcp_fastretrans_alert() with RFC 6675 loss marking: Recovery ends when snd_una passes
     * high_seq (cwnd = ssthresh, tcp_end_cwnd_reduction()); Loss ends likewise; from Open/Disorder/CWR
     * a lost segment starts fast recovery (tcp_enter_recovery()); SACKed data alone gives Disorder.
     * In Recovery and CWR cwnd follows PRR (RFC 6937, tcp_cwnd_reduction()).
     */
    static void tcpFastretransAlert(TcpSock tp, int newlyAckedSacked, int flag, boolean isDupack) {
        int newlyLost = tp.sackOk ? tp.sb.markLostRfc6675() : 0;
        if (tp.packetsOut() == 0 && tp.caState != TcpCc.TCP_CA_OPEN && tp.caState != TcpCc.TCP_CA_LOSS) {
            tcpEndCwndReduction(tp);
            return;
        }
        switch (tp.caState) {
            case TcpCc.TCP_CA_RECOVERY:
                if (tp.undoActive && tp.undoRetrans == 0 && tp.sb.lostOut() == 0) { // tcp_try_undo_dsack()
                    tp.mib.dsackUndo++;
                    tcpUndoCwndReduction(tp);
                    tp.tcpSetCaState(TcpCc.TCP_CA_OPEN);
                    return;
                }
                if (!TcpSeq.before(tp.sndUna, tp.highSeq)) {
                    if (tcpMayUndo(tp)) { // tcp_try_undo_recovery()
                        tp.mib.fullUndo++;
                        tcpUndoCwndReduction(tp);
                        tp.tcpSetCaState(TcpCc.TCP_CA_OPEN);
                        return;
                    }
                    tcpEndCwndReduction(tp);
                    if (tp.sb.lostOut() > 0) tcpEnterRecovery(tp);
                    return;
                }
                tcpCwndReduction(tp, newlyAckedSacked, newlyLost, flag);
                return;
            case TcpCc.TCP_CA_LOSS:
                if ((flag & SackScoreboard.FLAG_SND_UNA_ADVANCED) != 0 && tcpMayUndo(tp)) { // tcp_try_undo_loss()
                    tp.mib.lossUndo++;
                    tcpUndoCwndReduction(tp);
                    tp.tcpSetCaState(TcpCc.TCP_CA_OPEN);
                    return;
                }
                if (!TcpSeq.before(tp.sndUna, tp.highSeq)) {
                    tp.tcpSetCaState(TcpCc.TCP_CA_OPEN);
                    tp.retransStampUs = 0;
                }
                return;
            case TcpCc.TCP_CA_CWR:
                if (!TcpSeq.before(tp.sndUna, tp.highSeq) && tp.sb.lostOut() == 0) {
                    tcpEndCwndReduction(tp);
                    return;
                }
                if (tp.sb.lostOut() == 0) {
                    tcpCwndReduction(tp, newlyAckedSacked, newlyLost, flag);
                    return;
                }
                // fall through: losses turn CWR into Recovery
            default:
                if (tp.sb.lostOut() > 0) {
                    tcpEnterRecovery(tp);
                    tcpCwndReduction(tp, newlyAckedSacked, newlyLost, flag);
                } else if (tp.sb.sackedOut() > 0) {
                    if (tp.caState != TcpCc.TCP_CA_DISORDER) tp.tcpSetCaState(TcpCc.TCP_CA_DISORDER);
                } else if (tp.caState != TcpCc.TCP_CA_OPEN) {
                    tp.tcpSetCaState(TcpCc.TCP_CA_OPEN);
                }
        }
    }

    /** tcp_enter_recovery() with tcp_init_cwnd_reduction(). */
    /** tcp_init_undo(): remember where this reduction started, to undo it if it proves spurious. */
    static void tcpInitUndo(TcpSock tp) {
        tp.undoActive = true;
        tp.undoMarker = tp.sndUna;
        tp.undoRetrans = tp.sb.retransOut();
        tp.retransStamped = false;
    }

    /**
     * tcp_may_undo(): every retransmission of this episode was D-SACKed as a duplicate, or the
     * timestamps show the original was received (tcp_packet_delayed(): the ACK echoes a TSval older
     * than the first retransmission).
     */
    static boolean tcpMayUndo(TcpSock tp) {
        if (!tp.undoActive) return false;
        if (tp.undoRetrans == 0) return true;
        return tp.tstampOk && tp.retransStamped && tp.rcvTsecr != 0 && tp.rcvTsecr - tp.retransStampTs < 0;
    }

    /** tcp_undo_cwnd_reduction(): the reduction was spurious: restore cwnd (ca->undo_cwnd) and ssthresh. */
    static void tcpUndoCwndReduction(TcpSock tp) {
        if (tp.ca != null) tp.sndCwnd = Math.max(tp.sndCwnd, tp.ca.undoCwnd(tp));
        if (tp.priorSsthresh > tp.sndSsthresh) tp.sndSsthresh = tp.priorSsthresh;
        tp.undoActive = false;
    }

    static void tcpEnterRecovery(TcpSock tp) {
        tp.mib.sackRecovery++;
        tcpInitUndo(tp);
        tp.mib.fastRetrans++;
        tp.priorSsthresh = tp.sndSsthresh;
        tp.priorCwnd = tp.sndCwnd;
        tp.prrDelivered = 0;
        tp.prrOut = 0;
        tp.highSeq = tp.sndNxt;
        tp.sndSsthresh = tp.ca != null ? tp.ca.ssthresh(tp) : Math.max(tp.sndCwnd >> 1, 2);
        tp.tcpSetCaState(TcpCc.TCP_CA_RECOVERY);
    }

    /** tcp_enter_cwr(): a local congestion signal (the qdisc dropped our packet). */
    static void tcpEnterCwr(TcpSock tp) {
        if (tp.caState >= TcpCc.TCP_CA_CWR) return;
        tp.priorCwnd = tp.sndCwnd;
        tp.prrDelivered = 0;
        tp.prrOut = 0;
        tp.highSeq = tp.sndNxt;
        tp.sndSsthresh = tp.ca != null ? tp.ca.ssthresh(tp) : Math.max(tp.sndCwnd >> 1, 2);
        tp.tcpSetCaState(TcpCc.TCP_CA_CWR);
    }

    /** tcp_end_cwnd_reduction(): cwnd = ssthresh after Recovery/CWR, back to Open. */
    static void tcpEndCwndReduction(TcpSock tp) {
        if (tp.inCwndReduction() && tp.sndSsthresh < TcpCc.TCP_INFINITE_SSTHRESH) tp.sndCwnd = Math.max(tp.sndSsthresh, 2);
        if (tp.ca != null) tp.ca.cwndEvent(tp, TcpCc.CA_EVENT_COMPLETE_CWR);
        tp.tcpSetCaState(TcpCc.TCP_CA_OPEN);
        tp.retransStampUs = 0;
    }

    /**
     * tcp_cwnd_reduction(): Proportional Rate Reduction (RFC 6937): while inflight is above ssthresh,
     * send ssthresh/prior_cwnd of what was delivered; below it, slow-start back up (PRR-SSRB), and
     * always at least one segment on entering recovery (fast retransmit).
     */
    static void tcpCwndReduction(TcpSock tp, int newlyAckedSacked, int newlyLost, int flag) {
        if (newlyAckedSacked <= 0 || tp.priorCwnd == 0) return;
        tp.prrDelivered += newlyAckedSacked;
        long inFlight = tp.tcpPacketsInFlight();
        long delta = tp.sndSsthresh - inFlight;
        long sndcnt;
        if (delta < 0) {
            long dividend = tp.sndSsthresh * tp.prrDelivered + tp.priorCwnd - 1;
            sndcnt = dividend / tp.priorCwnd - tp.prrOut;
        } else {
            sndcnt = Math.max(tp.prrDelivered - tp.prrOut, newlyAckedSacked);
            if ((flag & SackScoreboard.FLAG_SND_UNA_ADVANCED) != 0 && newlyLost == 0) sndcnt++;
            sndcnt = Math.min(delta, sndcnt);
        }
        sndcnt = Math.max(sndcnt, tp.prrOut > 0 ? 0 : 1);
        tp.sndCwnd = Math.max(1, inFlight + sndcnt);
    }

    /**
     * tcp_enter_loss(): after an RTO, a new ssthresh (unless already in Loss with retransmissions),
     * cwnd 1, every outstanding segment marked lost, state Loss until high_seq is acknowledged.
     */
    static void tcpEnterLoss(TcpSock tp) {
        boolean newRecovery = tp.caState < TcpCc.TCP_CA_RECOVERY;
        // a timeout in Disorder after many SACKs: the reordering degree was over-estimated
        if (tp.caState <= TcpCc.TCP_CA_DISORDER && tp.sb.sackedOut() >= 3 && tp.reordering > 3) {
            tp.reordering = 3;
            tp.sb.setDupThresh(3);
        }
        if (tp.caState <= TcpCc.TCP_CA_DISORDER || !TcpSeq.after(tp.highSeq, tp.sndUna)
                || (tp.caState == TcpCc.TCP_CA_LOSS && tp.retransmits == 0)) {
            tp.priorSsthresh = tp.sndSsthresh;
            tp.sndSsthresh = tp.ca != null ? tp.ca.ssthresh(tp) : Math.max(tp.sndCwnd >> 1, 2);
            if (tp.ca != null) tp.ca.cwndEvent(tp, TcpCc.CA_EVENT_LOSS);
        }
        if (newRecovery) tp.priorCwnd = tp.sndCwnd;
        if (tp.caState < TcpCc.TCP_CA_RECOVERY || !tp.undoActive) tcpInitUndo(tp);
        tp.sb.tcpEnterLoss();
        tp.sndCwnd = tp.tcpPacketsInFlight() + 1L;
        tp.sndCwndCnt = 0;
        tp.highSeq = tp.sndNxt;
        tp.sb.setHighSeq(tp.highSeq);
        tp.tcpSetCaState(TcpCc.TCP_CA_LOSS);
    }

    /** tcp_sndbuf_expand(): grow sk_sndbuf with cwnd unless SO_SNDBUF fixed it. */
    static void tcpSndbufExpand(TcpSock tp) {
        if ((tp.skUserlocks & Sock.SOCK_SNDBUF_LOCK) != 0) return;
        long segs = Math.max(tp.sndCwnd, 10);
        long sndmem = 4L * segs * tp.mssCache;
        int max = tp.host.inet().tcpWmem[2];
        if (sndmem > tp.skSndbuf) tp.skSndbuf = (int) Math.min(sndmem, max);
    }

    /** tcp_data_snd_check(): push what the ACK allows, then wake writers (tcp_check_space()). */
    static void tcpDataSndCheck(TcpSock tp) {
        TcpOutput.tcpPushPendingFrames(tp);
        tcpCheckSpace(tp);
    }

    /** tcp_check_space() / tcp_new_space(): wake a writer when a third of the buffer is free. */
    static void tcpCheckSpace(TcpSock tp) {
        if (tp.skStreamIsWriteable()) tp.callbacks.writeSpace(tp);
    }

    // ================================================================ data

    /**
     * tcp_data_queue(): in-order data goes to the receive queue (and pulls what the out-of-order queue
     * now continues), duplicates are reported with D-SACK and an immediate ACK, data beyond the
     * window is dropped, the rest goes to the out-of-order queue. Consumes the skb.
     */
    static void tcpDataQueue(TcpSock tp, SkBuff skb, TcpProto.Seg seg) {
        SkbAllocator a = tp.host.allocator();
        int len = seg.len;
        boolean fin = (seg.flags & TcpHeader.FIN) != 0;
        if (len == 0 && !fin) {
            a.free(skb);
            return;
        }
        skb.pull(seg.doff);
        int seq = seg.seq;
        int end = seq + len;
        if (seq == tp.rcvNxt || (TcpSeq.before(seq, tp.rcvNxt) && TcpSeq.after(end + (fin ? 1 : 0), tp.rcvNxt))) {
            if (TcpSeq.before(seq, tp.rcvNxt)) { // partial duplicate: D-SACK the old part, keep the rest
                int old = tp.rcvNxt - seq;
                tcpDsackSet(tp, seq, tp.rcvNxt);
                if (old > len) old = len;
                skb.pullData(old); // past the linear part for a GRO skb
                seq += old;
                len -= old;
            }
            if (len > 0 && tp.tcpReceiveWindow() == 0) {
                tp.mib.dropOutOfWindow++;
                tp.ackNow = true;
                tcpEnterQuickack(tp);
                a.free(skb);
                tcpAckSndCheck(tp);
                return;
            }
            if (len > 0 && tp.rmemAlloc + len > tp.skRcvbuf + (tp.skRcvbuf >> 1) && !tp.receiveQueue.isEmpty()) {
                tp.mib.pruneCalled++; // tcp_try_rmem_schedule() failed: the sender will retransmit
                a.free(skb);
                tp.ackNow = true;
                return;
            }
            tcpRcvRttMeasureTs(tp, seg);
            tcpQueueRcv(tp, skb, seq, len);
            tcpEventDataRecv(tp, len);
            if (fin) tcpFin(tp);
            if (!tp.ofoQueue.isEmpty()) {
                tcpOfoQueue(tp);
                if (tp.ofoQueue.isEmpty()) tp.ackNow = true; // RFC 5681 4.2: the hole is filled
            }
            if (tp.numSacks > 0) tcpSackRemove(tp);
            if (len > 0 || fin) tp.callbacks.dataReady(tp);
            return;
        }
        if (!TcpSeq.after(end, tp.rcvNxt)) { // all old: a retransmission we already have
            tcpDsackSet(tp, seq, end);
            tp.ackNow = true;
            tcpEnterQuickack(tp);
            a.free(skb);
            return;
        }
        if (!TcpSeq.before(seq, tp.rcvNxt + tp.tcpReceiveWindow())) {
            tp.mib.dropOutOfWindow++;
            tp.ackNow = true;
            a.free(skb);
            return;
        }
        tcpDataQueueOfo(tp, skb, seq, end, fin);
    }

    /** tcp_queue_rcv(): append in-order payload (an empty FIN skb is just freed). */
    static void tcpQueueRcv(TcpSock tp, SkBuff skb, int seq, int len) {
        if (len == 0) {
            tp.host.allocator().free(skb);
            return;
        }
        if (skb.len() > len) skb.trim(len);
        cbSetSeq(skb, seq);
        cbSetEndSeq(skb, seq + len);
        tp.receiveQueue.addTail(skb);
        tp.rmemAlloc += len;
        tp.rcvNxt = seq + len;
        tp.bytesReceived += len;
    }

    /** tcp_ofo_queue(): move what became in order from the out-of-order queue. */
    static void tcpOfoQueue(TcpSock tp) {
        SkbAllocator a = tp.host.allocator();
        SkBuff skb;
        while ((skb = tp.ofoQueue.peek()) != null) {
            int seq = cbSeq(skb), end = cbEndSeq(skb);
            if (TcpSeq.after(seq, tp.rcvNxt)) break;
            tp.ofoQueue.removeHead();
            tp.rmemAlloc -= skb.len();
            boolean fin = (cbFlags(skb) & TcpHeader.FIN) != 0;
            if (!TcpSeq.after(end, tp.rcvNxt)) {
                tcpDsackSet(tp, seq, end);
                a.free(skb);
                if (fin && end == tp.rcvNxt) tcpFin(tp);
                continue;
            }
            int old = tp.rcvNxt - seq;
            if (old > 0) skb.pullData(old);
            tcpQueueRcv(tp, skb, tp.rcvNxt, end - tp.rcvNxt);
            if (fin) tcpFin(tp);
        }
    }

    /**
     * tcp_data_queue_ofo(): inserts in sequence order, dropping what is already there (D-SACK) and
     * trimming overlaps, updates the SACK blocks (tcp_sack_new_ofo_skb()) and asks for an immediate
     * ACK. Out-of-order data beyond the receive buffer is dropped (tcp_prune_ofo_queue() in effect).
     */
    static void tcpDataQueueOfo(TcpSock tp, SkBuff skb, int seq, int end, boolean fin) {
        SkbAllocator a = tp.host.allocator();
        tp.mib.ofoQueue++;
        tp.ackNow = true;
        int len = end - seq;
        if (tp.rmemAlloc + len > tp.skRcvbuf + (tp.skRcvbuf >> 1)) {
            tp.mib.ofoDrop++;
            a.free(skb);
            return;
        }
        SkBuff p = tp.ofoQueue.peekTail();
        while (p != null && TcpSeq.after(cbSeq(p), seq)) p = p.prev;
        if (p != null) {
            int pEnd = cbEndSeq(p);
            if (!TcpSeq.after(end, pEnd)) { // wholly covered
                tcpDsackSet(tp, seq, end);
                a.free(skb);
                tcpSackNewOfoSkb(tp, cbSeq(p), pEnd);
                return;
            }
            if (TcpSeq.before(seq, pEnd)) {
                tcpDsackSet(tp, seq, pEnd);
                skb.pullData(pEnd - seq);
                len -= pEnd - seq;
                seq = pEnd;
            }
        }
        if (skb.len() > len) skb.trim(len);
        cbSetSeq(skb, seq);
        cbSetEndSeq(skb, end);
        cbSetFlags(skb, fin ? TcpHeader.FIN : 0);
        if (p == null) tp.ofoQueue.addHead(skb);
        else tp.ofoQueue.insertAfter(p, skb);
        tp.rmemAlloc += len;
        SkBuff nx = skb.next;
        while (nx != null && !TcpSeq.after(cbEndSeq(nx), end)) { // later skbs we now cover
            SkBuff after = nx.next;
            tcpDsackSet(tp, cbSeq(nx), cbEndSeq(nx));
            tp.ofoQueue.unlink(nx);
            tp.rmemAlloc -= nx.len();
            a.free(nx);
            nx = after;
        }
        if (nx != null && TcpSeq.before(cbSeq(nx), end)) { // overlap with the next: keep ours short
            int cut = cbSeq(nx) - seq;
            tp.rmemAlloc -= skb.len() - cut;
            skb.trim(cut);
            cbSetEndSeq(skb, cbSeq(nx));
            cbSetFlags(skb, 0);
            end = cbSeq(nx);
        }
        tcpSackNewOfoSkb(tp, seq, end);
    }

    /** tcp_fin(): the peer's FIN is in order. */
    static void tcpFin(TcpSock tp) {
        tp.rcvNxt++;
        tp.finRcvd = true;
        tp.skShutdown |= SockConst.RCV_SHUTDOWN;
        switch (tp.skState) {
            case SockConst.TCP_SYN_RECV:
            case SockConst.TCP_ESTABLISHED:
                tp.skState = SockConst.TCP_CLOSE_WAIT;
                break;
            case SockConst.TCP_FIN_WAIT1:
                tp.skState = SockConst.TCP_CLOSING; // simultaneous close
                break;
            case SockConst.TCP_FIN_WAIT2:
                tp.proto.tcpTimeWait(tp);
                break;
            default:
                break;
        }
        tcpPurgeOfo(tp);
        tp.ackNow = true;
        tp.callbacks.stateChange(tp);
        tp.callbacks.dataReady(tp);
    }

    static void tcpPurgeOfo(TcpSock tp) {
        SkBuff s;
        while ((s = tp.ofoQueue.removeHead()) != null) {
            tp.rmemAlloc -= s.len();
            tp.host.allocator().free(s);
        }
        tp.numSacks = 0;
    }

    /** tcp_event_data_recv(): receive MSS estimate (tcp_measure_rcv_mss()) and quick-ACK start. */
    static void tcpEventDataRecv(TcpSock tp, int len) {
        if (len >= tp.rcvMss) tp.rcvMss = Math.min(len, tp.advmss);
        tcpGrowWindow(tp, len);
        if (tp.bytesReceived == len) tcpIncrQuickack(tp); // first data: quick ACKs during slow start
        tp.ackPending |= TcpSock.ICSK_ACK_SCHED;
    }

    /**
     * tcp_grow_window(): while below the window clamp and the free buffer space, rcv_ssthresh (the
     * cap on the advertised window) grows by max(2 rcv_mss, 2 len) per data segment.
     */
    static void tcpGrowWindow(TcpSock tp, int len) {
        if (tp.rcvSsthresh >= tp.windowClamp) return;
        int space = WindowMath.tcpSpace(tp.skRcvbuf, tp.skBacklogLen, tp.rmemAlloc, WindowMath.TCP_DEFAULT_SCALING_RATIO);
        if (tp.rcvSsthresh >= space) return;
        int incr = Math.max(2 * tp.rcvMss, 2 * len);
        tp.rcvSsthresh += Math.min(tp.windowClamp - tp.rcvSsthresh, incr);
    }

    /** tcp_incr_quickack(): up to rcv_wnd / (2 rcv_mss) quick ACKs, at most TCP_MAX_QUICKACKS. */
    static void tcpIncrQuickack(TcpSock tp) {
        int quickacks = tp.rcvWnd / (2 * Math.max(1, tp.rcvMss));
        if (quickacks == 0) quickacks = 2;
        tp.ackQuick = Math.min(Math.max(tp.ackQuick, quickacks), TcpSock.TCP_MAX_QUICKACKS);
    }

    /** tcp_enter_quickack_mode(). */
    static void tcpEnterQuickack(TcpSock tp) {
        tcpIncrQuickack(tp);
        tp.ackPingpong = false;
        tp.atoUs = TcpSock.TCP_ATO_MIN_US;
    }

    /**
     * __tcp_ack_snd_check(): ACK at once when more than one full segment is unacknowledged and the
     * window would not shrink, in quick-ACK mode, with out-of-order data or when asked (ICSK_ACK_NOW);
     * otherwise delay it (tcp_send_delayed_ack()).
     */
    static void tcpAckSndCheck(TcpSock tp) {
        if (tp.skState == SockConst.TCP_CLOSE) return;
        if ((tp.ackPending & TcpSock.ICSK_ACK_SCHED) == 0 && !tp.ackNow) return;
        boolean now = tp.ackNow
                || ((tp.rcvNxt - tp.rcvWup) > tp.rcvMss && TcpOutput.tcpSelectWindowRaw(tp) >= tp.rcvWnd)
                || (tp.ackQuick > 0 && !tp.ackPingpong)
                || !tp.ofoQueue.isEmpty();
        tp.ackNow = false;
        if (now) {
            if (tp.ackQuick > 0) tp.mib.quickAcks++;
            TcpOutput.tcpSendAck(tp);
        } else {
            TcpOutput.tcpSendDelayedAck(tp);
        }
    }

    // ================================================================ SACK blocks we send (RFC 2018)

    /** tcp_dsack_set(): report [seq, end) as a duplicate in the next ACK (RFC 2883). */
    static void tcpDsackSet(TcpSock tp, int seq, int end) {
        if (!tp.sackOk) return;
        tp.dsack = true;
        tp.dsackStart = seq;
        tp.dsackEnd = end;
        tp.mib.dsackSent++;
    }

    /**
     * tcp_sack_new_ofo_skb(): the block that grew or the new one goes first (RFC 2018: the most
     * recent first), overlapping blocks merge (tcp_sack_maybe_coalesce()), at most 4 are kept.
     */
    static void tcpSackNewOfoSkb(TcpSock tp, int seq, int end) {
        if (!tp.sackOk) return;
        int n = tp.numSacks;
        for (int i = 0; i < n; i++) {
            if (!TcpSeq.after(seq, tp.sackEnd[i]) && !TcpSeq.after(tp.sackStart[i], end)) { // tcp_sack_extend()
                int s = TcpSeq.before(seq, tp.sackStart[i]) ? seq : tp.sackStart[i];
                int e = TcpSeq.after(end, tp.sackEnd[i]) ? end : tp.sackEnd[i];
                for (int j = i; j > 0; j--) {
                    tp.sackStart[j] = tp.sackStart[j - 1];
                    tp.sackEnd[j] = tp.sackEnd[j - 1];
                }
                tp.sackStart[0] = s;
                tp.sackEnd[0] = e;
                tcpSackMaybeCoalesce(tp);
                return;
            }
        }
        if (n >= 4) n = 3;
        for (int j = n; j > 0; j--) {
            tp.sackStart[j] = tp.sackStart[j - 1];
            tp.sackEnd[j] = tp.sackEnd[j - 1];
        }
        tp.sackStart[0] = seq;
        tp.sackEnd[0] = end;
        tp.numSacks = n + 1;
    }

    private static void tcpSackMaybeCoalesce(TcpSock tp) {
        int i = 1;
        while (i < tp.numSacks) {
            if (!TcpSeq.after(tp.sackStart[i], tp.sackEnd[0]) && !TcpSeq.after(tp.sackStart[0], tp.sackEnd[i])) {
                if (TcpSeq.before(tp.sackStart[i], tp.sackStart[0])) tp.sackStart[0] = tp.sackStart[i];
                if (TcpSeq.after(tp.sackEnd[i], tp.sackEnd[0])) tp.sackEnd[0] = tp.sackEnd[i];
                for (int j = i; j < tp.numSacks - 1; j++) {
                    tp.sackStart[j] = tp.sackStart[j + 1];
                    tp.sackEnd[j] = tp.sackEnd[j + 1];
                }
                tp.numSacks--;
            } else {
                i++;
            }
        }
    }

    /** tcp_sack_remove(): blocks rcv_nxt has reached are dropped. */
    static void tcpSackRemove(TcpSock tp) {
        if (tp.ofoQueue.isEmpty()) {
            tp.numSacks = 0;
            return;
        }
        int k = 0;
        for (int i = 0; i < tp.numSacks; i++) {
            if (!TcpSeq.before(tp.rcvNxt, tp.sackStart[i])) continue;
            tp.sackStart[k] = tp.sackStart[i];
            tp.sackEnd[k++] = tp.sackEnd[i];
        }
        tp.numSacks = k;
    }

    // ================================================================ other states

    /**
     * tcp_rcv_state_process() for every state but ESTABLISHED and LISTEN: SYN-SENT has its own
     * function; the others validate, process the ACK (completing a passive open, moving FIN-WAIT-1 to
     * FIN-WAIT-2, CLOSING to TIME-WAIT, LAST-ACK to CLOSED) and then data as in ESTABLISHED.
     */
    static void tcpRcvStateProcess(TcpSock tp, SkBuff skb, TcpProto.Seg seg) {
        SkbAllocator a = tp.host.allocator();
        switch (tp.skState) {
            case SockConst.TCP_CLOSE:
                a.free(skb);
                return;
            case SockConst.TCP_SYN_SENT:
                tcpRcvSynsentStateProcess(tp, skb, seg);
                return;
            case SockConst.TCP_TIME_WAIT:
                tcpTimewaitStateProcess(tp, skb, seg);
                return;
            default:
                break;
        }
        if (tp.skState == SockConst.TCP_SYN_RECV && (seg.flags & TcpHeader.SYN) != 0 && (seg.flags & TcpHeader.ACK) == 0
                && seg.seq == tp.irs) {
            // the peer retransmitted its SYN: our SYN-ACK was lost; send it again
            SackScoreboard.Seg head = tp.sb.first();
            if (head != null) TcpOutput.tcpRetransmitSkb(tp, head);
            a.free(skb);
            return;
        }
        if (tp.skState == SockConst.TCP_SYN_RECV && tp.parent == null
                && (seg.flags & (TcpHeader.SYN | TcpHeader.ACK | TcpHeader.RST)) == (TcpHeader.SYN | TcpHeader.ACK)
                && seg.seq + 1 == tp.rcvNxt && seg.ack == tp.sndNxt && seg.len == 0) {
            // simultaneous open: the peer's SYN-ACK acknowledges our SYN and completes the handshake
            if (!tcpUlpIncoming(tp, skb, seg)) return;
            tcpAck(tp, seg);
            tp.proto.tcpSynRecvEstablished(tp, seg);
            a.free(skb);
            tcpDataSndCheck(tp);
            return;
        }
        if (!tcpValidateIncoming(tp, skb, seg)) return;
        if ((seg.flags & TcpHeader.ACK) == 0) {
            tp.mib.dropNoAck++;
            a.free(skb);
            return;
        }
        // the third ACK of a passive open reaches the child's ULP here, before established()
        if (!tcpUlpIncoming(tp, skb, seg)) return;
        int f = tcpAck(tp, seg);
        boolean acceptable = f > 0 || (f == 0 && seg.ack == tp.sndUna);
        switch (tp.skState) {
            case SockConst.TCP_SYN_RECV:
                if (!acceptable || f < 0) {
                    TcpOutput.tcpV4SendReset(tp.proto, tp.saddr, tp.daddr, tp.sport, tp.dport, seg.seq, seg.ack, seg.flags, seg.len);
                    a.free(skb);
                    return;
                }
                tp.proto.tcpSynRecvEstablished(tp, seg);
                break;
            case SockConst.TCP_FIN_WAIT1:
                if (tp.finQueued && tp.sndUna == tp.writeSeq) {
                    tp.skState = SockConst.TCP_FIN_WAIT2;
                    tp.skShutdown |= SockConst.SEND_SHUTDOWN;
                    tp.callbacks.stateChange(tp);
                    if (tp.orphan) tp.timewaitTimer.arm(tp.nowNs() + tp.host.inet().tcpFinTimeoutSec * 1_000_000_000L);
                }
                break;
            case SockConst.TCP_CLOSING:
                if (tp.finQueued && tp.sndUna == tp.writeSeq) tp.proto.tcpTimeWait(tp);
                break;
            case SockConst.TCP_LAST_ACK:
                if (tp.finQueued && tp.sndUna == tp.writeSeq) {
                    tp.proto.tcpDone(tp);
                    a.free(skb);
                    return;
                }
                break;
            default:
                break;
        }
        if (tp.skState == SockConst.TCP_CLOSE || tp.skState == SockConst.TCP_TIME_WAIT) {
            a.free(skb);
            return;
        }
        switch (tp.skState) {
            case SockConst.TCP_CLOSE_WAIT:
            case SockConst.TCP_CLOSING:
            case SockConst.TCP_LAST_ACK:
                if (!TcpSeq.before(seg.seq, tp.rcvNxt)) { // nothing new is accepted after the peer's FIN
                    a.free(skb);
                    tcpDataSndCheck(tp);
                    return;
                }
                a.free(skb);
                tcpDataSndCheck(tp);
                return;
            case SockConst.TCP_FIN_WAIT1:
            case SockConst.TCP_FIN_WAIT2:
                if ((tp.skShutdown & SockConst.RCV_SHUTDOWN) != 0 && seg.len > 0
                        && TcpSeq.after(seg.seq + seg.len, tp.rcvNxt)) {
                    tp.mib.abortOnData++;
                    a.free(skb);
                    TcpOutput.tcpSendActiveReset(tp);
                    tcpReset(tp);
                    return;
                }
                break;
            default:
                break;
        }
        tcpDataQueue(tp, skb, seg);
        if (tp.skState != SockConst.TCP_CLOSE) {
            tcpDataSndCheck(tp);
            tcpAckSndCheck(tp);
        }
    }

    /**
     * tcp_rcv_synsent_state_process(): a SYN-ACK acknowledging our SYN completes the active open
     * (options negotiated: MSS, window scale, SACK, timestamps); a RST with an acceptable ACK refuses
     * the connection; an unacceptable ACK gets a RST; a bare SYN is a simultaneous open.
     */
    static void tcpRcvSynsentStateProcess(TcpSock tp, SkBuff skb, TcpProto.Seg seg) {
        SkbAllocator a = tp.host.allocator();
        int flags = seg.flags;
        if ((flags & TcpHeader.ACK) != 0) {
            if (!TcpSeq.after(seg.ack, tp.iss) || TcpSeq.after(seg.ack, tp.sndNxt)) {
                if ((flags & TcpHeader.RST) == 0) {
                    TcpOutput.tcpV4SendReset(tp.proto, tp.saddr, tp.daddr, tp.sport, tp.dport, seg.seq, seg.ack, flags, seg.len);
                }
                a.free(skb);
                return;
            }
            if ((flags & TcpHeader.RST) != 0) {
                tcpUlpIncomingRst(tp, skb, seg);
                tcpReset(tp);
                a.free(skb);
                return;
            }
            if ((flags & TcpHeader.SYN) == 0) {
                a.free(skb);
                return;
            }
            tp.proto.tcpNegotiate(tp, seg);
            tp.irs = seg.seq;
            tp.rcvNxt = seg.seq + 1;
            tp.rcvWup = tp.rcvNxt;
            tp.copiedSeq = tp.rcvNxt;
            tp.sndWl1 = seg.seq;
            tp.sndWnd = seg.window; // a SYN's window is never scaled
            tp.maxWindow = tp.sndWnd;
            // the SYN-ACK's options reach the ULP before the handshake completes (and before the
            // third ACK is built, so that it carries what they changed)
            if (!tcpUlpIncoming(tp, skb, seg)) return;
            tcpAck(tp, seg);
            TcpOutput.tcpSyncMss(tp, tp.pmtu);
            tp.proto.tcpFinishConnect(tp);
            a.free(skb);
            TcpOutput.tcpSendAck(tp);
            tcpDataSndCheck(tp);
            return;
        }
        if ((flags & TcpHeader.RST) != 0) {
            a.free(skb);
            return;
        }
        if ((flags & TcpHeader.SYN) != 0) { // simultaneous open (RFC 9293 §3.5, figure 7)
            tp.proto.tcpNegotiate(tp, seg);
            tp.irs = seg.seq;
            tp.rcvNxt = seg.seq + 1;
            tp.rcvWup = tp.rcvNxt;
            tp.copiedSeq = tp.rcvNxt;
            tp.sndWl1 = seg.seq;
            tp.sndWnd = seg.window;
            tp.maxWindow = tp.sndWnd;
            tp.skState = SockConst.TCP_SYN_RECV;
            SkBuff syn = tp.rtxQueue.peek();
            if (syn != null) {
                cbSetFlags(syn, TcpHeader.SYN | TcpHeader.ACK);
                TcpOutput.tcpTransmitSkb(tp, syn, true); // tcp_send_synack(): not a retransmission
            }
        }
        a.free(skb);
    }

    /**
     * tcp_timewait_state_process(): a retransmitted FIN is ACKed again (and restarts the 2MSL timer),
     * a RST ends TIME-WAIT early (RFC 1337 not applied, as Linux by default), anything else gets an ACK.
     */
    static void tcpTimewaitStateProcess(TcpSock tp, SkBuff skb, TcpProto.Seg seg) {
        tp.host.allocator().free(skb);
        if ((seg.flags & TcpHeader.RST) != 0) {
            tp.proto.tcpDone(tp);
            return;
        }
        if ((seg.flags & TcpHeader.FIN) != 0) tp.timewaitTimer.arm(tp.nowNs() + TcpSock.TCP_TIMEWAIT_LEN_NS);
        TcpOutput.tcpSendAck(tp);
    }

    // ================================================================ reading

    /**
     * tcp_recvmsg_locked(): copies in-order bytes from the receive queue; MSG_PEEK leaves them. Then
     * tcp_rcv_space_adjust() and tcp_cleanup_rbuf() (a window update when the window doubled).
     */
    static int tcpRecvmsg(TcpSock tp, byte[] buf, int off, int len, int flags) {
        if (tp.skState == SockConst.TCP_LISTEN) return -SockConst.ENOTCONN;
        if (len < 0 || off < 0 || off + len > buf.length) return -SockConst.EFAULT;
        boolean peek = (flags & SockConst.MSG_PEEK) != 0;
        int copied = 0;
        int seq = tp.copiedSeq;
        SkBuff skb = tp.receiveQueue.peek();
        SkbAllocator a = tp.host.allocator();
        while (skb != null && copied < len) {
            int offset = seq - cbSeq(skb);
            int avail = skb.len() - offset;
            SkBuff next = skb.next;
            if (avail <= 0) {
                if (!peek) {
                    tp.receiveQueue.unlink(skb);
                    tp.rmemAlloc -= skb.len();
                    a.free(skb);
                }
                skb = next;
                continue;
            }
            int n = Math.min(avail, len - copied);
            skb.copyBits(offset, buf, off + copied, n);
            a.copied(tp.proto.copySiteRecvmsg, n);
            copied += n;
            seq += n;
            if (!peek && n == avail) {
                tp.receiveQueue.unlink(skb);
                tp.rmemAlloc -= skb.len();
                a.free(skb);
            }
            skb = next;
        }
        if (copied > 0) {
            if (!peek) {
                tp.copiedSeq = seq;
                tcpRcvSpaceAdjust(tp);
                tcpCleanupRbuf(tp, copied);
            }
            return copied;
        }
        if (tp.skErr != 0) return tp.sockError();
        if ((tp.skShutdown & SockConst.RCV_SHUTDOWN) != 0) return 0;
        if (tp.skState == SockConst.TCP_CLOSE) return 0;
        return -SockConst.EAGAIN;
    }

    /** tcp_cleanup_rbuf(): send a window update when reading doubled the window we can offer. */
    static void tcpCleanupRbuf(TcpSock tp, int copied) {
        if (tp.skState != SockConst.TCP_ESTABLISHED && tp.skState != SockConst.TCP_FIN_WAIT1
                && tp.skState != SockConst.TCP_FIN_WAIT2) return;
        boolean timeToAck = (tp.ackPending & TcpSock.ICSK_ACK_SCHED) != 0 && (tp.rcvNxt - tp.rcvWup) > tp.rcvMss;
        if (!timeToAck && (tp.skShutdown & SockConst.RCV_SHUTDOWN) == 0) {
            int now = tp.tcpReceiveWindow();
            if (2 * now <= tp.windowClamp) {
                int nw = TcpOutput.tcpSelectWindowRaw(tp);
                if (nw != 0 && nw >= 2 * now) timeToAck = true;
            }
        }
        if (timeToAck) TcpOutput.tcpSendAck(tp);
    }

    /**
     * tcp_rcv_space_adjust() (dynamic right-sizing): once per receiver RTT, if the application read
     * more than last time, sk_rcvbuf grows to twice that (plus 16 MSS, plus the growth again), up to
     * tcp_rmem[2], unless SO_RCVBUF fixed it.
     */
    static void tcpRcvSpaceAdjust(TcpSock tp) {
        long now = tp.nowUs();
        if (tp.rcvqTimeUs == 0) {
            tp.rcvqTimeUs = now;
            tp.rcvqSeq = tp.copiedSeq;
            return;
        }
        long rttUs = tp.rcvRttUs;
        if (rttUs == 0 || now - tp.rcvqTimeUs < rttUs) return;
        int copied = tp.copiedSeq - tp.rcvqSeq;
        if (copied > tp.rcvqSpace) {
            if ((tp.skUserlocks & Sock.SOCK_RCVBUF_LOCK) == 0) {
                long rcvwin = ((long) copied << 1) + 16L * tp.advmss;
                long grow = tp.rcvqSpace > 0 ? rcvwin * (copied - tp.rcvqSpace) / tp.rcvqSpace : 0;
                rcvwin += grow << 1;
                int max = tp.host.inet().tcpRmem[2];
                long rcvbuf = Math.min((long) WindowMath.tcpSpaceFromWin((int) Math.min(rcvwin, Integer.MAX_VALUE / 4),
                        WindowMath.TCP_DEFAULT_SCALING_RATIO), max);
                if (rcvbuf > tp.skRcvbuf) {
                    tp.skRcvbuf = (int) rcvbuf;
                    tp.windowClamp = Math.max(tp.windowClamp,
                            WindowMath.tcpWinFromSpace(tp.skRcvbuf, WindowMath.TCP_DEFAULT_SCALING_RATIO));
                }
            }
            tp.rcvqSpace = copied;
        }
        tp.rcvqSeq = tp.copiedSeq;
        tp.rcvqTimeUs = now;
    }

    /** tcp_rcv_rtt_measure_ts(): the receiver's RTT from the timestamps the sender echoes. */
    static void tcpRcvRttMeasureTs(TcpSock tp, TcpProto.Seg seg) {
        if (!tp.tstampOk || !seg.sawTstamp || seg.tsecr == 0 || seg.tsecr == tp.rcvRttLastTsecr) return;
        if (seg.len < tp.rcvMss) return;
        int delta = tp.tcpTimeStamp() - seg.tsecr;
        if (delta < 0) return;
        long m = Math.max(1, delta) * 1000L;
        tp.rcvRttLastTsecr = seg.tsecr;
        tp.rcvRttUs = tp.rcvRttUs == 0 ? m : Math.min(tp.rcvRttUs, (7 * tp.rcvRttUs + m) / 8);
    }
}
