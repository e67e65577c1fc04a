package org.nicemu.api.wire;

import org.nicemu.api.skb.SkBuff;

/**
 * Stateless segmentation and checksum completion over skbs, for the core's software GSO
 * ({@code validate_xmit_skb()} → {@code skb_gso_segment()} / {@code skb_checksum_help()}) and the
 * emulated NIC's hardware TSO/USO and TX checksum offload. Mirrors net/ipv4/af_inet.c
 * {@code inet_gso_segment()}, net/ipv4/tcp_offload.c {@code tcp_gso_segment()}, net/ipv4/udp_offload.c
 * {@code __udp_gso_segment()} and net/core/dev.c {@code skb_checksum_help()}.
 *
 * <p>Where the emulator differs: instead of building a list of segment skbs, {@link #writeSegment}
 * writes wire frame number {@code index} straight into a caller-supplied byte array (a NIC's TX buffer
 * or a new skb's data), so segmentation allocates nothing; and each segment's L4 checksum is computed
 * in full (as a NIC with TSO does), never left CHECKSUM_PARTIAL.
 *
 * <p><b>Preconditions for a GSO skb</b> (gso_size &gt; 0), checked without throwing — a violation
 * returns {@link #EINVAL}, as the kernel returns {@code -EINVAL} and drops the skb:
 * <ul>
 * <li>skb->data points at the link-layer (Ethernet) header; skb.networkHeader and skb.transportHeader
 * are offsets from skb.head() with transportHeader = networkHeader + IHL*4;</li>
 * <li>the network header is IPv4; its protocol is TCP with {@link SkBuff#SKB_GSO_TCPV4} in gso_type or
 * UDP with {@link SkBuff#SKB_GSO_UDP_L4};</li>
 * <li>all headers (link, IP, TCP with options, or UDP) are in the linear part; the payload may continue
 * across page frags;</li>
 * <li>the output array has room for the frame, else {@link #ENOSPC}.</li>
 * </ul>
 * The skb is never modified except by {@link #checksumHelp}. The frames written are not padded to
 * ETH_ZLEN and carry no FCS.
 *
 * <p>Typical use by a NIC: {@code for (i = 0; i < segmentCount(skb); i++) n = writeSegment(skb, i, buf, 0);}
 * which also works for a non-GSO skb (one segment, written by {@link #writeFrame}).
 */
public final class Gso {
    /** -EINVAL: the skb does not meet the preconditions. */
    public static final int EINVAL = -22;
    /** -ENOSPC: the output array is too small for the frame. */
    public static final int ENOSPC = -28;

    private Gso() {
    }

    /**
     * Bytes of headers (link + IPv4 + TCP with options, or + 8-byte UDP) that every segment of a GSO
     * skb repeats, measured from skb->data; {@link #EINVAL} if the skb is not GSO or breaks the
     * preconditions.
     */
    public static int headerLength(SkBuff skb) {
        if (!skb.isGso()) return EINVAL;
        int n = skb.networkOffset();
        int t = skb.transportOffset();
        int hl = skb.headlen();
        if (skb.networkHeader < 0 || skb.transportHeader < 0 || n < 0 || n > hl - Ipv4Header.MIN_LEN) return EINVAL;
        byte[] h = skb.head();
        int ip = skb.networkHeader;
        if (Ipv4Header.version(h, ip) != 4) return EINVAL;
        int ihl = Ipv4Header.ihl(h, ip);
        if (ihl < 5 || t != n + ihl * 4) return EINVAL;
        int proto = Ipv4Header.protocol(h, ip);
        if (proto == Ipv4Header.IPPROTO_TCP) {
            if ((skb.gsoType() & SkBuff.SKB_GSO_TCPV4) == 0 || t > hl - TcpHeader.MIN_LEN) return EINVAL;
            int thl = TcpHeader.headerLength(h, skb.transportHeader);
            if (thl < TcpHeader.MIN_LEN || t > hl - thl) return EINVAL;
            return t + thl;
        }
        if (proto == Ipv4Header.IPPROTO_UDP) {
            if ((skb.gsoType() & SkBuff.SKB_GSO_UDP_L4) == 0 || t > hl - UdpHeader.LEN) return EINVAL;
            return t + UdpHeader.LEN;
        }
        return EINVAL;
    }

