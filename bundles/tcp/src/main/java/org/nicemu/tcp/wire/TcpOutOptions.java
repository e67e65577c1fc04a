package org.nicemu.tcp.wire;

/**
 * The options of one outgoing segment, mirroring net/ipv4/tcp_output.c {@code struct tcp_out_options}
 * ({@code options} bits, {@code ws}, {@code num_sack_blocks}, {@code mss}, {@code tsval},
 * {@code tsecr}) plus the SACK blocks to send (the kernel reads them from the socket's
 * {@code duplicate_sack}/{@code selective_acks}) and raw trailing options such as MPTCP's, which
 * {@code tcp_options_write()} hands to {@code mptcp_options_write()} last.
 *
 * <p>A mutable holder, reused per segment. Fill it with {@link #tcpSynOptions},
 * {@link #tcpSynackOptions} or {@link #tcpEstablishedOptions} (which also return the option space
 * used, as the kernel's functions do) and write it with {@link TcpOptions#write}.
 */
public final class TcpOutOptions {
    /** {@code OPTION_SACK_ADVERTISE}: send SACK-permitted. */
    public static final int OPTION_SACK_ADVERTISE = 1 << 0;
    /** {@code OPTION_TS}: send timestamps. */
    public static final int OPTION_TS = 1 << 1;
    /** {@code OPTION_WSCALE}: send window scale. */
    public static final int OPTION_WSCALE = 1 << 3;
    /** {@code OPTION_MPTCP}: raw trailing options are present (see {@link #setExtra}). */
    public static final int OPTION_MPTCP = 1 << 10;

    int options;
    int mss;
    int ws;
    int tsval;
    int tsecr;
    int numSackBlocks;
    final int[] sackStart = new int[TcpOptions.TCP_NUM_SACKS];
    final int[] sackEnd = new int[TcpOptions.TCP_NUM_SACKS];
    final byte[] extra = new byte[TcpOptions.MAX_TCP_OPTION_SPACE];
    int extraLen;

    /** No options at all. */
    public TcpOutOptions clear() {
        options = 0;
        mss = 0;
        ws = 0;
        tsval = 0;
        tsecr = 0;
        numSackBlocks = 0;
        extraLen = 0;
        return this;
    }

    /**
     * Mirrors net/ipv4/tcp_output.c {@code tcp_syn_options()} without MD5/AO, Fast Open and SMC:
     * MSS always, then timestamps, window scale and SACK-permitted when enabled; raw extra options
     * (MPTCP's MP_CAPABLE) must have been set with {@link #setExtra} before. Returns the option
     * space used (20 with everything on, the Linux SYN of the reference capture).
     *
     * @param mss the MSS to advertise ({@code tcp_advertise_mss()})
     * @param timestamps {@code sysctl_tcp_timestamps}
     * @param windowScaling {@code sysctl_tcp_window_scaling}; {@code ws} is {@code rcv_wscale}
     * @param sack {@code sysctl_tcp_sack}
     */
    public int tcpSynOptions(int mss, boolean timestamps, int tsval, int tsecr, boolean windowScaling, int ws,
            boolean sack) {
        int keepExtra = extraLen;
        int keepMptcp = options & OPTION_MPTCP;
        clear();
        extraLen = keepExtra;
        options = keepMptcp;
        int remaining = TcpOptions.MAX_TCP_OPTION_SPACE;
        this.mss = mss;
        remaining -= TcpOptions.TCPOLEN_MSS_ALIGNED;
        if (timestamps) {
            options |= OPTION_TS;
            this.tsval = tsval;
            this.tsecr = tsecr;
            remaining -= TcpOptions.TCPOLEN_TSTAMP_ALIGNED;
        }
        if (windowScaling) {
            this.ws = ws;
            options |= OPTION_WSCALE;
            remaining -= TcpOptions.TCPOLEN_WSCALE_ALIGNED;
        }
        if (sack) {
            options |= OPTION_SACK_ADVERTISE;
            if ((options & OPTION_TS) == 0) remaining -= TcpOptions.TCPOLEN_SACKPERM_ALIGNED;
        }
        remaining -= align4(extraLen);
        return TcpOptions.MAX_TCP_OPTION_SPACE - remaining;
    }

    /**
     * Mirrors net/ipv4/tcp_output.c {@code tcp_synack_options()}: the same layout as the SYN, each
     * option present only if the peer's SYN offered it ({@code ireq->wscale_ok},
     * {@code ireq->sack_ok}, {@code ireq->tstamp_ok}). Returns the option space used.
     */
    public int tcpSynackOptions(int mss, boolean tstampOk, int tsval, int tsecr, boolean wscaleOk, int rcvWscale,
            boolean sackOk) {
        return tcpSynOptions(mss, tstampOk, tsval, tsecr, wscaleOk, rcvWscale, sackOk);
    }

