package org.nicemu.nic;

import java.util.SplittableRandom;

/**
 * Receive-side scaling as the NIC computes it: a Toeplitz hash of the IPv4 addresses (and, for TCP
 * and UDP frames that are not fragments, the ports) under a 40-byte secret key, and a 128-entry
 * indirection table (RETA) indexed by the hash's low 7 bits that names the RX queue. This is the
 * hash defined by Microsoft's RSS specification and implemented by ixgbe, i40e, mlx5 and others;
 * the key comes from the emulation's seeded random source (as {@code netdev_rss_key_fill()} fills
 * the kernel's key with random bytes at boot), so the same seed steers the same flows to the same
 * queues. The default table spreads over all RX queues round robin ({@code ethtool_rxfh_indir_default()}).
 *
 * <p>Frames that are not IPv4, or whose IPv4 header is cut short or malformed, get hash 0 and go to
 * RX queue 0 (the default queue of real hardware for unhashed traffic). Allocates nothing per frame.
 * The hash is linear in the input bits, so it is computed per frame as the XOR of one precomputed
 * value per input byte ({@link #byteHashes}), the lookup-table form DPDK's {@code rte_thash} also
 * offers; {@link #toeplitz} is the bit-by-bit definition.
 */
final class Rss {
    /** Key length, bytes (the size Linux and most NICs use). */
    static final int KEY_LEN = 40;
    /** Indirection table entries. */
    static final int RETA_SIZE = 128;

    /** Input bytes at most: IPv4 source and destination, source and destination port. */
    static final int MAX_INPUT = 12;

    private final byte[] key;
    private final int[] reta = new int[RETA_SIZE];
    /** Entry {@code 256 * j + v}: the hash of an input whose only non-zero byte is {@code v} at position {@code j}. */
    private final int[] byteHash;
    /** Outputs of the last {@link #hash} call (no allocation). */
    int hash;
    boolean l4;

    Rss(byte[] key, int queues) {
        if (key.length != KEY_LEN) throw new IllegalArgumentException("RSS key must be " + KEY_LEN + " bytes");
        this.key = key.clone();
        this.byteHash = byteHashes(this.key);
        setQueues(queues);
    }

    /** A key of 40 random bytes from {@code random}. */
    static byte[] randomKey(SplittableRandom random) {
        byte[] k = new byte[KEY_LEN];
        random.nextBytes(k);
        return k;
    }

    /** ethtool -X equal n: entry i names queue i % n. */
    void setQueues(int n) {
        for (int i = 0; i < RETA_SIZE; i++) reta[i] = i % n;
    }

    /** The RX queue of a hash: the indirection table entry of its low 7 bits. */
    int queueOf(int h) {
        return reta[h & (RETA_SIZE - 1)];
    }

    /**
     * Hashes the frame at {@code f[off..off+len)} (Ethernet header first) into {@link #hash} and
     * {@link #l4}, and returns the RX queue.
     */
    int classify(byte[] f, int off, int len) {
        hash = 0;
        l4 = false;
        if (len < 14 + 20 || (f[off + 12] & 0xff) != 0x08 || f[off + 13] != 0) return 0;
        int ip = off + 14;
        int vihl = f[ip] & 0xff;
        int ihl = (vihl & 0x0f) * 4;
        if ((vihl >>> 4) != 4 || ihl < 20 || len < 14 + ihl) return 0;
        int h = hashBytes(f, ip + 12, 0, 8); // source and destination address
        int proto = f[ip + 9] & 0xff;
        boolean fragment = (((f[ip + 6] & 0x3f) << 8) | (f[ip + 7] & 0xff)) != 0; // MF or offset
        if ((proto == 6 || proto == 17) && !fragment && len >= 14 + ihl + 4) {
            h ^= hashBytes(f, ip + ihl, 8, 4); // source and destination port
            l4 = true;
        }
        hash = h;
        return queueOf(h);
    }

    /** The Toeplitz hash contribution of {@code f[off, off+n)} placed at input position {@code pos}. */
    private int hashBytes(byte[] f, int off, int pos, int n) {
        int h = 0;
        for (int j = 0; j < n; j++) h ^= byteHash[((pos + j) << 8) | (f[off + j] & 0xff)];
        return h;
    }

    /** The per-byte table of {@link #byteHash}: single bits from the key, other values XORed from them. */
    static int[] byteHashes(byte[] key) {
        int[] t = new int[MAX_INPUT * 256];
        for (int j = 0; j < MAX_INPUT; j++) {
            int base = j << 8;
            for (int bit = 0; bit < 8; bit++) t[base | (0x80 >>> bit)] = keyBits(key, 8 * j + bit);
            for (int v = 1; v < 256; v++) {
                int low = v & -v;
                t[base | v] = t[base | low] ^ t[base | (v ^ low)];
            }
        }
        return t;
    }

    /** The 32 key bits starting at bit position {@code p} (0 = most significant bit of key[0]); zeros past the key. */
    private static int keyBits(byte[] key, int p) {
        long w = 0;
        for (int i = 0; i < 5; i++) {
            int k = (p >>> 3) + i;
            w = (w << 8) | (k < key.length ? key[k] & 0xffL : 0);
        }
        return (int) (w >>> (8 - (p & 7)));
    }

    /**
     * The Toeplitz hash of {@code in[off..off+len)} under {@code key}: for every input bit that is
     * set, XOR in the 32 key bits starting at that bit's position (the most significant bit of
     * the first byte is position 0). {@code key} must be at least {@code len + 4} bytes long.
     */
    static int toeplitz(byte[] key, byte[] in, int off, int len) {
        long window = 0;
        for (int i = 0; i < 8; i++) window = (window << 8) | (key[i] & 0xffL);
        int next = 8;
        int result = 0;
        for (int j = 0; j < len; j++) {
            int x = in[off + j] & 0xff;
            for (int bit = 7; bit >= 0; bit--) {
                if (((x >>> bit) & 1) != 0) result ^= (int) (window >>> 32);
                window <<= 1;
            }
            window |= next < key.length ? key[next] & 0xffL : 0;
            next++;
        }
        return result;
    }
}
