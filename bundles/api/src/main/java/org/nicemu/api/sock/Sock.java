package org.nicemu.api.sock;

import org.nicemu.api.emu.Host;
import org.nicemu.api.skb.SkBuffHead;

/**
 * The protocol-independent part of a socket: mirrors {@code struct sock} plus the addressing of
 * {@code struct inet_sock} (include/net/sock.h, include/net/inet_sock.h). A transport extends it
 * ({@code struct tcp_sock}); the socket layer uses these fields for locking, waiting and options.
 * Loop thread only; fields are public as in C so that per-packet code stays allocation free.
 */
public abstract class Sock {
    /** SOCK_SNDBUF_LOCK / SOCK_RCVBUF_LOCK in {@link #skUserlocks}: set by SO_SNDBUF / SO_RCVBUF. */
    public static final int SOCK_SNDBUF_LOCK = 1, SOCK_RCVBUF_LOCK = 2;

    /** The host (network namespace) the socket lives in. */
    public final Host host;
    /** {@code sk_state}: one of SockConst.TCP_*. */
    public int skState = SockConst.TCP_CLOSE;
    /** {@code sk_err}: a pending error (positive errno), reported once by {@link #sockError()}. */
    public int skErr;
    /** {@code sk_shutdown}: RCV_SHUTDOWN | SEND_SHUTDOWN. */
    public int skShutdown;
    /** {@code sk_sndbuf} / {@code sk_rcvbuf} in bytes (doubled values, as setsockopt stores them). */
    public int skSndbuf, skRcvbuf;
    public int skUserlocks;
    /** {@code sk_wmem_queued}: bytes in the write and retransmit queues (truesize). */
    public int skWmemQueued;
    /** {@code sk_rcvtimeo} / {@code sk_sndtimeo} in emulated nanoseconds; Long.MAX_VALUE waits forever. */
    public long skRcvtimeoNanos = Long.MAX_VALUE, skSndtimeoNanos = Long.MAX_VALUE;
    /** {@code sk_lock.owned}: a task holds the socket (lock_sock()); softirq input then goes to the backlog. */
    public boolean ownedByUser;
    /** {@code sk_backlog}: segments that arrived while the socket was owned by a task. */
    public final SkBuffHead skBacklog = new SkBuffHead();
    /** {@code sk_backlog.len} in bytes (truesize), limited by sk_rcvbuf + sk_sndbuf. */
    public int skBacklogLen;
    /** Who is woken on state changes, data and write space. */
    public SockCallbacks callbacks = SockCallbacks.NONE;
    /** inet_saddr / inet_daddr (IPv4 as int bits), inet_sport / inet_dport (host order). */
    public int saddr, daddr, sport, dport;
    /** The emulated CPU of the socket's task (used for XPS and NET_RX steering). */
    public int cpu;

    protected Sock(Host host) {
        this.host = host;
    }

    /** The protocol ops of this socket ({@code sk->sk_prot}). */
    public abstract Proto proto();

    /** Mirrors sock_error(): returns and clears the pending error as a negative errno, or 0. */
    public int sockError() {
        int e = skErr;
        skErr = 0;
        return -e;
    }

    /** Mirrors sk_add_backlog()'s limit check: false (drop, counted by the caller) when over rcvbuf+sndbuf. */
    public boolean skAddBacklogAllowed(int truesize) {
        return (long) skBacklogLen + truesize <= (long) skRcvbuf + skSndbuf;
    }
}
