package org.nicemu.api.sock;

import java.util.List;

import org.nicemu.api.emu.Host;
import org.nicemu.api.inet.InetProtocol;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A transport protocol of one host: mirrors {@code struct proto} (tcp_prot) together with the
 * receive entry ({@code struct net_protocol}, hence {@link InetProtocol}). Made per host by a
 * {@link TransportFactory}. The socket layer calls these with the socket locked
 * ({@link Sock#ownedByUser} true) except {@link #create}; none of them blocks: where the kernel
 * would sleep (connect, accept, sendmsg without memory, recvmsg without data) they return
 * {@code -EAGAIN} / {@code -EINPROGRESS} and the socket layer waits on the socket's callbacks and
 * calls again, as {@code sk_stream_wait_memory()} / {@code sk_wait_data()} release the lock while sleeping.
 * Results are byte counts or 0 on success, negative errnos ({@link SockConst}) on failure.
 */
@ConsumerType
public interface Proto extends InetProtocol {
    /** Protocol name as {@code ss} shows it ("tcp"). */
    String name();

    /** IP protocol number (6). */
    int protocol();

    Host host();

    /** inet_create() + sk_prot->init() (tcp_v4_init_sock): a new closed socket whose task runs on {@code cpu}. */
    Sock create(int cpu);

    /** inet_bind(): {@code addr} 0 for any, {@code port} 0 for an ephemeral port. */
    int bind(Sock sk, int addr, int port);

    /** inet_listen(): moves to LISTEN with an accept queue of {@code backlog}. */
    int listen(Sock sk, int backlog);

    /**
     * tcp_v4_connect(): picks the route and source port and sends the SYN; returns -EINPROGRESS
     * (the socket layer waits for a state change to ESTABLISHED, or {@link Sock#skErr}), or -errno.
     */
    int connect(Sock sk, int daddr, int dport);

    /** inet_csk_accept() without waiting: the next established child, or null when the queue is empty. */
    Sock accept(Sock listener);

    /**
     * tcp_sendmsg_locked(): copies up to {@code len} bytes into the write queue and pushes. Returns
     * the bytes copied (possibly fewer than {@code len} when the send buffer filled up), -EAGAIN when
     * nothing could be copied for lack of memory, -EPIPE after shutdown or with an error pending in
     * {@link Sock#skErr} (left there: the socket layer reports it, as sk_stream_error() does), or
     * another -errno.
     */
    int sendmsgLocked(Sock sk, byte[] buf, int off, int len, int flags);

    /**
     * tcp_recvmsg_locked(): copies up to {@code len} in-order bytes to {@code buf}; 0 at end of
     * stream (FIN received), -EAGAIN when nothing is queued, -errno on error. MSG_PEEK keeps the data.
     */
    int recvmsg(Sock sk, byte[] buf, int off, int len, int flags);

    /** True when sendmsg could copy something now (sk_stream_is_writeable() or an error/shutdown). */
    boolean writable(Sock sk);

    /** True when recvmsg would return something now (data, end of stream or an error). */
    boolean readable(Sock sk);

    /** True when the listener's accept queue is not empty. */
    boolean acceptable(Sock listener);

    /** tcp_shutdown(): SHUT_WR sends a FIN after queued data. */
    int shutdown(Sock sk, int how);

    /** tcp_close(): FIN (or RST when unread data is discarded) and orphaning; the socket goes away later. */
    void close(Sock sk);

    /** tcp_disconnect(): aborts with a RST (used when a layer bundle goes away). */
    void abort(Sock sk, int err);

    int setsockopt(Sock sk, int level, int name, long value);

    /** String-valued options (TCP_CONGESTION). */
    int setsockopt(Sock sk, int level, int name, String value);

    /** Numeric option value, or Long.MIN_VALUE for an unknown option. */
    long getsockopt(Sock sk, int level, int name);

    String getsockoptString(Sock sk, int level, int name);

    /** sk_backlog_rcv() (tcp_v4_do_rcv): a segment from the backlog, processed in releaseSock(). */
    void backlogRcv(Sock sk, org.nicemu.api.skb.SkBuff skb);

    /** tcp_release_cb(): work deferred while the socket was owned (TSQ pushes, delayed timers). */
    void releaseCb(Sock sk);

    /** tcp_get_info(): what {@code ss -tin} shows. */
    TcpInfo info(Sock sk);

    /** All sockets of this protocol on the host (listeners, connections, TIME-WAIT), for {@code ss}. */
    List<Sock> sockets();

    /** Stops timers and aborts every connection with a RST (the bundle is going away). */
    void destroy();
}