    /**
     * The number of wire frames the skb becomes: for a GSO skb ceil(payload / gso_size), where the
     * payload is what follows the TCP header (doff*4) or the 8-byte UDP header, and at least 1 (an skb
     * whose payload fits one segment is sent as is, as tcp_gso_segment() leaves it); 1 for a non-GSO
     * skb; {@link #EINVAL} if a GSO skb breaks the preconditions. {@code skb.gsoSegs()} is not consulted.
     */
    public static int segmentCount(SkBuff skb) {
        if (!skb.isGso()) return 1;
        int h = headerLength(skb);
        if (h < 0) return h;
        return count(skb.len() - h, skb.gsoSize());
    }

    private static int count(int payload, int mss) {
        return payload <= mss ? 1 : (int) ((payload + (long) mss - 1) / mss);
    }

    /**
     * The length of wire frame {@code index} (headers + that segment's payload), as
     * {@link #writeSegment} will write it; {@link #EINVAL} if the index or the skb is invalid.
     */
    public static int segmentLength(SkBuff skb, int index) {
        if (!skb.isGso()) return index == 0 ? skb.len() : EINVAL;
        int h = headerLength(skb);
        if (h < 0) return h;
        int payload = skb.len() - h;
        int mss = skb.gsoSize();
        if (index < 0 || index >= count(payload, mss)) return EINVAL;
        return h + Math.min(mss, payload - index * mss);
    }

    /**
     * Writes wire frame number {@code index} (0-based) of a GSO skb into {@code out[outOff...]}: the
     * skb's headers followed by payload bytes {@code [index*gso_size, +gso_size)} (fewer for the last),
     * gathered from the linear part and the page frags with {@link SkBuff#copyBits}. Each frame is
     * fixed up as inet_gso_segment() and tcp_gso_segment() / __udp_gso_segment() do:
     * <ul>
     * <li>IPv4: tot_len of this segment; id = original id + index (mod 2^16); header checksum recomputed;</li>
     * <li>TCP: seq = original seq + index*gso_size; FIN and PSH kept only on the last segment, CWR only
     * on the first; other flags, ack, window, urgent pointer and options copied; checksum computed in
     * full over pseudo header, header and payload;</li>
     * <li>UDP (SKB_GSO_UDP_L4): len of this segment; checksum computed in full, 0 sent as 0xffff.</li>
     * </ul>
     * The link-layer header is copied unchanged. A non-GSO skb has one frame, written by
     * {@link #writeFrame}.
     *
     * @return bytes written, or {@link #EINVAL} (preconditions, index out of range) / {@link #ENOSPC}
     */
    public static int writeSegment(SkBuff skb, int index, byte[] out, int outOff) {
        if (!skb.isGso()) return index == 0 ? writeFrame(skb, out, outOff) : EINVAL;
        int h = headerLength(skb);
        if (h < 0) return h;
        int mss = skb.gsoSize();
        int payload = skb.len() - h;
        int segs = count(payload, mss);
        if (index < 0 || index >= segs) return EINVAL;
        int pOff = index * mss;
        int segLen = Math.min(mss, payload - pOff);
        int total = h + segLen;
        if (!Bytes.inBounds(out, outOff, total)) return ENOSPC;

        System.arraycopy(skb.head(), skb.dataOffset(), out, outOff, h);
        if (!skb.copyBits(h + pOff, out, outOff + h, segLen)) return EINVAL;

        int n = skb.networkOffset();
        int ip = outOff + n;
        int l4 = outOff + skb.transportOffset();
        int l4Len = outOff + total - l4;
        Ipv4Header.setTotalLength(out, ip, total - n);
        Ipv4Header.setId(out, ip, (Ipv4Header.id(out, ip) + index) & 0xffff);
        Ipv4Header.setChecksum(out, ip);
        int src = Ipv4Header.src(out, ip);
        int dst = Ipv4Header.dst(out, ip);
        if (Ipv4Header.protocol(out, ip) == Ipv4Header.IPPROTO_TCP) {
            TcpHeader.setSeq(out, l4, TcpHeader.seq(out, l4) + index * mss);
            int flags = TcpHeader.flags(out, l4);
            if (index != segs - 1) flags &= ~(TcpHeader.FIN | TcpHeader.PSH);
            if (index != 0) flags &= ~TcpHeader.CWR;
            TcpHeader.setFlags(out, l4, flags);
            TcpHeader.setChecksum(out, l4, src, dst, l4Len);
        } else {
            UdpHeader.setLength(out, l4, l4Len);
            UdpHeader.setChecksum(out, l4, src, dst, l4Len);
        }
        return total;
    }

