package org.nicemu.api.wire;

/**
 * A view over a TCP header in a byte array, mirroring include/uapi/linux/tcp.h {@code struct tcphdr}
 * (RFC 9293 §3.1: source, dest, seq, ack_seq, doff, flags CWR/ECE/URG/ACK/PSH/RST/SYN/FIN, window,
 * check, urg_ptr) with the checksum helpers of net/ipv4/tcp_ipv4.c ({@code __tcp_v4_send_check()})
 * and the header checks of {@code tcp_v4_rcv()}. Stateless static methods over {@code (buf, off)} where
 * {@code off} is the first byte of the TCP header. Options are the raw bytes between
 * {@link #MIN_LEN} and {@link #headerLength}; this view does not parse them.
 *
 * <p>{@link #validate} checks untrusted bytes and never throws; the other methods assume a validated
 * region. Sequence numbers are returned as {@code int} (compare them with modular arithmetic, as
 * the kernel's {@code before()}/{@code after()} do).
 */
public final class TcpHeader {
    /** sizeof(struct tcphdr): the header without options. */
    public static final int MIN_LEN = 20;
    /** The longest header (data offset 15). */
    public static final int MAX_LEN = 60;

    /** Offsets of the fields; the data offset is the high nibble of the byte at {@link #DATA_OFF}. */
    public static final int SRC_PORT = 0, DST_PORT = 2, SEQ = 4, ACK_SEQ = 8, DATA_OFF = 12, FLAGS = 13, WINDOW = 14,
            CHECK = 16, URG_PTR = 18;

    /** Flag bits of the byte at {@link #FLAGS} (TCPHDR_FIN ... TCPHDR_CWR in include/net/tcp.h). */
    public static final int FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10, URG = 0x20, ECE = 0x40,
            CWR = 0x80;

    /** Outcome of {@link #validate}, in the order of the checks in tcp_v4_rcv(). */
    public enum Check {
        OK,
        /** Fewer than 20 bytes, fewer than doff*4 bytes, or a region outside the buffer (discarded). */
        TRUNCATED,
        /** doff &lt; 5 (TCP_MIB_INERRS, SKB_DROP_REASON_PKT_TOO_SMALL). */
        BAD_DATA_OFFSET,
        /** The segment and pseudo header do not sum to 0xffff (TCP_MIB_CSUMERRORS). */
        BAD_CHECKSUM
    }

    private TcpHeader() {
    }

    /**
     * Checks {@code availableLen} untrusted bytes at {@code buf[off]} (the IP payload as bounded by
     * tot_len): fixed header present, doff ≥ 5, doff*4 bytes present. The checksum is not checked.
     * Never throws.
     */
    public static Check validate(byte[] buf, int off, int availableLen) {
        if (!Bytes.inBounds(buf, off, availableLen) || availableLen < MIN_LEN) return Check.TRUNCATED;
        int doff = dataOffset(buf, off);
        if (doff < 5) return Check.BAD_DATA_OFFSET;
        if (doff * 4 > availableLen) return Check.TRUNCATED;
        return Check.OK;
    }

    /**
     * {@link #validate(byte[], int, int)} followed by the checksum of all {@code availableLen} bytes
     * (the segment) with the pseudo header ({@code tcp_v4_checksum_init()} + {@code tcp_checksum_complete()}).
     */
    public static Check validate(byte[] buf, int off, int availableLen, int srcIp, int dstIp) {
        Check c = validate(buf, off, availableLen);
        if (c != Check.OK) return c;
        return verifyChecksum(buf, off, srcIp, dstIp, availableLen) ? Check.OK : Check.BAD_CHECKSUM;
    }

    public static int srcPort(byte[] buf, int off) { return Bytes.u16(buf, off + SRC_PORT); }

    public static int dstPort(byte[] buf, int off) { return Bytes.u16(buf, off + DST_PORT); }

    /** seq. */
    public static int seq(byte[] buf, int off) { return Bytes.i32(buf, off + SEQ); }

    /** ack_seq. */
    public static int ackSeq(byte[] buf, int off) { return Bytes.i32(buf, off + ACK_SEQ); }

    /** doff in 32-bit words. */
    public static int dataOffset(byte[] buf, int off) { return Bytes.u8(buf, off + DATA_OFF) >>> 4; }

    /** doff*4: header length in bytes, options included. */
    public static int headerLength(byte[] buf, int off) { return dataOffset(buf, off) * 4; }

    /** The flag byte (CWR..FIN, see the constants). */
    public static int flags(byte[] buf, int off) { return Bytes.u8(buf, off + FLAGS); }

    /** Whether all bits of {@code flagMask} are set. */
    public static boolean hasFlags(byte[] buf, int off, int flagMask) { return (flags(buf, off) & flagMask) == flagMask; }

    public static int window(byte[] buf, int off) { return Bytes.u16(buf, off + WINDOW); }

    /** The stored checksum. */
    public static int checksum(byte[] buf, int off) { return Bytes.u16(buf, off + CHECK); }

    public static int urgentPointer(byte[] buf, int off) { return Bytes.u16(buf, off + URG_PTR); }

    /** Offset in {@code buf} of the first option byte. */
    public static int optionsOffset(int off) { return off + MIN_LEN; }

