package org.nicemu.core.dev;

import java.util.function.Consumer;

import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.skb.SkbAllocator;
import org.nicemu.api.skb.SkbSharedInfo;
import org.nicemu.api.wire.EthernetHeader;
import org.nicemu.api.wire.InetChecksum;
import org.nicemu.api.wire.Ipv4Header;
import org.nicemu.api.wire.TcpHeader;

/**
 * Generic receive offload of one device's NAPI context, for TCP over IPv4: mirrors
 * {@code dev_gro_receive()} and {@code napi_gro_complete()} (net/core/gro.c) with
 * {@code inet_gro_receive()}/{@code inet_gro_complete()} (net/ipv4/af_inet.c) and
 * {@code tcp4_gro_receive()}/{@code tcp_gro_receive()}/{@code tcp4_gro_complete()}
 * (net/ipv4/tcp_offload.c). Consecutive full-sized segments of one flow received in one NAPI poll
 * become one skb (up to 1 + MAX_SKB_FRAGS segments: each merged segment's buffer becomes a page
 * frag of the first, as {@code skb_gro_receive()} does with a head frag), so the stack runs once
 * and TCP ACKs once for all of them.
 *
 * <p>What is held and what goes up at once, as in Linux: every TCP segment's checksum is verified
 * here ({@code skb_gro_checksum_validate()}; a bad one goes up as it is and TCP drops and counts
 * it); a segment that fits the held skb of its flow is merged; one that does not (sequence gap,
 * different ACK, window, flags, TCP options, TTL, TOS or DF, IP ID not consecutive (nor fixed
 * under DF), longer than the first segment, or the merged skb full) sends the held skb up and is
 * held itself; a segment without payload or with URG, PSH, RST, SYN or FIN is not held (a held skb
 * of its flow goes up first); after a merge, a segment shorter than the first or with PSH/FIN sends
 * the merged skb up. Everything else (not IPv4, IP options, fragments, other protocols, MPTCP
 * segments, shared or non-linear skbs) goes up at once. At most {@link #MAX_GRO_SKBS} flows are
 * held; the oldest goes up to make room. {@link #flush} sends up what is held: the device calls it
 * at the end of every NAPI poll (Linux keeps held skbs across a poll that used its whole budget).
 *
 * <p>A merged skb goes up with IPv4 tot_len and header checksum rewritten, gso_size = the first
 * segment's payload, gso_segs = the segments merged and SKB_GSO_TCPV4, and, like every segment
 * verified here, {@code CHECKSUM_UNNECESSARY} (Linux marks a merged skb CHECKSUM_PARTIAL with the
 * pseudo-header sum in the TCP checksum field; here the field keeps the first segment's value).
 * MPTCP segments (option kind 30) are not merged here, unlike Linux.
 */
final class Gro {
    /** MAX_GRO_SKBS: flows held per NAPI context. */
    static final int MAX_GRO_SKBS = 8;
    /** GRO_LEGACY_MAX_SIZE (the default gro_max_size): a merged skb stays below it, IP header included. */
    static final int GRO_MAX_SIZE = 65536;
    private static final int MPTCP_OPTION = 30;

    private final SkbAllocator allocator;
    private final Consumer<SkBuff> up;
    /** Held skbs, oldest first, and per held skb: segments, first payload length (mss), next sequence number, first IP ID. */
    private final SkBuff[] held = new SkBuff[MAX_GRO_SKBS];
    private final int[] count = new int[MAX_GRO_SKBS];
    private final int[] mss = new int[MAX_GRO_SKBS];
    private final int[] nextSeq = new int[MAX_GRO_SKBS];
    private final int[] firstId = new int[MAX_GRO_SKBS];
    private int n;
    /** Segments merged into an earlier one; merged skbs sent up; segments that went up unmerged. */
    long mergedSegs, mergedSkbs, normal;

    /** @param up where skbs go next ({@code netif_receive_skb_core}), data at the IPv4 header */
    Gro(SkbAllocator allocator, Consumer<SkBuff> up) {
        this.allocator = allocator;
        this.up = up;
    }

