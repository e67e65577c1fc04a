package org.nicemu.api.tcp.ulp;

import org.nicemu.api.sock.Sock;
import org.nicemu.api.tcp.cc.TcpCcSock;

/**
 * A TCP socket as a ULP sees it: mirrors the parts of {@code struct tcp_sock} and the TCP functions
 * that net/mptcp/subflow.c and protocol.c use on a subflow ({@code tcp_sk(ssk)->...},
 * {@code tcp_push()}, {@code tcp_send_ack()}, {@code tcp_recvmsg()}-like reads of the receive queue,
 * {@code tcp_close()}, {@code tcp_send_active_reset()}). Implemented by the TCP layer; loop thread only.
 *
 * <p>Sequence numbers are the u32 values of the wire in an {@code int}.
 */
@org.osgi.annotation.versioning.ProviderType
public interface TcpSubflow extends TcpCcSock {
    /** The socket itself (addresses, state, callbacks). */
    Sock sock();

    /** The ULP attached to this socket, or null. */
    TcpUlp ulp();

    /** Attaches a ULP ({@code tcp_set_ulp()}); before connect/listen, or on a child from {@link TcpUlp#synReceived}. */
    void setUlp(TcpUlp ulp);

    /** Initial send sequence number ({@code tcp_rsk(req)->snt_isn} / the ISS of the SYN). */
    int iss();

    /** Initial receive sequence number (the peer's ISN). */
    int irs();

    /** {@code tp->rcv_nxt}. */
    int rcvNxt();

    /** {@code tp->copied_seq}: the next byte {@link #read} returns. */
    int copiedSeq();

    /** {@code tp->write_seq}: end of the data queued. */
    int writeSeq();

    /** {@code tp->high_seq}. */
    int highSeq();

    /** The peer's receive window in bytes ({@code tp->snd_wnd}). */
    long sndWnd();

    /** {@code tp->rttvar_us} (the RTO's variance term as the kernel keeps it), microseconds. */
    long rttvarUs();

    /** Packets sent and not cumulatively ACKed ({@code tp->packets_out}). */
    long packetsOut();

    /** {@code tcp_current_mss(sk)}. */
    int currentMss();

    /** {@code sk->sk_gso_max_segs}, 0 without GSO. */
    int gsoMaxSegs();

    /** {@code sk->sk_wmem_queued}. */
    long wmemQueued();

    /** SACK negotiated ({@code !tcp_is_reno(tp)}). */
    boolean sackOk();

    /** {@code tp->bytes_sent}. */
    long bytesSent();

    /** {@code tp->bytes_acked}. */
    long bytesAcked();

    /** {@code tp->bytes_received}. */
    long bytesReceived();

    /** {@code tp->segs_out}. */
    long segsOut();

    /** {@code tp->total_retrans}. */
    long totalRetrans();

    /** {@code tp->pf}-like: retransmission timeouts without progress so far ({@code icsk_retransmits}). */
    int retransmits();

    /**
     * Queues {@code len} bytes as new skbs at the end of the write queue, never merged with data
     * queued before, each carrying the mapping {@code (dataSeq, write_seq - iss, len + fin)} in its
     * {@link UlpCb}; {@code dataFin} adds the DATA_FIN to the mapping (RFC 8684 §3.3.3: the data-level
     * length counts it). The role of {@code mptcp_sendmsg_frag()} with {@code tcp_build_frag()}.
     * Ignores the send buffer (the meta socket accounts for memory). Does not transmit: call {@link #push}.
     *
     * @return bytes queued ({@code len}), or a negative errno when the socket cannot send
     */
    int queueMapped(byte[] buf, int off, int len, long dataSeq, boolean dataFin);

    /** {@code tcp_push()}: transmits what the windows allow now. */
    void push();

    /**
     * Reads up to {@code len} in-order bytes from the receive queue, advancing {@code copied_seq}, and
     * lets TCP send a window update when it should ({@code tcp_cleanup_rbuf()}). Returns the bytes
     * read, 0 if none are queued.
     */
    int read(byte[] buf, int off, int len);

    /** Bytes in the receive queue that {@link #read} would return. */
    int readable();

    /** {@code tcp_send_ack()}: an ACK now (carrying the ULP's options). */
    void sendAck();

    /** {@code tcp_close()}: FIN after queued data, or RST with unread data. */
    void close();

    /** {@code tcp_send_active_reset()} + {@code tcp_done()}: RST now, {@code err} reported to the socket. */
    void reset(int err);
}
