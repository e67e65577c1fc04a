package org.nicemu.api.tcp.ulp;

import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.tcp.cc.CoupledSubflows;

/**
 * What TCP asks the upper-layer protocol attached to a socket: mirrors the MPTCP hooks of
 * net/ipv4/tcp_output.c and tcp_input.c ({@code mptcp_syn_options()}, {@code mptcp_synack_options()},
 * {@code mptcp_established_options()}, {@code mptcp_incoming_options()}) and the subflow request-sock
 * operations of net/mptcp/subflow.c ({@code subflow_v4_init_req()}, {@code subflow_syn_recv_sock()}).
 * One instance per socket (the {@code struct mptcp_subflow_context}); implemented by the MPTCP layer.
 * Data, write-space, state and error events reach the ULP through the socket's
 * {@link org.nicemu.api.sock.SockCallbacks}. Loop thread only; the hooks must not throw.
 */
@org.osgi.annotation.versioning.ConsumerType
public interface TcpUlp {
    /** Returned by {@link #synReceived} to refuse the connection with a RST ({@code subflow_req_create_thmac} failing, unknown token). */
    TcpUlp REJECT = new TcpUlp() {
    };

    /** The ULP's name ({@code "mptcp"}). */
    default String name() {
        return "mptcp";
    }

    /**
     * Options for the SYN of an active open ({@code mptcp_syn_options()}): writes the raw options to
     * {@code out} and returns their length (0 for none).
     */
    default int synOptions(TcpSubflow sf, byte[] out) {
        return 0;
    }

    /**
     * A SYN reached a listener this ULP is attached to; {@code child} is the new socket in SYN_RECV.
     * Returns the ULP for the child, null to continue as plain TCP, or {@link #REJECT}. The role of
     * {@code subflow_v4_init_req()} / {@code subflow_check_req()}.
     *
     * @param opts the TCP options area of the SYN ({@code optOff}, {@code optLen} in {@code opts})
     */
    default TcpUlp synReceived(TcpSubflow listener, TcpSubflow child, byte[] opts, int optOff, int optLen) {
        return null;
    }

    /** Options for the SYN-ACK of {@code child} ({@code mptcp_synack_options()}); length written. */
    default int synackOptions(TcpSubflow child, byte[] out) {
        return 0;
    }

    /**
     * Options for a segment after the handshake ({@code mptcp_established_options()}).
     *
     * @param skb       the skb being transmitted: a data skb carries its mapping in {@link UlpCb}, a
     *                  segment without data (ACK, FIN, RST, window update) has a cleared {@link UlpCb};
     *                  null when TCP only sizes the options of a full data segment for
     *                  {@code tcp_current_mss()} (as the kernel calls it with {@code skb == NULL}: the
     *                  answer must be the largest a data segment uses, a mapping included)
     * @param tcpFlags  the TCP flags of the segment
     * @param remaining option space left after the timestamps, bytes
     * @return bytes written to {@code out} (at most {@code remaining})
     */
    default int establishedOptions(TcpSubflow sf, SkBuff skb, int tcpFlags, int remaining, byte[] out) {
        return 0;
    }

    /**
     * A segment was accepted on the socket (after sequence and PAWS checks, before its ACK and data
     * are processed; for a SYN-ACK in SYN_SENT before the handshake completes):
     * {@code mptcp_incoming_options()}.
     *
     * @param seq        its sequence number
     * @param payloadLen its payload length
     */
    default void incomingOptions(TcpSubflow sf, int tcpFlags, int seq, int payloadLen, byte[] opts, int optOff,
            int optLen) {
    }

    /**
     * The socket reached ESTABLISHED (either side). For a passive child, true keeps it out of the
     * listener's accept queue because the ULP took it (an MP_JOIN subflow joins its connection).
     */
    default boolean established(TcpSubflow sf) {
        return false;
    }

    /**
     * The receive window to advertise, in bytes, before scaling ({@code __tcp_select_window()}, which
     * for an MPTCP subflow works on the connection's receive space: RFC 8684 §3.3.4's shared window);
     * {@code tcpWindow} is what TCP computed from the socket's own buffer. TCP keeps its rules around
     * the answer (never shrinking the right edge, the scale and the field's limit).
     */
    default int receiveWindow(TcpSubflow sf, int tcpWindow) {
        return tcpWindow;
    }

    /** The socket is gone ({@code tcp_done()} / destroy): the ULP must drop its reference. */
    default void release(TcpSubflow sf) {
    }

    /** The subflows coupled with this one for congestion control (LIA), or null. */
    default CoupledSubflows coupled(TcpSubflow sf) {
        return null;
    }
}
