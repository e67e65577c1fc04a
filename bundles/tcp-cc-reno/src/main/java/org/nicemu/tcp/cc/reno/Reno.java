package org.nicemu.tcp.cc.reno;

import org.nicemu.api.tcp.cc.TcpCc;
import org.nicemu.api.tcp.cc.TcpCcSock;
import org.nicemu.api.tcp.cc.TcpCongestionOps;

/**
 * TCP Reno: mirrors {@code struct tcp_congestion_ops tcp_reno} of net/ipv4/tcp_cong.c (RFC 5681
 * slow start and congestion avoidance; the loss recovery itself, NewReno/SACK/RACK, is the TCP
 * layer's, as in Linux).
 * <ul>
 * <li>{@link #congAvoid} = {@code tcp_reno_cong_avoid()}: only when cwnd-limited; below ssthresh
 *     {@code tcp_slow_start()} (+1 per ACKed packet, up to ssthresh), the rest of the ACKed packets
 *     go to {@code tcp_cong_avoid_ai(tp, snd_cwnd, acked)} (+1 per cwnd ACKed packets, counted in
 *     {@code snd_cwnd_cnt});</li>
 * <li>{@link #ssthresh} = {@code tcp_reno_ssthresh()}: {@code max(cwnd / 2, 2)};</li>
 * <li>{@link #undoCwnd} = {@code tcp_reno_undo_cwnd()}: {@code max(cwnd, prior_cwnd)}.</li>
 * </ul>
 * Reno keeps no private state ({@code inet_csk_ca()} is unused); one instance per socket anyway, as
 * the SPI asks.
 */
public final class Reno implements TcpCongestionOps {
    /** The algorithm name, {@code tcp_reno.name}. */
    public static final String NAME = "reno";

    @Override
    public String name() {
        return NAME;
    }

    /** Mirrors {@code tcp_reno_ssthresh()}. */
    @Override
    public long ssthresh(TcpCcSock sk) {
        return TcpCc.tcpRenoSsthresh(sk);
    }

    /** Mirrors {@code tcp_reno_cong_avoid()}. */
    @Override
    public void congAvoid(TcpCcSock sk, long ack, long acked) {
        TcpCc.tcpRenoCongAvoid(sk, ack, acked);
    }

    /** Mirrors {@code tcp_reno_undo_cwnd()}. */
    @Override
    public long undoCwnd(TcpCcSock sk) {
        return TcpCc.tcpRenoUndoCwnd(sk);
    }
}