    /**
     * Mirrors net/ipv4/tcp_output.c {@code tcp_established_options()}: timestamps if negotiated
     * (12 bytes), then the raw extra options set with {@link #setExtra} (MPTCP has precedence over
     * SACK for the space), then as many of the {@code nBlocks} SACK blocks as fit in what is left
     * ({@code (remaining - 4) / 8}: 3 with timestamps, 4 without). With a D-SACK to report, pass
     * it as block 0 followed by the SACK blocks, as the kernel's {@code duplicate_sack} is followed
     * in memory by {@code selective_acks}. Returns the option space used.
     */
    public int tcpEstablishedOptions(boolean tstampOk, int tsval, int tsecr, int[] starts, int[] ends, int nBlocks) {
        int keepExtra = extraLen;
        int keepMptcp = options & OPTION_MPTCP;
        clear();
        extraLen = keepExtra;
        options = keepMptcp;
        int size = 0;
        if (tstampOk) {
            options |= OPTION_TS;
            this.tsval = tsval;
            this.tsecr = tsecr;
            size += TcpOptions.TCPOLEN_TSTAMP_ALIGNED;
        }
        size += align4(extraLen);
        if (nBlocks > 0) {
            int remaining = TcpOptions.MAX_TCP_OPTION_SPACE - size;
            if (remaining < TcpOptions.TCPOLEN_SACK_BASE_ALIGNED + TcpOptions.TCPOLEN_SACK_PERBLOCK) return size;
            numSackBlocks = Math.min(Math.min(nBlocks, TcpOptions.TCP_NUM_SACKS),
                    (remaining - TcpOptions.TCPOLEN_SACK_BASE_ALIGNED) / TcpOptions.TCPOLEN_SACK_PERBLOCK);
            for (int i = 0; i < numSackBlocks; i++) {
                sackStart[i] = starts[i];
                sackEnd[i] = ends[i];
            }
            size += TcpOptions.TCPOLEN_SACK_BASE_ALIGNED + numSackBlocks * TcpOptions.TCPOLEN_SACK_PERBLOCK;
        }
        return size;
    }

    /**
     * Sets raw options written after everything else (MPTCP, written by the kernel's
     * {@code mptcp_options_write()} at the end of {@code tcp_options_write()}); bytes are copied, and
     * NOPs pad them to a multiple of 4 when needed. Call before the {@code tcp*Options} methods so
     * that the space accounting sees them. {@code len} 0 removes them.
     */
    public TcpOutOptions setExtra(byte[] src, int off, int len) {
        if (len < 0 || len > TcpOptions.MAX_TCP_OPTION_SPACE) throw new IllegalArgumentException("extra options: " + len + " bytes");
        System.arraycopy(src, off, extra, 0, len);
        extraLen = len;
        if (len > 0) options |= OPTION_MPTCP;
        else options &= ~OPTION_MPTCP;
        return this;
    }

    /** Sets the option bits directly (the {@code OPTION_*} constants). */
    public TcpOutOptions setOptions(int options) { this.options = options; return this; }

    /** Sets the MSS to send (0 = none); only SYNs carry it. */
    public TcpOutOptions setMss(int mss) { this.mss = mss; return this; }

    /** Sets the window-scale shift and the {@link #OPTION_WSCALE} bit. */
    public TcpOutOptions setWscale(int ws) { this.ws = ws; options |= OPTION_WSCALE; return this; }

    /** Sets TSval/TSecr and the {@link #OPTION_TS} bit. */
    public TcpOutOptions setTimestamps(int tsval, int tsecr) {
        this.tsval = tsval;
        this.tsecr = tsecr;
        options |= OPTION_TS;
        return this;
    }

    /** Appends a SACK block (at most 4; the caller keeps to the space rules). */
    public TcpOutOptions addSackBlock(int start, int end) {
        sackStart[numSackBlocks] = start;
        sackEnd[numSackBlocks] = end;
        numSackBlocks++;
        return this;
    }

    /** The {@code OPTION_*} bits. */
    public int options() { return options; }

    /** The MSS to send, 0 for none. */
    public int mss() { return mss; }

    /** The window-scale shift. */
    public int ws() { return ws; }

    /** TSval. */
    public int tsval() { return tsval; }

    /** TSecr. */
    public int tsecr() { return tsecr; }

    /** Number of SACK blocks to send. */
    public int numSackBlocks() { return numSackBlocks; }

    /** Length of the raw extra options (before padding). */
    public int extraLen() { return extraLen; }

    /**
     * The option bytes this holder writes (a multiple of 4, at most 40): the sum the kernel's
     * {@code tcp_*_options()} return. The TCP header length is {@code 20 + size()}.
     */
    public int size() {
        int n = 0;
        if (mss != 0) n += TcpOptions.TCPOLEN_MSS_ALIGNED;
        if ((options & OPTION_TS) != 0) n += TcpOptions.TCPOLEN_TSTAMP_ALIGNED;
        else if ((options & OPTION_SACK_ADVERTISE) != 0) n += TcpOptions.TCPOLEN_SACKPERM_ALIGNED;
        if ((options & OPTION_WSCALE) != 0) n += TcpOptions.TCPOLEN_WSCALE_ALIGNED;
        if (numSackBlocks > 0) n += TcpOptions.TCPOLEN_SACK_BASE_ALIGNED + numSackBlocks * TcpOptions.TCPOLEN_SACK_PERBLOCK;
        n += align4(extraLen);
        return n;
    }

    static int align4(int n) {
        return (n + 3) & ~3;
    }
}
