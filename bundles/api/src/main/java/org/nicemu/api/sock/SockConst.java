package org.nicemu.api.sock;

/**
 * Linux's numbers for errnos, socket options, message flags and TCP states, so that results and
 * options read as in C (include/uapi/asm-generic/errno.h, socket.h, linux/tcp.h, net/tcp_states.h).
 */
public final class SockConst {
    private SockConst() {
    }

    // errno (returned negated, as the kernel's syscalls do)
    public static final int EPERM = 1, ENOENT = 2, EINTR = 4, EBADF = 9, EAGAIN = 11, ENOMEM = 12,
            EFAULT = 14, EBUSY = 16, EINVAL = 22, EPIPE = 32, ENOPROTOOPT = 92, EPROTONOSUPPORT = 93,
            EOPNOTSUPP = 95, EADDRINUSE = 98, EADDRNOTAVAIL = 99, ENETUNREACH = 101, ECONNABORTED = 103,
            ECONNRESET = 104, ENOBUFS = 105, EISCONN = 106, ENOTCONN = 107, ETIMEDOUT = 110,
            ECONNREFUSED = 111, EHOSTUNREACH = 113, EALREADY = 114, EINPROGRESS = 115;

    // address family, type, protocol
    public static final int AF_INET = 2, SOCK_STREAM = 1, SOCK_DGRAM = 2, IPPROTO_TCP = 6, IPPROTO_UDP = 17;
    /** IPPROTO_MPTCP (include/uapi/linux/in.h): {@code socket(AF_INET, SOCK_STREAM, IPPROTO_MPTCP)}; never on the wire. */
    public static final int IPPROTO_MPTCP = 262;
    /** SOL_TCP, the option level of TCP (= IPPROTO_TCP). */
    public static final int SOL_TCP = 6;
    /** MPTCP_SCHEDULER (SOL_TCP 43 in the multipath-tcp.org kernel): the scheduler of one MPTCP connection, by name. */
    public static final int MPTCP_SCHEDULER = 43;

    // levels and options
    public static final int SOL_SOCKET = 1, SO_REUSEADDR = 2, SO_ERROR = 4, SO_SNDBUF = 7, SO_RCVBUF = 8,
            SO_KEEPALIVE = 9, SO_LINGER = 13, SO_RCVTIMEO = 20, SO_SNDTIMEO = 21;
    public static final int TCP_NODELAY = 1, TCP_MAXSEG = 2, TCP_CORK = 3, TCP_INFO = 11, TCP_QUICKACK = 12,
            TCP_CONGESTION = 13;

    // msg flags
    public static final int MSG_PEEK = 0x2, MSG_DONTWAIT = 0x40, MSG_EOR = 0x80, MSG_WAITALL = 0x100,
            MSG_MORE = 0x8000;

    // shutdown(how) and sk_shutdown bits
    public static final int SHUT_RD = 0, SHUT_WR = 1, SHUT_RDWR = 2;
    public static final int RCV_SHUTDOWN = 1, SEND_SHUTDOWN = 2, SHUTDOWN_MASK = 3;

    // TCP states (include/net/tcp_states.h)
    public static final int TCP_ESTABLISHED = 1, TCP_SYN_SENT = 2, TCP_SYN_RECV = 3, TCP_FIN_WAIT1 = 4,
            TCP_FIN_WAIT2 = 5, TCP_TIME_WAIT = 6, TCP_CLOSE = 7, TCP_CLOSE_WAIT = 8, TCP_LAST_ACK = 9,
            TCP_LISTEN = 10, TCP_CLOSING = 11, TCP_NEW_SYN_RECV = 12;

    private static final String[] STATE_NAMES = {"UNKNOWN", "ESTAB", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1",
        "FIN-WAIT-2", "TIME-WAIT", "UNCONN", "CLOSE-WAIT", "LAST-ACK", "LISTEN", "CLOSING", "NEW-SYN-RECV"};

    /** The state as {@code ss} prints it (ESTAB, SYN-SENT, LISTEN ...). */
    public static String stateName(int state) {
        return state >= 0 && state < STATE_NAMES.length ? STATE_NAMES[state] : "UNKNOWN";
    }

    /** The errno name of {@code -err} or {@code err} (e.g. "ECONNRESET"), for messages. */
    public static String errnoName(int err) {
        switch (Math.abs(err)) {
            case EPERM: return "EPERM";
            case ENOENT: return "ENOENT";
            case EINTR: return "EINTR";
            case EBADF: return "EBADF";
            case EAGAIN: return "EAGAIN";
            case ENOMEM: return "ENOMEM";
            case EINVAL: return "EINVAL";
            case EPIPE: return "EPIPE";
            case ENOPROTOOPT: return "ENOPROTOOPT";
            case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
            case EOPNOTSUPP: return "EOPNOTSUPP";
            case EADDRINUSE: return "EADDRINUSE";
            case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
            case ENETUNREACH: return "ENETUNREACH";
            case ECONNABORTED: return "ECONNABORTED";
            case ECONNRESET: return "ECONNRESET";
            case ENOBUFS: return "ENOBUFS";
            case EISCONN: return "EISCONN";
            case ENOTCONN: return "ENOTCONN";
            case ETIMEDOUT: return "ETIMEDOUT";
            case ECONNREFUSED: return "ECONNREFUSED";
            case EHOSTUNREACH: return "EHOSTUNREACH";
            case EALREADY: return "EALREADY";
            case EINPROGRESS: return "EINPROGRESS";
            default: return "errno " + Math.abs(err);
        }
    }
}
