package org.nicemu.tcp;

import org.nicemu.api.tcp.cc.TcpCc;
import org.nicemu.api.tcp.cc.TcpCcSock;
import org.nicemu.api.tcp.cc.TcpCongestionOps;

/**
 * The Reno that Linux builds into the core (net/ipv4/tcp_cong.c {@code tcp_reno}): always
 * available, so a socket whose algorithm's bundle went away keeps working (DESIGN §6).
 */
final class BuiltinReno implements TcpCongestionOps {
    static final String NAME = "reno";

    @Override public String name() { return NAME; }

    @Override public long ssthresh(TcpCcSock sk) { return TcpCc.tcpRenoSsthresh(sk); }

    @Override public void congAvoid(TcpCcSock sk, long ack, long acked) { TcpCc.tcpRenoCongAvoid(sk, ack, acked); }

    @Override public long undoCwnd(TcpCcSock sk) { return TcpCc.tcpRenoUndoCwnd(sk); }
}
