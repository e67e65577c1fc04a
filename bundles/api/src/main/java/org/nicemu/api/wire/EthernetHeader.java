package org.nicemu.api.wire;

/**
 * A view over an Ethernet II header in a byte array, mirroring include/uapi/linux/if_ether.h
 * {@code struct ethhdr} (h_dest, h_source, h_proto) and its constants. Stateless static methods
 * over {@code (buf, off)} where {@code off} is the first byte of the header; no allocation except
 * where a {@link MacAddress} is returned.
 *
 * <p>{@link #checkLen} checks untrusted lengths and never throws; the getters and setters assume a
 * checked region. Frames here carry no FCS, as the kernel and pcap files see them; a frame shorter than
 * {@link #ETH_ZLEN} is padded by the NIC/driver ({@code eth_skb_pad()}), see {@link #paddedLength}.
 */
public final class EthernetHeader {
    /** ETH_ALEN: octets in an address. */
    public static final int ETH_ALEN = 6;
    /** ETH_HLEN: header length. */
    public static final int ETH_HLEN = 14;
    /** ETH_ZLEN: minimum frame length without FCS. */
    public static final int ETH_ZLEN = 60;
    /** ETH_DATA_LEN: the standard MTU. */
    public static final int ETH_DATA_LEN = 1500;
    /** ETH_FRAME_LEN: maximum frame length without FCS at the standard MTU. */
    public static final int ETH_FRAME_LEN = 1514;
    /** ETH_FCS_LEN. */
    public static final int ETH_FCS_LEN = 4;

    /** Offset of h_dest. */
    public static final int DST = 0;
    /** Offset of h_source. */
    public static final int SRC = 6;
    /** Offset of h_proto (the EtherType). */
    public static final int TYPE = 12;

    /** ETH_P_IP. */
    public static final int ETH_P_IP = 0x0800;
    /** ETH_P_ARP. */
    public static final int ETH_P_ARP = 0x0806;
    /** ETH_P_8021Q (a VLAN tag follows; not interpreted by this view). */
    public static final int ETH_P_8021Q = 0x8100;
    /** ETH_P_IPV6. */
    public static final int ETH_P_IPV6 = 0x86dd;

    private EthernetHeader() {
    }

    /**
     * Whether {@code availableLen} bytes at {@code buf[off]} lie inside {@code buf} and hold a whole
     * header (the check of {@code eth_type_trans()}'s caller that the frame has ETH_HLEN bytes).
     * Never throws.
     */
    public static boolean checkLen(byte[] buf, int off, int availableLen) {
        return Bytes.inBounds(buf, off, availableLen) && availableLen >= ETH_HLEN;
    }

    /** Destination address as 48 bits (see {@link MacAddress#bits()}). */
    public static long dst(byte[] buf, int off) {
        return Bytes.u48(buf, off + DST);
    }

    /** Source address as 48 bits. */
    public static long src(byte[] buf, int off) {
        return Bytes.u48(buf, off + SRC);
    }

    /** Destination address as a record (allocates). */
    public static MacAddress dstAddress(byte[] buf, int off) {
        return new MacAddress(dst(buf, off));
    }

    /** Source address as a record (allocates). */
    public static MacAddress srcAddress(byte[] buf, int off) {
        return new MacAddress(src(buf, off));
    }

    /** h_proto, e.g. {@link #ETH_P_IP}. */
    public static int ethertype(byte[] buf, int off) {
        return Bytes.u16(buf, off + TYPE);
    }

    public static void setDst(byte[] buf, int off, long mac) {
        Bytes.put48(buf, off + DST, mac);
    }

    public static void setSrc(byte[] buf, int off, long mac) {
        Bytes.put48(buf, off + SRC, mac);
    }

    public static void setDst(byte[] buf, int off, MacAddress mac) {
        setDst(buf, off, mac.bits());
    }

    public static void setSrc(byte[] buf, int off, MacAddress mac) {
        setSrc(buf, off, mac.bits());
    }

    public static void setEthertype(byte[] buf, int off, int type) {
        Bytes.put16(buf, off + TYPE, type);
    }

    /**
     * Writes a whole header, as {@code eth_header()} does when the neighbour layer builds one.
     * Returns {@link #ETH_HLEN}.
     */
    public static int write(byte[] buf, int off, long dst, long src, int ethertype) {
        setDst(buf, off, dst);
        setSrc(buf, off, src);
        setEthertype(buf, off, ethertype);
        return ETH_HLEN;
    }

    /** The length on the wire (without FCS) of a frame of {@code frameLen} bytes after padding to ETH_ZLEN. */
    public static int paddedLength(int frameLen) {
        return Math.max(frameLen, ETH_ZLEN);
    }
}
