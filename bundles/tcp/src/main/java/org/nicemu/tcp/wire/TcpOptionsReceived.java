package org.nicemu.tcp.wire;

import java.util.Arrays;

/**
 * What {@link TcpOptions#parse} found in the options of one received segment: the wire-level part of
 * include/linux/tcp.h {@code struct tcp_options_received} ({@code saw_tstamp}, {@code rcv_tsval},
 * {@code rcv_tsecr}, {@code snd_wscale}, {@code sack_ok}, {@code num_sacks}, the MSS) plus the
 * SACK blocks themselves (the kernel keeps only their offset, {@code TCP_SKB_CB(skb)->sacked}) and
 * the options it does not interpret, kept raw (kind, offset, length) for later layers such as MPTCP
 * (kind 30), which the kernel parses separately in net/mptcp/options.c {@code mptcp_get_options()}.
 *
 * <p>A mutable holder meant to be reused for every segment (no allocation per packet);
 * {@link TcpOptions#parse} clears it first. It records what is on the wire regardless of the
 * segment's flags: honouring MSS, window scale and SACK-permitted only on a SYN, as
 * {@code tcp_parse_options()} does, is the input path's decision.
 */
public final class TcpOptionsReceived {

    /** Outcome of parsing; anything but {@link #OK} means the options area was malformed. */
    public enum Status {
        /** Well formed (unknown options are fine). */
        OK,
        /**
         * An option's length byte is missing or runs past the end of the options area; parsing
         * stopped there, as {@code tcp_parse_options()} stops ("don't parse partial options").
         * Also returned for a region outside the buffer.
         */
        TRUNCATED,
        /**
         * An option length below 2; parsing stopped there, as {@code tcp_parse_options()} stops
         * ("silly options").
         */
        BAD_LENGTH,
        /**
         * A known option (MSS, window scale, SACK-permitted, SACK, timestamps) with a length that is
         * not its own; that option was ignored and parsing went on, as {@code tcp_parse_options()}
         * ignores it.
         */
        BAD_OPTION_LENGTH,
        /** More than {@link TcpOptions#MAX_TCP_OPTION_SPACE} bytes of options (a doff above 15). */
        TOO_LONG
    }

    /** Most options that fit in 40 bytes (two bytes each). */
    public static final int MAX_RAW = TcpOptions.MAX_TCP_OPTION_SPACE / 2;

    Status status = Status.OK;
    int malformedOffset = -1;
    boolean hasMss;
    int mss;
    boolean hasWscale;
    int wscale;
    boolean sackPermitted;
    boolean sawTstamp;
    int tsval;
    int tsecr;
    int numSacks;
    final int[] sackStart = new int[TcpOptions.TCP_NUM_SACKS];
    final int[] sackEnd = new int[TcpOptions.TCP_NUM_SACKS];
    int numRaw;
    final int[] rawKind = new int[MAX_RAW];
    final int[] rawOffset = new int[MAX_RAW];
    final int[] rawLength = new int[MAX_RAW];

    /** Forgets everything (done by every parse). */
    public void clear() {
        status = Status.OK;
        malformedOffset = -1;
        hasMss = false;
        mss = 0;
        hasWscale = false;
        wscale = 0;
        sackPermitted = false;
        sawTstamp = false;
        tsval = 0;
        tsecr = 0;
        numSacks = 0;
        numRaw = 0;
    }

    /** The parse outcome. */
    public Status status() { return status; }

    /** Whether the options were well formed. */
    public boolean ok() { return status == Status.OK; }

    /** Offset (in the buffer) of the first malformed byte, -1 when {@link #ok()}. */
    public int malformedOffset() { return malformedOffset; }

    /** Whether an MSS option (kind 2, length 4) was seen. */
    public boolean hasMss() { return hasMss; }

    /** The MSS option's value (0..65535; the kernel ignores 0). */
    public int mss() { return mss; }

    /** Whether a window-scale option (kind 3, length 3) was seen. */
    public boolean hasWscale() { return hasWscale; }

    /**
     * The shift count as sent (0..255). The kernel clamps it to {@link TcpOptions#TCP_MAX_WSCALE}
     * and logs; see {@link TcpOptions#clampWscale}.
     */
    public int wscale() { return wscale; }

    /** Whether SACK-permitted (kind 4, length 2) was seen. */
    public boolean sackPermitted() { return sackPermitted; }

    /** {@code saw_tstamp}: whether a timestamps option (kind 8, length 10) was seen. */
    public boolean sawTstamp() { return sawTstamp; }

    /** {@code rcv_tsval} (u32 bit pattern). */
    public int tsval() { return tsval; }

    /** {@code rcv_tsecr} (u32 bit pattern). */
    public int tsecr() { return tsecr; }

    /** Number of SACK blocks of the (last) SACK option, 0..4. */
    public int numSacks() { return numSacks; }

    /** Left edge of SACK block {@code i} (u32 bit pattern). */
    public int sackStart(int i) { return sackStart[i]; }

    /** Right edge (exclusive) of SACK block {@code i}. */
    public int sackEnd(int i) { return sackEnd[i]; }

    /** Copies the SACK blocks' edges into the caller's arrays; returns {@link #numSacks()}. */
    public int copySacks(int[] starts, int[] ends) {
        System.arraycopy(sackStart, 0, starts, 0, numSacks);
        System.arraycopy(sackEnd, 0, ends, 0, numSacks);
        return numSacks;
    }

    /** Number of options kept raw (kinds this codec does not interpret, e.g. 30 MPTCP, 34 TFO). */
    public int numRaw() { return numRaw; }

    /** Kind of raw option {@code i}. */
    public int rawKind(int i) { return rawKind[i]; }

    /** Offset in the parsed buffer of raw option {@code i}'s kind byte. */
    public int rawOffset(int i) { return rawOffset[i]; }

    /** Total length (kind and length bytes included) of raw option {@code i}. */
    public int rawLength(int i) { return rawLength[i]; }

    /** Index of the first raw option of {@code kind}, or -1. */
    public int findRaw(int kind) {
        for (int i = 0; i < numRaw; i++) {
            if (rawKind[i] == kind) return i;
        }
        return -1;
    }

    /** A copy of raw option {@code i}'s bytes (allocates; for tests and slow paths). */
    public byte[] rawBytes(byte[] buf, int i) {
        return Arrays.copyOfRange(buf, rawOffset[i], rawOffset[i] + rawLength[i]);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("TcpOptionsReceived[").append(status);
        if (hasMss) sb.append(" mss=").append(mss);
        if (sackPermitted) sb.append(" sackOK");
        if (sawTstamp) sb.append(" ts=").append(tsval & 0xffffffffL).append('/').append(tsecr & 0xffffffffL);
        if (hasWscale) sb.append(" ws=").append(wscale);
        for (int i = 0; i < numSacks; i++) {
            sb.append(" sack=").append(sackStart[i] & 0xffffffffL).append('-').append(sackEnd[i] & 0xffffffffL);
        }
        for (int i = 0; i < numRaw; i++) sb.append(" kind").append(rawKind[i]).append('/').append(rawLength[i]);
        return sb.append(']').toString();
    }
}