    /** Skbs held now. */
    int held() {
        return n;
    }

    /**
     * {@code napi_gro_receive()} after {@code eth_type_trans()}: {@code skb}'s data points at the
     * network header. Merges, holds or sends it up (see the class comment).
     */
    void receive(SkBuff skb) {
        if (skb.protocol != EthernetHeader.ETH_P_IP || skb.pktType != SkBuff.PACKET_HOST || skb.isNonlinear() || skb.isCloned()) {
            goUp(skb);
            return;
        }
        byte[] b = skb.head();
        int ip = skb.dataOffset();
        int len = skb.len();
        if (len < Ipv4Header.MIN_LEN + TcpHeader.MIN_LEN || Ipv4Header.version(b, ip) != 4 || Ipv4Header.ihl(b, ip) != 5
                || Ipv4Header.totalLength(b, ip) != len || Ipv4Header.isFragment(b, ip) || Ipv4Header.protocol(b, ip) != Ipv4Header.IPPROTO_TCP
                || !Ipv4Header.verifyChecksum(b, ip)) {
            goUp(skb);
            return;
        }
        int th = ip + Ipv4Header.MIN_LEN;
        int tcpLen = len - Ipv4Header.MIN_LEN;
        int thl = TcpHeader.headerLength(b, th);
        if (thl < TcpHeader.MIN_LEN || thl > tcpLen || hasOption(b, th, thl, MPTCP_OPTION)) {
            goUp(skb);
            return;
        }
        int src = Ipv4Header.src(b, ip), dst = Ipv4Header.dst(b, ip);
        if (!InetChecksum.verifies(b, th, tcpLen, InetChecksum.pseudoHeaderV4(src, dst, Ipv4Header.IPPROTO_TCP, tcpLen))) {
            goUp(skb); // TCP drops it and counts the bad checksum
            return;
        }
        skb.ipSummed = SkBuff.CHECKSUM_UNNECESSARY;
        int payload = tcpLen - thl;
        int flags = TcpHeader.flags(b, th);
        int seq = TcpHeader.seq(b, th);
        int id = Ipv4Header.id(b, ip);
        int i = find(src, dst, TcpHeader.srcPort(b, th) << 16 | TcpHeader.dstPort(b, th));
        if (i >= 0) {
            if (canMerge(i, b, ip, th, thl, payload, flags, seq, id) && allocator.groStealHead(held[i], skb, Ipv4Header.MIN_LEN + thl, payload)) {
                SkBuff p = held[i];
                count[i]++;
                nextSeq[i] = seq + payload;
                mergedSegs++;
                int pth = p.dataOffset() + Ipv4Header.MIN_LEN;
                TcpHeader.setFlags(p.head(), pth, TcpHeader.flags(p.head(), pth) | (flags & (TcpHeader.FIN | TcpHeader.PSH)));
                if (payload < mss[i] || (flags & (TcpHeader.URG | TcpHeader.PSH | TcpHeader.RST | TcpHeader.SYN | TcpHeader.FIN)) != 0) flushAt(i);
                return;
            }
            flushAt(i);
        }
        if (payload == 0 || (flags & (TcpHeader.URG | TcpHeader.PSH | TcpHeader.RST | TcpHeader.SYN | TcpHeader.FIN)) != 0) {
            goUp(skb);
            return;
        }
        if (n == MAX_GRO_SKBS) flushAt(0);
        held[n] = skb;
        count[n] = 1;
        mss[n] = payload;
        nextSeq[n] = seq + payload;
        firstId[n] = id;
        n++;
    }

    /** {@code napi_gro_flush()}: sends every held skb up, oldest first. */
    void flush() {
        while (n > 0) flushAt(0);
    }

    /** The held skb of the flow (addresses, and source port << 16 | destination port), or -1. */
    private int find(int src, int dst, int ports) {
        for (int i = 0; i < n; i++) {
            byte[] h = held[i].head();
            int pip = held[i].dataOffset();
            int pth = pip + Ipv4Header.MIN_LEN;
            if (Ipv4Header.src(h, pip) == src && Ipv4Header.dst(h, pip) == dst
                    && (TcpHeader.srcPort(h, pth) << 16 | TcpHeader.dstPort(h, pth)) == ports) {
                return i;
            }
        }
        return -1;
    }

