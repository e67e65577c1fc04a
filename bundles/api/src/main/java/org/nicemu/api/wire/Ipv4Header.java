package org.nicemu.api.wire;

/**
 * A view over an IPv4 header in a byte array, mirroring include/uapi/linux/ip.h {@code struct iphdr}
 * (version/ihl, tos, tot_len, id, frag_off, ttl, protocol, check, saddr, daddr) with
 * {@code ip_send_check()} and the checks of net/ipv4/ip_input.c {@code ip_rcv_core()}. Stateless static
 * methods over {@code (buf, off)} where {@code off} is the first byte of the IP header. Addresses are
 * host-order ints (see {@link Ipv4Address}).
 *
 * <p>{@link #validate} checks untrusted bytes and never throws; the getters and setters assume a
 * validated (or self-built) header. Options are not interpreted: they are the bytes between
 * {@link #MIN_LEN} and {@link #headerLength}.
 */
public final class Ipv4Header {
    /** sizeof(struct iphdr): the header without options. */
    public static final int MIN_LEN = 20;
    /** The longest header (IHL 15). */
    public static final int MAX_LEN = 60;

    /** Offsets of the fields. */
    public static final int VER_IHL = 0, TOS = 1, TOT_LEN = 2, ID = 4, FRAG_OFF = 6, TTL = 8, PROTOCOL = 9, CHECK = 10,
            SADDR = 12, DADDR = 16;

    /** frag_off bits: IP_CE (reserved), IP_DF, IP_MF and the IP_OFFSET mask (in 8-byte units). */
    public static final int IP_CE = 0x8000, IP_DF = 0x4000, IP_MF = 0x2000, IP_OFFSET = 0x1fff;

    /** IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP. */
    public static final int IPPROTO_ICMP = 1, IPPROTO_TCP = 6, IPPROTO_UDP = 17;

    /** Default TTL (net.ipv4.ip_default_ttl = 64). */
    public static final int IPDEFTTL = 64;

    /**
     * Outcome of {@link #validate}, mirroring the drop decisions of ip_rcv_core() in its order.
     * Counters in Linux: TRUNCATED is IPSTATS_MIB_INTRUNCATEDPKTS when the frame is shorter than
     * tot_len and IPSTATS_MIB_INHDRERRORS when the header itself is cut; BAD_VERSION, BAD_IHL and
     * BAD_TOTAL_LENGTH are INHDRERRORS; BAD_CHECKSUM is INCSUMERRORS (+ INHDRERRORS).
     */
    public enum Check {
        /** Acceptable; the caller trims the packet to {@link #totalLength} (pskb_trim_rcsum()). */
        OK,
        /** Fewer bytes than the header (20, or IHL*4) or than tot_len, or a region outside the buffer. */
        TRUNCATED,
        /** version != 4. */
        BAD_VERSION,
        /** ihl < 5. */
        BAD_IHL,
        /** tot_len < ihl*4. */
        BAD_TOTAL_LENGTH,
        /** The header does not sum to 0xffff (ip_fast_csum() != 0). */
        BAD_CHECKSUM
    }

    private Ipv4Header() {
    }

    /**
     * Checks {@code availableLen} untrusted bytes at {@code buf[off]} (the IP packet as received, possibly
     * followed by link-layer padding) as ip_rcv_core() does: header present, version 4, IHL ≥ 5, whole
     * header present, header checksum, tot_len ≤ available, tot_len ≥ IHL*4. Never throws.
     */
    public static Check validate(byte[] buf, int off, int availableLen) {
        return validate(buf, off, availableLen, availableLen);
    }

    /**
     * {@link #validate(byte[], int, int)} for a packet of which only the first {@code linearLen}
     * bytes are at {@code buf[off]} and the rest elsewhere (a non-linear skb: the header must be in
     * the linear part, as {@code pskb_may_pull()} makes it): the header is checked in those bytes,
     * tot_len against {@code availableLen}. Never throws. Since 1.1.
     */
    public static Check validate(byte[] buf, int off, int linearLen, int availableLen) {
        if (linearLen > availableLen || !Bytes.inBounds(buf, off, linearLen) || linearLen < MIN_LEN) return Check.TRUNCATED;
        if (version(buf, off) != 4) return Check.BAD_VERSION;
        int ihl = ihl(buf, off);
        if (ihl < 5) return Check.BAD_IHL;
        int hl = ihl * 4;
        if (linearLen < hl) return Check.TRUNCATED;
        if (!InetChecksum.verifies(buf, off, hl)) return Check.BAD_CHECKSUM;
        int tot = totalLength(buf, off);
        if (tot > availableLen) return Check.TRUNCATED;
        if (tot < hl) return Check.BAD_TOTAL_LENGTH;
        return Check.OK;
    }

    public static int version(byte[] buf, int off) { return Bytes.u8(buf, off + VER_IHL) >>> 4; }

    /** ihl in 32-bit words. */
    public static int ihl(byte[] buf, int off) { return Bytes.u8(buf, off + VER_IHL) & 0xf; }

    /** ihl*4: header length in bytes. */
    public static int headerLength(byte[] buf, int off) { return ihl(buf, off) * 4; }

    public static int tos(byte[] buf, int off) { return Bytes.u8(buf, off + TOS); }

    /** tot_len. */
    public static int totalLength(byte[] buf, int off) { return Bytes.u16(buf, off + TOT_LEN); }

