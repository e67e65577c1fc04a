package org.nicemu.api.tcp.cc;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A congestion-control algorithm attached to one socket: mirrors {@code struct tcp_congestion_ops}
 * (include/net/tcp.h). The kernel shares one ops table among all sockets and keeps each socket's
 * private state in {@code inet_csk_ca(sk)}; here a {@link TcpCongestionFactory} makes one instance
 * per socket and the instance's own fields are that private state.
 *
 * <p>All methods run on the emulation's event loop (DESIGN §1.5), never concurrently, and read time
 * only through {@link TcpCcSock#nowUs()} (no wall clock, no randomness). Units are packets
 * (segments of {@link TcpCcSock#mssCache()} bytes), as for {@code snd_cwnd} in Linux.
 *
 * <p>Call order, as in net/ipv4/tcp_input.c and tcp_cong.c:
 * <ul>
 * <li>{@link #init} when the socket gets this algorithm ({@code tcp_init_congestion_control()}, also
 *     after a live switch by {@code TCP_CONGESTION}: {@code tcp_reinit_congestion_control()});
 *     {@link #release} when it loses it ({@code tcp_cleanup_congestion_control()}).</li>
 * <li>per ACK: {@link #pktsAcked} ({@code tcp_clean_rtx_queue()} → {@code ca_ops->pkts_acked}) and
 *     then, when cwnd may grow, {@link #congAvoid} ({@code tcp_cong_avoid()}).</li>
 * <li>on entering CWR/Recovery/Loss: {@link #ssthresh}, whose result the caller stores in
 *     {@code snd_ssthresh} ({@code tcp_init_cwnd_reduction()}, {@code tcp_enter_loss()});
 *     {@link #setState} on every change of {@code icsk_ca_state} ({@code tcp_set_ca_state()}).</li>
 * <li>{@link #undoCwnd} when a reduction proves spurious ({@code tcp_undo_cwnd_reduction()}).</li>
 * <li>{@link #cwndEvent} for the {@code CA_EVENT_*} events ({@code tcp_ca_event()}).</li>
 * </ul>
 * The optional kernel members ({@code init}, {@code release}, {@code set_state}, {@code cwnd_event},
 * {@code pkts_acked}) are default methods that do nothing, as a {@code NULL} member in the kernel.
 * Not modelled: {@code cong_control} (BBR-style full control), {@code in_ack_event},
 * {@code min_tso_segs}, {@code sndbuf_expand}, {@code get_info}, {@code flags}/{@code key}.
 */
@ConsumerType
public interface TcpCongestionOps {
    /** The algorithm's name, as in {@code tcp_congestion_ops.name}: {@code "reno"}, {@code "cubic"}. */
    String name();

    /**
     * Initialises the private state for this socket (mirrors {@code ca_ops->init}); may also set
     * {@code snd_ssthresh}. Called on a fresh instance, before any other method.
     */
    default void init(TcpCcSock sk) {
    }

    /** The socket stops using this instance (mirrors {@code ca_ops->release}). */
    default void release(TcpCcSock sk) {
    }

    /**
     * The new slow-start threshold after a congestion event (mirrors {@code ca_ops->ssthresh});
     * the caller stores it in {@code snd_ssthresh}. Required.
     */
    long ssthresh(TcpCcSock sk);

    /**
     * Grows the congestion window on an ACK (mirrors {@code ca_ops->cong_avoid}). Required.
     *
     * @param ack   the cumulative ACK number of the segment (u32 sequence space, as an int's bits)
     * @param acked packets newly acknowledged by this ACK (cumulatively or by SACK)
     */
    void congAvoid(TcpCcSock sk, long ack, long acked);

    /**
     * The congestion state machine moved to {@code newState}, one of {@link TcpCc#TCP_CA_OPEN},
     * {@link TcpCc#TCP_CA_DISORDER}, {@link TcpCc#TCP_CA_CWR}, {@link TcpCc#TCP_CA_RECOVERY},
     * {@link TcpCc#TCP_CA_LOSS} (mirrors {@code ca_ops->set_state}). Called before the socket's
     * {@link TcpCcSock#caState()} changes.
     */
    default void setState(TcpCcSock sk, int newState) {
    }

    /**
     * An event of {@code enum tcp_ca_event}: {@link TcpCc#CA_EVENT_TX_START},
     * {@link TcpCc#CA_EVENT_CWND_RESTART}, {@link TcpCc#CA_EVENT_COMPLETE_CWR},
     * {@link TcpCc#CA_EVENT_LOSS}, {@link TcpCc#CA_EVENT_ECN_NO_CE}, {@link TcpCc#CA_EVENT_ECN_IS_CE}
     * (mirrors {@code ca_ops->cwnd_event}).
     */
    default void cwndEvent(TcpCcSock sk, int event) {
    }

    /**
     * ACK sample (mirrors {@code ca_ops->pkts_acked} with {@code struct ack_sample}).
     *
     * @param numAcked packets acknowledged by this ACK ({@code sample->pkts_acked})
     * @param rttUs    the RTT sample in microseconds, or a negative value when this ACK gave none
     *                 ({@code sample->rtt_us == -1})
     */
    default void pktsAcked(TcpCcSock sk, int numAcked, long rttUs) {
    }

    /**
     * The congestion window to restore when a reduction is undone (mirrors
     * {@code ca_ops->undo_cwnd}); {@link TcpCc#tcpRenoUndoCwnd} is the usual answer. Required.
     */
    long undoCwnd(TcpCcSock sk);
}
