package org.nicemu.api.sock;

/**
 * A snapshot of one TCP socket: mirrors {@code struct tcp_info} (tcp_get_info()) plus the names
 * {@code ss -tin} prints. Times in microseconds, windows in segments, bytes in bytes.
 */
public record TcpInfo(String state, String local, String remote, String cc, int sndWscale, int rcvWscale,
        long rtoUs, long rttUs, long rttvarUs, long minRttUs, int mss, int advmss, long cwnd, long ssthresh,
        long bytesSent, long bytesRetrans, long bytesAcked, long bytesReceived, long segsOut, long segsIn,
        long dataSegsOut, long dataSegsIn, long retrans, long totalRetrans, long lost, long sacked,
        long unacked, long pacingRateBps, long deliveryRateBps, long rcvSpace, long sndWnd, long rcvWnd,
        int caState, int backoff, long sendQ, long recvQ) {

    /** One {@code ss -tin} block: the address line and the info line. */
    public String ssLine() {
        StringBuilder b = new StringBuilder();
        b.append(String.format("%-11s %-6d %-6d %-22s %-22s%n", state, recvQ, sendQ, local, remote));
        b.append("\t ").append(cc);
        if (sndWscale >= 0) b.append(" wscale:").append(sndWscale).append(',').append(rcvWscale);
        b.append(String.format(" rto:%s rtt:%.3f/%.3f", trimMs(rtoUs), rttUs / 1000.0, rttvarUs / 1000.0));
        b.append(" mss:").append(mss).append(" advmss:").append(advmss);
        b.append(" cwnd:").append(cwnd);
        if (ssthresh < Integer.MAX_VALUE) b.append(" ssthresh:").append(ssthresh);
        b.append(" bytes_sent:").append(bytesSent);
        if (bytesRetrans > 0) b.append(" bytes_retrans:").append(bytesRetrans);
        b.append(" bytes_acked:").append(bytesAcked).append(" bytes_received:").append(bytesReceived);
        b.append(" segs_out:").append(segsOut).append(" segs_in:").append(segsIn);
        b.append(" data_segs_out:").append(dataSegsOut).append(" data_segs_in:").append(dataSegsIn);
        if (pacingRateBps > 0) b.append(" pacing_rate ").append(rate(pacingRateBps));
        if (deliveryRateBps > 0) b.append(" delivery_rate ").append(rate(deliveryRateBps));
        if (unacked > 0) b.append(" unacked:").append(unacked);
        if (retrans > 0 || totalRetrans > 0) b.append(" retrans:").append(retrans).append('/').append(totalRetrans);
        if (lost > 0) b.append(" lost:").append(lost);
        if (sacked > 0) b.append(" sacked:").append(sacked);
        b.append(" rcv_space:").append(rcvSpace);
        b.append(" minrtt:").append(String.format("%.3f", minRttUs / 1000.0));
        b.append(" snd_wnd:").append(sndWnd).append(" rcv_wnd:").append(rcvWnd);
        return b.toString();
    }

    private static String trimMs(long us) {
        return us % 1000 == 0 ? Long.toString(us / 1000) : String.format("%.3f", us / 1000.0);
    }

    /** A rate the way ss prints it (bits per second with K/M/G). */
    static String rate(long bps) {
        if (bps >= 1_000_000_000L) return String.format("%.1fGbps", bps / 1e9);
        if (bps >= 1_000_000L) return String.format("%.1fMbps", bps / 1e6);
        if (bps >= 1_000L) return String.format("%.1fKbps", bps / 1e3);
        return bps + "bps";
    }
}
