package org.nicemu.api.wire;

/**
 * A view over a UDP header in a byte array, mirroring include/uapi/linux/udp.h {@code struct udphdr}
 * (source, dest, len, check) with the checksum rules of RFC 768 as net/ipv4/udp.c applies them
 * ({@code udp4_hwcsum()}, {@code udp_send_skb()}, the length checks of {@code __udp4_lib_rcv()}).
 * Stateless static methods over {@code (buf, off)} where {@code off} is the first byte of the UDP
 * header. A stored checksum of 0 means "no checksum"; a computed 0 is sent as 0xffff
 * ({@link InetChecksum#CSUM_MANGLED_0}).
 *
 * <p>{@link #validate} checks untrusted bytes and never throws; the other methods assume a validated
 * region.
 */
public final class UdpHeader {
    /** sizeof(struct udphdr). */
    public static final int LEN = 8;
    /** Offsets of the fields. */
    public static final int SRC_PORT = 0, DST_PORT = 2, LENGTH = 4, CHECK = 6;

    /** Outcome of {@link #validate}, in the order of the checks in __udp4_lib_rcv(). */
    public enum Check {
        OK,
        /** Fewer than 8 bytes, or a region outside the buffer (UDP_MIB_INERRORS, "short packet"). */
        TRUNCATED,
        /** len &lt; 8 or len greater than the bytes available (the kernel's short_packet path). */
        BAD_LENGTH,
        /** A non-zero checksum that does not sum to 0xffff with the pseudo header (UDP_MIB_CSUMERRORS). */
        BAD_CHECKSUM
    }

    private UdpHeader() {
    }

    /**
     * Checks {@code availableLen} untrusted bytes at {@code buf[off]} (the IP payload as bounded by
     * tot_len): header present and 8 ≤ len ≤ available. The checksum is not checked. Never throws.
     * On OK the datagram is {@link #length} bytes (the caller trims the rest, pskb_trim_rcsum()).
     */
    public static Check validate(byte[] buf, int off, int availableLen) {
        if (!Bytes.inBounds(buf, off, availableLen) || availableLen < LEN) return Check.TRUNCATED;
        int ulen = length(buf, off);
        if (ulen > availableLen || ulen < LEN) return Check.BAD_LENGTH;
        return Check.OK;
    }

    /**
     * {@link #validate(byte[], int, int)} followed by the checksum check over the pseudo header
     * ({@code udp4_csum_init()} + {@code __skb_checksum_complete()}); a zero checksum passes.
     */
    public static Check validate(byte[] buf, int off, int availableLen, int srcIp, int dstIp) {
        Check c = validate(buf, off, availableLen);
        if (c != Check.OK) return c;
        return verifyChecksum(buf, off, srcIp, dstIp, length(buf, off)) ? Check.OK : Check.BAD_CHECKSUM;
    }

    public static int srcPort(byte[] buf, int off) { return Bytes.u16(buf, off + SRC_PORT); }

    public static int dstPort(byte[] buf, int off) { return Bytes.u16(buf, off + DST_PORT); }

    /** len: header plus payload. */
    public static int length(byte[] buf, int off) { return Bytes.u16(buf, off + LENGTH); }

    /** The stored checksum (0 = none). */
    public static int checksum(byte[] buf, int off) { return Bytes.u16(buf, off + CHECK); }

    public static void setSrcPort(byte[] buf, int off, int port) { Bytes.put16(buf, off + SRC_PORT, port); }

    public static void setDstPort(byte[] buf, int off, int port) { Bytes.put16(buf, off + DST_PORT, port); }

    public static void setLength(byte[] buf, int off, int len) { Bytes.put16(buf, off + LENGTH, len); }

    /** Stores a checksum value as is. */
    public static void setChecksum(byte[] buf, int off, int check) { Bytes.put16(buf, off + CHECK, check); }

    /** Writes the header with a zero checksum. Returns {@link #LEN}. */
    public static int write(byte[] buf, int off, int srcPort, int dstPort, int length) {
        setSrcPort(buf, off, srcPort);
        setDstPort(buf, off, dstPort);
        setLength(buf, off, length);
        setChecksum(buf, off, 0);
        return LEN;
    }

    /**
     * The checksum of the {@code udpLen} bytes at {@code buf[off]} (header and payload) with the IPv4
     * pseudo header, computed as if the check field were zero; a computed 0 is returned as 0xffff.
     * The stored field is not changed.
     */
    public static int computeChecksum(byte[] buf, int off, int srcIp, int dstIp, int udpLen) {
        long sum = InetChecksum.pseudoHeaderV4(srcIp, dstIp, Ipv4Header.IPPROTO_UDP, udpLen);
        sum = InetChecksum.partial(buf, off, CHECK, sum);
        sum = InetChecksum.partial(buf, off + LEN, udpLen - LEN, sum);
        int c = InetChecksum.fold(sum);
        return c == 0 ? InetChecksum.CSUM_MANGLED_0 : c;
    }

    /** Computes and stores the checksum (the software path of udp_send_skb()); returns it. */
    public static int setChecksum(byte[] buf, int off, int srcIp, int dstIp, int udpLen) {
        int c = computeChecksum(buf, off, srcIp, dstIp, udpLen);
        setChecksum(buf, off, c);
        return c;
    }

    /**
     * Computes and stores the checksum of the UDP datagram carried by the IPv4 header at
     * {@code buf[ipOff]}, taking addresses from that header and the length from the UDP header.
     */
    public static int setChecksumV4(byte[] buf, int ipOff) {
        int off = ipOff + Ipv4Header.headerLength(buf, ipOff);
        return setChecksum(buf, off, Ipv4Header.src(buf, ipOff), Ipv4Header.dst(buf, ipOff), length(buf, off));
    }

    /**
     * Mirrors {@code udp4_hwcsum()}'s CHECKSUM_PARTIAL set-up: stores the folded, uncomplemented
     * pseudo-header sum ({@code ~csum_tcpudp_magic(saddr, daddr, len, IPPROTO_UDP, 0)}) so that the
     * device (or {@link Gso#checksumHelp}) completes it by summing from the UDP header to the end.
     * The caller sets ipSummed/csumStart/csumOffset ({@link #CHECK}).
     */
    public static void setPartialChecksum(byte[] buf, int off, int srcIp, int dstIp, int udpLen) {
        setChecksum(buf, off, InetChecksum.reduce(InetChecksum.pseudoHeaderV4(srcIp, dstIp, Ipv4Header.IPPROTO_UDP, udpLen)));
    }

    /**
     * Whether the datagram's checksum is acceptable: 0 (none) or the {@code udpLen} bytes plus pseudo
     * header sum to 0xffff.
     */
    public static boolean verifyChecksum(byte[] buf, int off, int srcIp, int dstIp, int udpLen) {
        if (checksum(buf, off) == 0) return true;
        return InetChecksum.verifies(buf, off, udpLen,
                InetChecksum.pseudoHeaderV4(srcIp, dstIp, Ipv4Header.IPPROTO_UDP, udpLen));
    }
}