    public static int id(byte[] buf, int off) { return Bytes.u16(buf, off + ID); }

    /** The raw frag_off field: flags and offset. */
    public static int fragOff(byte[] buf, int off) { return Bytes.u16(buf, off + FRAG_OFF); }

    public static boolean isDf(byte[] buf, int off) { return (fragOff(buf, off) & IP_DF) != 0; }

    public static boolean isMf(byte[] buf, int off) { return (fragOff(buf, off) & IP_MF) != 0; }

    /** Fragment offset in bytes ((frag_off &amp; IP_OFFSET) * 8). */
    public static int fragmentOffsetBytes(byte[] buf, int off) { return (fragOff(buf, off) & IP_OFFSET) << 3; }

    /** ip_is_fragment(): MF set or a non-zero offset. */
    public static boolean isFragment(byte[] buf, int off) { return (fragOff(buf, off) & (IP_MF | IP_OFFSET)) != 0; }

    public static int ttl(byte[] buf, int off) { return Bytes.u8(buf, off + TTL); }

    public static int protocol(byte[] buf, int off) { return Bytes.u8(buf, off + PROTOCOL); }

    /** The stored header checksum. */
    public static int checksum(byte[] buf, int off) { return Bytes.u16(buf, off + CHECK); }

    public static int src(byte[] buf, int off) { return Bytes.i32(buf, off + SADDR); }

    public static int dst(byte[] buf, int off) { return Bytes.i32(buf, off + DADDR); }

    /** Offset in {@code buf} of the first option byte (options run to {@link #headerLength}). */
    public static int optionsOffset(int off) { return off + MIN_LEN; }

    /** Sets version 4 and the IHL (5..15 words). */
    public static void setVersionIhl(byte[] buf, int off, int ihl) { Bytes.put8(buf, off + VER_IHL, 0x40 | (ihl & 0xf)); }

    public static void setTos(byte[] buf, int off, int tos) { Bytes.put8(buf, off + TOS, tos); }

    public static void setTotalLength(byte[] buf, int off, int len) { Bytes.put16(buf, off + TOT_LEN, len); }

    public static void setId(byte[] buf, int off, int id) { Bytes.put16(buf, off + ID, id); }

    public static void setFragOff(byte[] buf, int off, int fragOff) { Bytes.put16(buf, off + FRAG_OFF, fragOff); }

    public static void setTtl(byte[] buf, int off, int ttl) { Bytes.put8(buf, off + TTL, ttl); }

    public static void setProtocol(byte[] buf, int off, int proto) { Bytes.put8(buf, off + PROTOCOL, proto); }

    /** Stores a checksum value as is (see {@link #setChecksum(byte[], int)} to compute it). */
    public static void setChecksum(byte[] buf, int off, int check) { Bytes.put16(buf, off + CHECK, check); }

    public static void setSrc(byte[] buf, int off, int addr) { Bytes.put32(buf, off + SADDR, addr); }

    public static void setDst(byte[] buf, int off, int addr) { Bytes.put32(buf, off + DADDR, addr); }

    /**
     * The header checksum for the IHL*4 bytes at {@code buf[off]}, computed as if the check field were
     * zero; the stored field is not changed.
     */
    public static int computeChecksum(byte[] buf, int off) {
        int hl = headerLength(buf, off);
        long sum = InetChecksum.partial(buf, off, CHECK, 0);
        sum = InetChecksum.partial(buf, off + CHECK + 2, hl - CHECK - 2, sum);
        return InetChecksum.fold(sum);
    }

    /** Mirrors {@code ip_send_check()}: computes and stores the header checksum; returns it. */
    public static int setChecksum(byte[] buf, int off) {
        int c = computeChecksum(buf, off);
        setChecksum(buf, off, c);
        return c;
    }

    /** Whether the header (IHL*4 bytes) sums to 0xffff; both 0x0000 and 0xffff forms of zero verify. */
    public static boolean verifyChecksum(byte[] buf, int off) {
        return InetChecksum.verifies(buf, off, headerLength(buf, off));
    }

    /**
     * Writes a 20-byte header without options and its checksum, as {@code __ip_queue_xmit()} /
     * {@code ip_build_and_send_pkt()} fill it. {@code fragOff} holds the flags (e.g. {@link #IP_DF}).
     * Returns {@link #MIN_LEN}.
     */
    public static int write(byte[] buf, int off, int tos, int totalLength, int id, int fragOff, int ttl, int protocol,
            int src, int dst) {
        setVersionIhl(buf, off, 5);
        setTos(buf, off, tos);
        setTotalLength(buf, off, totalLength);
        setId(buf, off, id);
        setFragOff(buf, off, fragOff);
        setTtl(buf, off, ttl);
        setProtocol(buf, off, protocol);
        setSrc(buf, off, src);
        setDst(buf, off, dst);
        setChecksum(buf, off);
        return MIN_LEN;
    }

    /**
     * Mirrors {@code ip_decrease_ttl()}: decrements the TTL and updates the checksum incrementally
     * (RFC 1624). Returns the new TTL.
     */
    public static int decreaseTtl(byte[] buf, int off) {
        int oldWord = Bytes.u16(buf, off + TTL);
        int ttl = ttl(buf, off) - 1;
        setTtl(buf, off, ttl);
        setChecksum(buf, off, InetChecksum.replace2(checksum(buf, off), oldWord, Bytes.u16(buf, off + TTL)));
        return ttl;
    }
}
