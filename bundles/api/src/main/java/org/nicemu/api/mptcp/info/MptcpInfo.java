package org.nicemu.api.mptcp.info;

import java.util.List;

/**
 * One MPTCP connection as {@code ss -tiM} shows it (the role of {@code struct mptcp_info}, with the
 * subflows as {@code MPTCP_SUBFLOW_ADDRS}/{@code TCP_INFO} per subflow). Bytes are data-level
 * payload bytes unless named otherwise.
 *
 * @param state             the connection's state name ("ESTAB", ...)
 * @param local             local address:port of the initial subflow
 * @param remote            remote address:port of the initial subflow
 * @param scheduler         the scheduler in use
 * @param fallback          fell back to plain TCP (RFC 8684 §3.7)
 * @param localToken        our token (from our key)
 * @param remoteToken       the peer's token
 * @param bytesSent         new data bytes sent (first transmission at data level)
 * @param bytesAcked        bytes DATA_ACKed by the peer
 * @param bytesReceived     in-order data-level bytes received
 * @param bytesReinjected   bytes sent again on another subflow (reinjections and meta retransmissions)
 * @param dupBytesReceived  data-level bytes received more than once (redundant copies, reinjections)
 * @param sndUna            data-level snd_una (64-bit DSN)
 * @param sndNxt            data-level snd_nxt
 * @param rcvNxt            data-level rcv_nxt
 * @param dataRtos          data-level retransmission timeouts
 * @param schedulerChanges  scheduler (re)assignments, the first one included
 * @param subflows          the subflows, in connection-list order
 */
public record MptcpInfo(String state, String local, String remote, String scheduler, boolean fallback, int localToken,
        int remoteToken, long bytesSent, long bytesAcked, long bytesReceived, long bytesReinjected, long dupBytesReceived,
        long sndUna, long sndNxt, long rcvNxt, long dataRtos, long schedulerChanges, List<Subflow> subflows) {

    /**
     * One subflow.
     *
     * @param pathIndex       the scheduler's path index (1..32)
     * @param localId         local address ID (0: the initial address)
     * @param remoteId        remote address ID
     * @param local           local address:port
     * @param remote          remote address:port
     * @param state           TCP state name
     * @param backup          backup subflow (MP_JOIN B bit / MP_PRIO, either side)
     * @param fullyEstablished the peer has confirmed the MPTCP state on it
     * @param cwnd            congestion window, packets
     * @param srttUs          smoothed RTT, µs
     * @param schedBytes      bytes the scheduler put on this subflow (reinjections included)
     * @param schedSegments   segments the scheduler put on this subflow
     * @param reinjectBytes   of those, bytes that were reinjections or meta retransmissions
     * @param rcvBytes        data bytes read from this subflow into the connection
     * @param tcpBytesSent    TCP bytes sent on it, retransmissions included ({@code tcpi_bytes_sent})
     * @param tcpRetrans      TCP retransmitted segments ({@code tcpi_total_retrans})
     */
    public record Subflow(int pathIndex, int localId, int remoteId, String local, String remote, String state, boolean backup,
            boolean fullyEstablished, long cwnd, long srttUs, long schedBytes, long schedSegments, long reinjectBytes,
            long rcvBytes, long tcpBytesSent, long tcpRetrans) {
        /** The {@code ss -M}-style line of the subflow. */
        public String ssLine() {
            return String.format("\tsubflow %d %s -> %s %s ids %d/%d%s%s cwnd:%d rtt:%.3f sched_bytes:%d sched_segs:%d reinject_bytes:%d rcv_bytes:%d tcp_bytes_sent:%d retrans:%d",
                    pathIndex, local, remote, state, localId, remoteId, backup ? " backup" : "", fullyEstablished ? "" : " pre-established",
                    cwnd, srttUs / 1000.0, schedBytes, schedSegments, reinjectBytes, rcvBytes, tcpBytesSent, tcpRetrans);
        }
    }

    /** The {@code ss -tiM} block: connection line, data-level counters, one line per subflow. */
    public String ssLines() {
        StringBuilder b = new StringBuilder();
        b.append(String.format("%-11s %-22s %-22s mptcp%n", state, local, remote));
        b.append("\t scheduler:").append(scheduler).append(fallback ? " fallback" : "")
                .append(String.format(" token:%08x remote_token:%08x", localToken, remoteToken))
                .append(" subflows:").append(subflows.size())
                .append(" bytes_sent:").append(bytesSent).append(" bytes_acked:").append(bytesAcked)
                .append(" bytes_received:").append(bytesReceived).append(" bytes_reinjected:").append(bytesReinjected)
                .append(" dup_bytes_received:").append(dupBytesReceived).append(" data_rtos:").append(dataRtos)
                .append(" scheduler_changes:").append(schedulerChanges).append('\n');
        for (Subflow s : subflows) b.append(s.ssLine()).append('\n');
        return b.toString();
    }
}
