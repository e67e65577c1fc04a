package org.nicemu.apps;

import org.nicemu.api.sock.SockConst;
import org.nicemu.api.sock.Socket;

/**
 * Socket options an application sets before connecting; null fields are left at the stack's
 * default. {@code congestion}: TCP_CONGESTION name ("cubic"); {@code noDelay}: TCP_NODELAY;
 * {@code sndbuf}: SO_SNDBUF bytes (the stack doubles it, as Linux); {@code maxSeg}: TCP_MAXSEG bytes;
 * {@code scheduler}: the MPTCP scheduler of the connection (MPTCP_SCHEDULER, MPTCP sockets only).
 */
public record TcpOptions(String congestion, Boolean noDelay, Integer sndbuf, Integer maxSeg, String scheduler) {
    /** No options. */
    public static final TcpOptions NONE = new TcpOptions(null, null, null, null, null);

    /** Options without an MPTCP scheduler. */
    public TcpOptions(String congestion, Boolean noDelay, Integer sndbuf, Integer maxSeg) {
        this(congestion, noDelay, sndbuf, maxSeg, null);
    }

    /** Applies the options to {@code s}: null on success, else "setsockopt NAME: ERRNO". */
    public String apply(Socket s) {
        if (congestion != null) {
            int r = s.setsockopt(SockConst.IPPROTO_TCP, SockConst.TCP_CONGESTION, congestion);
            if (r < 0) return "setsockopt TCP_CONGESTION '" + congestion + "': " + SockConst.errnoName(r);
        }
        if (noDelay != null) {
            int r = s.setsockopt(SockConst.IPPROTO_TCP, SockConst.TCP_NODELAY, noDelay ? 1 : 0);
            if (r < 0) return "setsockopt TCP_NODELAY: " + SockConst.errnoName(r);
        }
        if (sndbuf != null) {
            int r = s.setsockopt(SockConst.SOL_SOCKET, SockConst.SO_SNDBUF, sndbuf);
            if (r < 0) return "setsockopt SO_SNDBUF " + sndbuf + ": " + SockConst.errnoName(r);
        }
        if (maxSeg != null) {
            int r = s.setsockopt(SockConst.IPPROTO_TCP, SockConst.TCP_MAXSEG, maxSeg);
            if (r < 0) return "setsockopt TCP_MAXSEG " + maxSeg + ": " + SockConst.errnoName(r);
        }
        if (scheduler != null) {
            int r = s.setsockopt(SockConst.SOL_TCP, SockConst.MPTCP_SCHEDULER, scheduler);
            if (r < 0) return "setsockopt MPTCP_SCHEDULER '" + scheduler + "': " + SockConst.errnoName(r);
        }
        return null;
    }
}