    /** Bytes of options (doff*4 - 20). */
    public static int optionsLength(byte[] buf, int off) { return headerLength(buf, off) - MIN_LEN; }

    public static void setSrcPort(byte[] buf, int off, int port) { Bytes.put16(buf, off + SRC_PORT, port); }

    public static void setDstPort(byte[] buf, int off, int port) { Bytes.put16(buf, off + DST_PORT, port); }

    public static void setSeq(byte[] buf, int off, int seq) { Bytes.put32(buf, off + SEQ, seq); }

    public static void setAckSeq(byte[] buf, int off, int ack) { Bytes.put32(buf, off + ACK_SEQ, ack); }

    /** Sets doff (5..15 words); the reserved bits are cleared. */
    public static void setDataOffset(byte[] buf, int off, int words) { Bytes.put8(buf, off + DATA_OFF, (words & 0xf) << 4); }

    /** Sets the header length in bytes (a multiple of 4, 20..60). */
    public static void setHeaderLength(byte[] buf, int off, int bytes) { setDataOffset(buf, off, bytes >>> 2); }

    public static void setFlags(byte[] buf, int off, int flags) { Bytes.put8(buf, off + FLAGS, flags); }

    public static void setWindow(byte[] buf, int off, int window) { Bytes.put16(buf, off + WINDOW, window); }

    /** Stores a checksum value as is. */
    public static void setChecksum(byte[] buf, int off, int check) { Bytes.put16(buf, off + CHECK, check); }

    public static void setUrgentPointer(byte[] buf, int off, int urg) { Bytes.put16(buf, off + URG_PTR, urg); }

    /**
     * Writes the fixed header with a zero checksum and urgent pointer, as tcp_transmit_skb() fills
     * it; {@code headerLength} includes the options the caller writes after the fixed part.
     * Returns {@link #MIN_LEN}.
     */
    public static int write(byte[] buf, int off, int srcPort, int dstPort, int seq, int ackSeq, int headerLength,
            int flags, int window) {
        setSrcPort(buf, off, srcPort);
        setDstPort(buf, off, dstPort);
        setSeq(buf, off, seq);
        setAckSeq(buf, off, ackSeq);
        setHeaderLength(buf, off, headerLength);
        setFlags(buf, off, flags);
        setWindow(buf, off, window);
        setChecksum(buf, off, 0);
        setUrgentPointer(buf, off, 0);
        return MIN_LEN;
    }

    /**
     * The checksum of the {@code tcpLen} bytes at {@code buf[off]} (header, options and payload) with
     * the IPv4 pseudo header, computed as if the check field were zero; the stored field is not changed.
     * A computed 0x0000 is returned as is (TCP has no "no checksum" value).
     */
    public static int computeChecksum(byte[] buf, int off, int srcIp, int dstIp, int tcpLen) {
        long sum = InetChecksum.pseudoHeaderV4(srcIp, dstIp, Ipv4Header.IPPROTO_TCP, tcpLen);
        sum = InetChecksum.partial(buf, off, CHECK, sum);
        sum = InetChecksum.partial(buf, off + CHECK + 2, tcpLen - CHECK - 2, sum);
        return InetChecksum.fold(sum);
    }

    /** Computes and stores the checksum (the software branch of __tcp_v4_send_check()); returns it. */
    public static int setChecksum(byte[] buf, int off, int srcIp, int dstIp, int tcpLen) {
        int c = computeChecksum(buf, off, srcIp, dstIp, tcpLen);
        setChecksum(buf, off, c);
        return c;
    }

    /**
     * Computes and stores the checksum of the TCP segment carried by the IPv4 header at
     * {@code buf[ipOff]}, taking addresses and tot_len from that header.
     */
    public static int setChecksumV4(byte[] buf, int ipOff) {
        int hl = Ipv4Header.headerLength(buf, ipOff);
        return setChecksum(buf, ipOff + hl, Ipv4Header.src(buf, ipOff), Ipv4Header.dst(buf, ipOff),
                Ipv4Header.totalLength(buf, ipOff) - hl);
    }

    /**
     * Mirrors the CHECKSUM_PARTIAL branch of {@code __tcp_v4_send_check()}: stores the folded,
     * uncomplemented pseudo-header sum ({@code ~tcp_v4_check(len, saddr, daddr, 0)}) so that the device
     * (or {@link Gso#checksumHelp}) completes it by summing from the TCP header to the end. The caller
     * sets ipSummed/csumStart/csumOffset ({@link #CHECK}).
     */
    public static void setPartialChecksum(byte[] buf, int off, int srcIp, int dstIp, int tcpLen) {
        setChecksum(buf, off, InetChecksum.reduce(InetChecksum.pseudoHeaderV4(srcIp, dstIp, Ipv4Header.IPPROTO_TCP, tcpLen)));
    }

    /**
     * Whether the {@code tcpLen} bytes at {@code buf[off]} plus the pseudo header sum to 0xffff;
     * 0x0000 and 0xffff stored for a computed zero both verify.
     */
    public static boolean verifyChecksum(byte[] buf, int off, int srcIp, int dstIp, int tcpLen) {
        return InetChecksum.verifies(buf, off, tcpLen,
                InetChecksum.pseudoHeaderV4(srcIp, dstIp, Ipv4Header.IPPROTO_TCP, tcpLen));
    }
}