    /**
     * Linearises a non-GSO skb (skb->data to the end, across page frags) into {@code out[outOff...]}
     * and, if skb.ipSummed is CHECKSUM_PARTIAL, completes the checksum in the copy with
     * skb_checksum_help() semantics: the ones'-complement sum from csumStart to the end (which includes
     * the pseudo-header sum the stack seeded into the field, see {@link TcpHeader#setPartialChecksum}),
     * folded (0 sent as 0xffff for UDP only, see {@link #mangle}), stored at csumStart + csumOffset. The skb is not modified, so this is
     * safe on clones whose data is shared (the NIC's TX checksum offload).
     *
     * @return bytes written (skb.len()), or {@link #EINVAL} for a GSO skb or csumStart/csumOffset outside
     *         the data, or {@link #ENOSPC}
     */
    public static int writeFrame(SkBuff skb, byte[] out, int outOff) {
        if (skb.isGso()) return EINVAL;
        int len = skb.len();
        if (!Bytes.inBounds(out, outOff, len)) return ENOSPC;
        int start = 0;
        int field = 0;
        boolean partial = skb.ipSummed == SkBuff.CHECKSUM_PARTIAL;
        if (partial) {
            start = skb.csumStart - skb.dataOffset();
            field = start + skb.csumOffset;
            if (start < 0 || start >= len || skb.csumOffset < 0 || field > len - 2) return EINVAL;
        }
        if (!skb.copyBits(0, out, outOff, len)) return EINVAL;
        if (partial) {
            int c = InetChecksum.fold(InetChecksum.partial(out, outOff + start, len - start, 0));
            Bytes.put16(out, outOff + field, mangle(c, skb.csumOffset));
        }
        return len;
    }

    /**
     * Mirrors {@code skb_checksum_help()}: completes a CHECKSUM_PARTIAL skb's checksum in place (sum
     * from csumStart to the end across linear part and frags, folded (0 as 0xffff for UDP only), at
     * csumStart + csumOffset) and sets ipSummed to CHECKSUM_NONE. A CHECKSUM_COMPLETE skb just becomes
     * CHECKSUM_NONE; other non-partial skbs are left alone; these return true.
     *
     * <p>Returns false, changing nothing, when the skb is GSO (segment it instead), when csumStart is
     * not inside the linear part or the checksum field does not lie wholly in it, or when the data is
     * shared with a clone ({@link SkBuff#dataShared()}): where the kernel would call
     * skb_ensure_writable(), the caller copies the skb first (e.g. {@code SkbAllocator.pskbCopy}) and
     * retries.
     */
    /**
     * A computed checksum of 0x0000 is sent as 0xffff only for UDP (csum_offset 6), where 0 means
     * "no checksum". For TCP the folded value is written as is, as checksum-offload hardware does;
     * Linux's software skb_checksum_help() mangles it for every protocol, which tshark reports as a
     * bad TCP checksum (one segment in 65,536), so the emulator keeps 0x0000 there. Receivers accept
     * both (they verify by summing).
     */
    static int mangle(int c, int csumOffset) {
        return c == 0 && csumOffset == UdpHeader.CHECK ? InetChecksum.CSUM_MANGLED_0 : c;
    }

    public static boolean checksumHelp(SkBuff skb) {
        if (skb.ipSummed == SkBuff.CHECKSUM_COMPLETE) {
            skb.ipSummed = SkBuff.CHECKSUM_NONE;
            return true;
        }
        if (skb.ipSummed != SkBuff.CHECKSUM_PARTIAL) return true;
        if (skb.isGso()) return false;
        int hl = skb.headlen();
        int start = skb.csumStart - skb.dataOffset();
        if (start < 0 || start >= hl || skb.csumOffset < 0) return false;
        int field = start + skb.csumOffset;
        if (field > hl - 2) return false;
        if (skb.dataShared()) return false;
        int c = InetChecksum.fold(InetChecksum.skbChecksum(skb, start, skb.len() - start, 0));
        Bytes.put16(skb.head(), skb.dataOffset() + field, mangle(c, skb.csumOffset));
        skb.ipSummed = SkBuff.CHECKSUM_NONE;
        return true;
    }
}
