package org.nicemu.api.wire;

/**
 * A view over an RFC 826 ARP packet for Ethernet/IPv4, mirroring include/uapi/linux/if_arp.h
 * {@code struct arphdr} followed by the Ethernet/IPv4 address fields that net/ipv4/arp.c reads
 * (ar_sha, ar_sip, ar_tha, ar_tip). Stateless static methods over {@code (buf, off)} where
 * {@code off} is the first byte of the ARP header (after the Ethernet header).
 *
 * <p>{@link #validate} checks untrusted bytes and never throws; the getters and setters assume a
 * validated region.
 */
public final class ArpPacket {
    /** Length of an Ethernet/IPv4 ARP packet (arp_hdr_len() for ETH_ALEN and 4-byte addresses). */
    public static final int LEN = 28;
    /** Length of a whole ARP frame without padding: Ethernet header + ARP packet (42). */
    public static final int FRAME_LEN = EthernetHeader.ETH_HLEN + LEN;

    /** Offsets of ar_hrd, ar_pro, ar_hln, ar_pln, ar_op and the address fields. */
    public static final int HTYPE = 0, PTYPE = 2, HLEN = 4, PLEN = 5, OPER = 6, SHA = 8, SPA = 14, THA = 18, TPA = 24;

    /** ARPHRD_ETHER. */
    public static final int ARPHRD_ETHER = 1;
    /** ARPOP_REQUEST, ARPOP_REPLY. */
    public static final int ARPOP_REQUEST = 1, ARPOP_REPLY = 2;

    /** Outcome of {@link #validate}, in the order of the checks in arp_rcv() / arp_process(). */
    public enum Check {
        /** A well-formed Ethernet/IPv4 request or reply. */
        OK,
        /** Fewer than {@link #LEN} bytes (or the region is not inside the buffer). */
        TRUNCATED,
        /** ar_hrd is not ARPHRD_ETHER or ar_hln is not 6. */
        BAD_HARDWARE,
        /** ar_pro is not ETH_P_IP or ar_pln is not 4. */
        BAD_PROTOCOL,
        /** ar_op is neither request nor reply. */
        BAD_OPCODE
    }

    private ArpPacket() {
    }

    /** Checks {@code availableLen} untrusted bytes at {@code buf[off]}; never throws. */
    public static Check validate(byte[] buf, int off, int availableLen) {
        if (!Bytes.inBounds(buf, off, availableLen) || availableLen < LEN) return Check.TRUNCATED;
        if (htype(buf, off) != ARPHRD_ETHER || hlen(buf, off) != EthernetHeader.ETH_ALEN) return Check.BAD_HARDWARE;
        if (ptype(buf, off) != EthernetHeader.ETH_P_IP || plen(buf, off) != 4) return Check.BAD_PROTOCOL;
        int op = oper(buf, off);
        if (op != ARPOP_REQUEST && op != ARPOP_REPLY) return Check.BAD_OPCODE;
        return Check.OK;
    }

    public static int htype(byte[] buf, int off) { return Bytes.u16(buf, off + HTYPE); }

    public static int ptype(byte[] buf, int off) { return Bytes.u16(buf, off + PTYPE); }

    public static int hlen(byte[] buf, int off) { return Bytes.u8(buf, off + HLEN); }

    public static int plen(byte[] buf, int off) { return Bytes.u8(buf, off + PLEN); }

    public static int oper(byte[] buf, int off) { return Bytes.u16(buf, off + OPER); }

    /** Sender hardware address (48 bits). */
    public static long sha(byte[] buf, int off) { return Bytes.u48(buf, off + SHA); }

    /** Sender protocol (IPv4) address, host order. */
    public static int spa(byte[] buf, int off) { return Bytes.i32(buf, off + SPA); }

    /** Target hardware address (48 bits). */
    public static long tha(byte[] buf, int off) { return Bytes.u48(buf, off + THA); }

    /** Target protocol (IPv4) address, host order. */
    public static int tpa(byte[] buf, int off) { return Bytes.i32(buf, off + TPA); }

    public static void setOper(byte[] buf, int off, int op) { Bytes.put16(buf, off + OPER, op); }

    public static void setSha(byte[] buf, int off, long mac) { Bytes.put48(buf, off + SHA, mac); }

    public static void setSpa(byte[] buf, int off, int ip) { Bytes.put32(buf, off + SPA, ip); }

    public static void setTha(byte[] buf, int off, long mac) { Bytes.put48(buf, off + THA, mac); }

    public static void setTpa(byte[] buf, int off, int ip) { Bytes.put32(buf, off + TPA, ip); }

    /**
     * Writes a whole Ethernet/IPv4 ARP packet (the body of {@code arp_create()}). Returns {@link #LEN}.
     */
    public static int write(byte[] buf, int off, int op, long sha, int spa, long tha, int tpa) {
        Bytes.put16(buf, off + HTYPE, ARPHRD_ETHER);
        Bytes.put16(buf, off + PTYPE, EthernetHeader.ETH_P_IP);
        Bytes.put8(buf, off + HLEN, EthernetHeader.ETH_ALEN);
        Bytes.put8(buf, off + PLEN, 4);
        setOper(buf, off, op);
        setSha(buf, off, sha);
        setSpa(buf, off, spa);
        setTha(buf, off, tha);
        setTpa(buf, off, tpa);
        return LEN;
    }

    /** A request "who has {@code tpa}? tell {@code spa}" with a zero target hardware address, as arp_send() for arp_solicit(). */
    public static int writeRequest(byte[] buf, int off, long sha, int spa, int tpa) {
        return write(buf, off, ARPOP_REQUEST, sha, spa, 0L, tpa);
    }

    /** A reply "{@code spa} is at {@code sha}" to the requester {@code tha}/{@code tpa}, as arp_process() sends. */
    public static int writeReply(byte[] buf, int off, long sha, int spa, long tha, int tpa) {
        return write(buf, off, ARPOP_REPLY, sha, spa, tha, tpa);
    }

    /**
     * A whole broadcast request frame: Ethernet header (to ff:ff:ff:ff:ff:ff, EtherType ARP) and the
     * request. Returns {@link #FRAME_LEN} (42); padding to ETH_ZLEN is the NIC's.
     */
    public static int writeRequestFrame(byte[] buf, int off, long srcMac, int spa, int tpa) {
        EthernetHeader.write(buf, off, MacAddress.BROADCAST.bits(), srcMac, EthernetHeader.ETH_P_ARP);
        return EthernetHeader.ETH_HLEN + writeRequest(buf, off + EthernetHeader.ETH_HLEN, srcMac, spa, tpa);
    }

    /** A whole unicast reply frame to {@code tha}. Returns {@link #FRAME_LEN} (42). */
    public static int writeReplyFrame(byte[] buf, int off, long sha, int spa, long tha, int tpa) {
        EthernetHeader.write(buf, off, tha, sha, EthernetHeader.ETH_P_ARP);
        return EthernetHeader.ETH_HLEN + writeReply(buf, off + EthernetHeader.ETH_HLEN, sha, spa, tha, tpa);
    }
}