    /** Whether the segment continues held skb {@code i} (the flush tests of inet_gro_receive() and tcp_gro_receive()). */
    private boolean canMerge(int i, byte[] b, int ip, int th, int thl, int payload, int flags, int seq, int id) {
        SkBuff p = held[i];
        byte[] h = p.head();
        int pip = p.dataOffset();
        int pth = pip + Ipv4Header.MIN_LEN;
        if (Ipv4Header.ttl(h, pip) != Ipv4Header.ttl(b, ip) || Ipv4Header.tos(h, pip) != Ipv4Header.tos(b, ip)) return false;
        boolean df = Ipv4Header.isDf(b, ip);
        if (Ipv4Header.isDf(h, pip) != df) return false;
        boolean consecutive = ((firstId[i] + count[i]) & 0xffff) == id;
        if (!consecutive && !(df && id == firstId[i])) return false;
        if ((flags & TcpHeader.CWR) != 0) return false;
        // tcp_flag_word(): data offset, flags and window must match, but for CWR, FIN and PSH
        int word = b[th + 12] << 24 | (flags & ~(TcpHeader.CWR | TcpHeader.FIN | TcpHeader.PSH)) << 16 | TcpHeader.window(b, th);
        int pword = h[pth + 12] << 24 | (TcpHeader.flags(h, pth) & ~(TcpHeader.CWR | TcpHeader.FIN | TcpHeader.PSH)) << 16 | TcpHeader.window(h, pth);
        if (word != pword || TcpHeader.ackSeq(b, th) != TcpHeader.ackSeq(h, pth)) return false;
        for (int k = TcpHeader.MIN_LEN; k < thl; k++) if (b[th + k] != h[pth + k]) return false;
        if (payload == 0 || payload > mss[i] || seq != nextSeq[i]) return false;
        return p.shinfo().nrFrags() < SkbSharedInfo.MAX_SKB_FRAGS && p.len() + payload < GRO_MAX_SIZE;
    }

    /** {@code napi_gro_complete()} of held skb {@code i}: fixes a merged skb's headers up and sends it up. */
    private void flushAt(int i) {
        SkBuff p = held[i];
        int segs = count[i];
        int m = mss[i];
        System.arraycopy(held, i + 1, held, i, n - i - 1);
        System.arraycopy(count, i + 1, count, i, n - i - 1);
        System.arraycopy(mss, i + 1, mss, i, n - i - 1);
        System.arraycopy(nextSeq, i + 1, nextSeq, i, n - i - 1);
        System.arraycopy(firstId, i + 1, firstId, i, n - i - 1);
        held[--n] = null;
        if (segs > 1) { // inet_gro_complete(), tcp4_gro_complete()
            byte[] h = p.head();
            int ip = p.dataOffset();
            Ipv4Header.setTotalLength(h, ip, p.len());
            Ipv4Header.setChecksum(h, ip);
            p.setGso(m, segs, SkBuff.SKB_GSO_TCPV4);
            mergedSkbs++;
            up.accept(p);
        } else {
            goUp(p);
        }
    }

    private void goUp(SkBuff skb) {
        normal++;
        up.accept(skb);
    }

    /** Whether the TCP options of the header at {@code b[th]} ({@code thl} bytes) include {@code kind}. */
    private static boolean hasOption(byte[] b, int th, int thl, int kind) {
        int k = th + TcpHeader.MIN_LEN, end = th + thl;
        while (k < end) {
            int t = b[k] & 0xff;
            if (t == 0) return false;
            if (t == 1) {
                k++;
                continue;
            }
            if (t == kind) return true;
            if (k + 1 >= end) return false;
            int l = b[k + 1] & 0xff;
            if (l < 2) return false;
            k += l;
        }
        return false;
    }
}
