package org.nicemu.api.tcp.ulp;

import org.nicemu.api.skb.SkBuff;

/**
 * The ULP's part of a TCP skb's control block: bytes 24..39 of {@link SkBuff#cb}, which TCP never
 * uses and copies to both parts when it splits an skb ({@code tcp_fragment()}, {@code tso_fragment()}),
 * as the kernel copies the skb's {@code struct mptcp_ext}. MPTCP keeps the DSS mapping of a subflow
 * skb here: the 64-bit data sequence number, the relative subflow sequence number and the data-level
 * length of the mapping the skb belongs to (a split skb keeps the whole mapping), plus flags.
 */
public final class UlpCb {
    /** First byte of the ULP area in {@code skb.cb}. */
    public static final int OFFSET = 24;
    /** Size of the ULP area in bytes. */
    public static final int SIZE = 16;
    /** Flag: the skb carries a mapping ({@code mpext->use_map}). */
    public static final int F_MAP = 1;
    /** Flag: the mapping ends with the DATA_FIN ({@code mpext->data_fin}). */
    public static final int F_DATA_FIN = 2;

    private UlpCb() {
    }

    /** Data sequence number of the mapping's first byte ({@code mpext->data_seq}). */
    public static long dataSeq(SkBuff s) {
        long v = 0;
        for (int i = 0; i < 8; i++) v = v << 8 | (s.cb[OFFSET + i] & 0xff);
        return v;
    }

    /** Relative subflow sequence number of the mapping's first byte ({@code mpext->subflow_seq}). */
    public static int subflowSeq(SkBuff s) {
        int o = OFFSET + 8;
        return (s.cb[o] & 0xff) << 24 | (s.cb[o + 1] & 0xff) << 16 | (s.cb[o + 2] & 0xff) << 8 | (s.cb[o + 3] & 0xff);
    }

    /** Data-level length of the mapping in bytes, DATA_FIN included ({@code mpext->data_len}). */
    public static int dataLen(SkBuff s) {
        int o = OFFSET + 12;
        return (s.cb[o] & 0xff) << 8 | (s.cb[o + 1] & 0xff);
    }

    /** The {@code F_*} flags. */
    public static int flags(SkBuff s) {
        return s.cb[OFFSET + 14] & 0xff;
    }

    /** Sets a mapping on {@code s}. */
    public static void setMapping(SkBuff s, long dataSeq, int subflowSeq, int dataLen, int flags) {
        if (dataLen < 0 || dataLen > 0xffff) throw new IllegalArgumentException("mapping length " + dataLen + " (0..65535)");
        for (int i = 7; i >= 0; i--) {
            s.cb[OFFSET + i] = (byte) dataSeq;
            dataSeq >>>= 8;
        }
        int o = OFFSET + 8;
        s.cb[o] = (byte) (subflowSeq >>> 24);
        s.cb[o + 1] = (byte) (subflowSeq >>> 16);
        s.cb[o + 2] = (byte) (subflowSeq >>> 8);
        s.cb[o + 3] = (byte) subflowSeq;
        s.cb[o + 4] = (byte) (dataLen >>> 8);
        s.cb[o + 5] = (byte) dataLen;
        s.cb[o + 6] = (byte) flags;
        s.cb[o + 7] = 0;
    }

    /** Clears the ULP area (no mapping). */
    public static void clear(SkBuff s) {
        java.util.Arrays.fill(s.cb, OFFSET, OFFSET + SIZE, (byte) 0);
    }

    /** Copies the ULP area of {@code from} to {@code to} (the split of an skb). */
    public static void copy(SkBuff from, SkBuff to) {
        System.arraycopy(from.cb, OFFSET, to.cb, OFFSET, SIZE);
    }
}
