package org.nicemu.tcp;

import org.nicemu.api.sock.SockConst;

/**
 * TCP's timers: net/ipv4/tcp_timer.c ({@code tcp_write_timer_handler()} with
 * {@code tcp_retransmit_timer()}, {@code tcp_probe_timer()}, the loss probe; {@code tcp_delack_timer()};
 * TIME-WAIT and orphaned FIN-WAIT-2 expiry). Timers run on the
 * emulation loop at emulated time; a socket owned by a task defers them as the kernel does with
 * {@code TCP_*_DEFERRED} flags.
 */
final class TcpTimers {
    private TcpTimers() {
    }

    /** tcp_rearm_rto(): RTO from now when data is out, cancelled when nothing is. */
    static void tcpRearmRto(TcpSock tp) {
        if (tp.packetsOut() == 0) {
            if (tp.icskPending != TcpSock.ICSK_TIME_PROBE0) {
                tp.retransmitTimer.cancel();
                tp.icskPending = 0;
            }
            return;
        }
        long rto = Math.min(tp.rtt.rtoUs(), RttEstimator.TCP_RTO_MAX_US); // icsk_rto, already backed off
        tp.icskPending = TcpSock.ICSK_TIME_RETRANS;
        tp.retransmitTimer.arm(tp.nowNs() + rto * 1000);
    }

    /** tcp_write_timer_handler(). */
    static void tcpWriteTimer(TcpSock tp) {
        if (tp.skState == SockConst.TCP_CLOSE || tp.skState == SockConst.TCP_LISTEN) return;
        int event = tp.icskPending;
        tp.icskPending = 0;
        switch (event) {
            case TcpSock.ICSK_TIME_LOSS_PROBE:
                TcpOutput.tcpSendLossProbe(tp);
                break;
            case TcpSock.ICSK_TIME_PROBE0:
                tcpProbeTimer(tp);
                break;
            default:
                tcpRetransmitTimer(tp);
        }
    }

    /**
     * tcp_retransmit_timer(): the RTO expired. SYN-SENT retransmits the SYN (up to tcp_syn_retries);
     * otherwise tcp_enter_loss() (ssthresh from CC, cwnd 1, every outstanding segment lost),
     * the head is retransmitted and the timer backed off (RFC 6298 §5.5). After tcp_retries2
     * expiries the connection fails with ETIMEDOUT, or with the soft error an ICMP message left.
     */
    static void tcpRetransmitTimer(TcpSock tp) {
        if (tp.packetsOut() == 0) return;
        boolean synSent = tp.skState == SockConst.TCP_SYN_SENT || tp.skState == SockConst.TCP_SYN_RECV;
        int limit = synSent ? tp.host.inet().tcpSynRetries : tp.host.inet().tcpRetries2;
        if (tp.retransmits >= limit) {
            tcpWriteErr(tp, tp.skErrSoft != 0 ? tp.skErrSoft : SockConst.ETIMEDOUT); // tcp_write_timeout(): sk_err_soft ?: ETIMEDOUT
            return;
        }
        tp.mib.timeouts++;
        if (synSent) {
            tp.mib.synRetrans++;
        } else {
            TcpInput.tcpEnterLoss(tp);
        }
        SackScoreboard.Seg head = tp.sb.first();
        if (head != null) {
            if (!synSent) tp.sb.tcpMarkSkbLost(head);
            TcpOutput.tcpRetransmitSkb(tp, head);
        }
        tp.retransmits++;
        tp.rtt.tcpRetransmitTimerBackoff(synSent, tp.retransmits);
        long rto = Math.min(tp.rtt.rtoUs(), RttEstimator.TCP_RTO_MAX_US); // icsk_rto was doubled just now
        tp.icskPending = TcpSock.ICSK_TIME_RETRANS;
        tp.retransmitTimer.arm(tp.nowNs() + rto * 1000);
    }

    /** tcp_probe_timer(): zero-window probing with backoff; the window opening ends it. */
    static void tcpProbeTimer(TcpSock tp) {
        if (tp.packetsOut() != 0 || tp.writeQueue.isEmpty()) {
            tp.probesOut = 0;
            return;
        }
        if (tp.probesOut >= tp.host.inet().tcpRetries2 && tp.orphan) {
            tcpWriteErr(tp, SockConst.ETIMEDOUT);
            return;
        }
        TcpOutput.tcpWriteWakeup(tp);
        tp.probesOut++;
        if (tp.packetsOut() == 0) {
            tp.icskPending = TcpSock.ICSK_TIME_PROBE0;
            tp.retransmitTimer.arm(tp.nowNs() + TcpOutput.tcpProbe0When(tp) * 1000);
        }
    }

    /** tcp_write_err(): the connection failed; the user sees {@code err}. */
    static void tcpWriteErr(TcpSock tp, int err) {
        tp.skErr = err;
        tp.callbacks.errorReport(tp);
        tp.proto.tcpDone(tp);
    }

    /** tcp_delack_timer_handler(): send the ACK that was held back. */
    static void tcpDelackTimer(TcpSock tp) {
        if (tp.skState == SockConst.TCP_CLOSE) return;
        if ((tp.ackPending & TcpSock.ICSK_ACK_TIMER) == 0) return;
        if (tp.ownedByUser) {
            tp.delackDeferred = true;
            return;
        }
        tp.ackPending &= ~TcpSock.ICSK_ACK_TIMER;
        if ((tp.ackPending & TcpSock.ICSK_ACK_SCHED) != 0) {
            if (tp.ackPingpong) {
                tp.ackPingpong = false; // delayed ACK missed: leave interactive mode
                tp.atoUs = TcpSock.TCP_ATO_MIN_US;
            }
            tp.mib.delayedAcks++;
            TcpOutput.tcpSendAck(tp);
        }
    }

    /** TIME-WAIT (and orphaned FIN-WAIT-2) lifetime ended: inet_twsk_kill(). */
    static void tcpTimewaitTimer(TcpSock tp) {
        if (tp.skState == SockConst.TCP_TIME_WAIT || tp.skState == SockConst.TCP_FIN_WAIT2) tp.proto.tcpDone(tp);
    }
}
