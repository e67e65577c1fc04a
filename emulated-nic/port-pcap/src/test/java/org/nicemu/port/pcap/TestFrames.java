package org.nicemu.port.pcap;

/**
 * Test support: builds Ethernet II / IPv4 / UDP and TCP frames with correct IPv4, UDP and TCP
 * checksums, so that tshark with checksum validation on reports them as good. The payload is
 * lowercase ASCII text.
 */
public final class TestFrames {
    /** Ethernet + IPv4 (no options) header length. */
    public static final int ETH_IP = 14 + 20;

    private TestFrames() {
    }

    /** An Ethernet/IPv4/UDP frame of exactly {@code frameLen} bytes (≥ 42), payload filled from {@code seed}. */
    public static byte[] udp(int frameLen, int seed) {
        if (frameLen < ETH_IP + 8) {
            throw new IllegalArgumentException("frameLen " + frameLen + " < 42");
        }
        byte[] f = new byte[frameLen];
        ipv4(f, 17, seed);
        int u = ETH_IP;
        int udpLen = frameLen - ETH_IP;
        put16(f, u, 40000 + (seed & 0xff));   // source port
        put16(f, u + 2, 9);                   // destination port: discard
        put16(f, u + 4, udpLen);
        fillPayload(f, u + 8, seed);
        int c = transportChecksum(f, 17, u, udpLen);
        put16(f, u + 6, c == 0 ? 0xffff : c);
        return f;
    }

    /** An Ethernet/IPv4/TCP (20-byte header, ACK|PSH) frame of exactly {@code frameLen} bytes (≥ 54). */
    public static byte[] tcp(int frameLen, int seed) {
        if (frameLen < ETH_IP + 20) {
            throw new IllegalArgumentException("frameLen " + frameLen + " < 54");
        }
        byte[] f = new byte[frameLen];
        ipv4(f, 6, seed);
        int t = ETH_IP;
        put16(f, t, 5001);
        put16(f, t + 2, 40000 + (seed & 0xff));
        put32(f, t + 4, 1000 + seed * 1460L);  // sequence number
        put32(f, t + 8, 1);                    // acknowledgment number
        f[t + 12] = (byte) 0x50;               // data offset 5 words
        f[t + 13] = (byte) 0x18;               // ACK | PSH
        put16(f, t + 14, 65535);               // window
        fillPayload(f, t + 20, seed);
        put16(f, t + 16, transportChecksum(f, 6, t, frameLen - ETH_IP));
        return f;
    }

    private static void ipv4(byte[] f, int protocol, int seed) {
        // Ethernet II: dst 02:00:00:00:00:02, src 02:00:00:00:00:01, type IPv4
        f[0] = 2; f[5] = 2;
        f[6] = 2; f[11] = 1;
        put16(f, 12, 0x0800);
        int ip = 14;
        f[ip] = 0x45;
        put16(f, ip + 2, f.length - 14);         // total length
        put16(f, ip + 4, seed & 0xffff);         // identification
        put16(f, ip + 6, 0x4000);                // DF
        f[ip + 8] = 64;                          // TTL
        f[ip + 9] = (byte) protocol;
        f[ip + 12] = 10; f[ip + 15] = 1;         // 10.0.0.1
        f[ip + 16] = 10; f[ip + 19] = 2;         // 10.0.0.2
        put16(f, ip + 10, fold(sum(f, ip, 20, 0)));
    }

    /**
     * Printable ASCII payload: random bytes trip Wireshark's heuristic dissectors (RTP/RTCP,
     * ...) into reporting malformed packets that are not there; text does not.
     */
    private static void fillPayload(byte[] f, int from, int seed) {
        for (int i = from; i < f.length; i++) {
            f[i] = (byte) ('a' + (i + seed) % 26);
        }
    }

    /** Internet checksum of a UDP/TCP segment at {@code off}, including the IPv4 pseudo-header. */
    private static int transportChecksum(byte[] f, int protocol, int off, int len) {
        long s = sum(f, 14 + 12, 8, 0);  // source + destination address
        s += protocol + len;
        return fold(sum(f, off, len, s));
    }

    private static long sum(byte[] b, int off, int len, long s) {
        int i = off;
        for (; i + 1 < off + len; i += 2) {
            s += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
        }
        if (i < off + len) {
            s += (b[i] & 0xff) << 8;
        }
        return s;
    }

    private static int fold(long s) {
        while ((s >>> 16) != 0) {
            s = (s & 0xffff) + (s >>> 16);
        }
        return (int) (~s & 0xffff);
    }

    private static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    private static void put32(byte[] b, int off, long v) {
        put16(b, off, (int) (v >>> 16) & 0xffff);
        put16(b, off + 2, (int) v & 0xffff);
    }
}
