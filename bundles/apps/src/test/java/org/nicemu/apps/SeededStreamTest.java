package org.nicemu.apps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class SeededStreamTest {
    /** SplitMix64 from state 0 gives 0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4 (the reference vectors); bytes little endian. */
    @Test
    void firstBytesOfSeedZeroAreSplitMix64() {
        assertEquals("afcd1d7b39a820e2" + "f465b9a16a9e786e", HexFormat.of().formatHex(AppsContract.bytes(0, 16)));
        assertEquals((byte) 0xaf, SeededStream.byteAt(0, 0));
        assertEquals((byte) 0x6e, SeededStream.byteAt(0, 15));
    }

    @Test
    void sameSeedSameBytesWhateverTheChunks() {
        byte[] whole = AppsContract.bytes(42, 100_000);
        assertArrayEquals(whole, AppsContract.bytes(42, 100_000));
        SeededStream s = new SeededStream(42);
        byte[] pieces = new byte[100_000];
        SplittableRandom r = new SplittableRandom(1);
        int off = 0;
        while (off < pieces.length) {
            int n = Math.min(pieces.length - off, r.nextInt(0, 20));
            s.fill(pieces, off, n);
            off += n;
        }
        assertArrayEquals(whole, pieces);
        assertEquals(100_000, s.position());
        for (int p : new int[] {0, 1, 7, 8, 9, 12345, 99_999}) assertEquals(whole[p], SeededStream.byteAt(42, p));
        SeededStream k = new SeededStream(42);
        k.skip(12_345);
        byte[] tail = new byte[10];
        k.fill(tail, 0, 10);
        assertArrayEquals(Arrays.copyOfRange(whole, 12_345, 12_355), tail);
    }

    /**
     * fill() against byteAt() byte by byte: random seeds, starting positions (unaligned ones too, reached
     * with skip()), buffer offsets and chunk sizes 0..100000; the bytes around each chunk are untouched.
     */
    @Test
    void randomChunksMatchByteAt() {
        SplittableRandom r = new SplittableRandom(0x5eed);
        byte[] buf = new byte[100_016];
        for (int t = 0; t < 300; t++) {
            long seed = t % 3 == 0 ? t : r.nextLong();
            SeededStream s = new SeededStream(seed);
            long start = t % 5 == 0 ? r.nextInt(16) : r.nextLong(1L << 50);
            s.skip(start);
            long p = start;
            for (int c = 0; c < 4; c++) {
                int len = c == 0 ? r.nextInt(100_001) : r.nextInt(r.nextBoolean() ? 20 : 3000);
                int off = r.nextInt(buf.length - len + 1);
                byte marker = (byte) r.nextInt();
                Arrays.fill(buf, marker);
                s.fill(buf, off, len);
                for (int k = 0; k < len; k++) {
                    if (buf[off + k] != SeededStream.byteAt(seed, p + k)) {
                        assertEquals(SeededStream.byteAt(seed, p + k), buf[off + k], "seed " + seed + " position " + (p + k) + " of a fill of " + len + " from " + p);
                    }
                }
                for (int k = 0; k < off; k++) if (buf[k] != marker) assertEquals(marker, buf[k], "before the chunk at " + k);
                for (int k = off + len; k < buf.length; k++) if (buf[k] != marker) assertEquals(marker, buf[k], "after the chunk at " + k);
                p += len;
                assertEquals(p, s.position());
                if (r.nextInt(4) == 0) { // skip to an arbitrary (usually unaligned) position
                    long n = r.nextInt(1000);
                    s.skip(n);
                    p += n;
                }
            }
        }
    }

    @Test
    void otherSeedOtherBytes() {
        assertFalse(Arrays.equals(AppsContract.bytes(1, 64), AppsContract.bytes(2, 64)));
    }

    @Test
    void badRangesAreRefused() {
        assertThrows(IndexOutOfBoundsException.class, () -> new SeededStream(1).fill(new byte[4], 2, 3));
        assertThrows(IllegalArgumentException.class, () -> new SeededStream(1).skip(-1));
    }

    /** The SHA-256 of a stream prefix computed in one piece and through the writer's reused chunk buffer. */
    @Test
    void sha256OfAPrefixTwoWays() throws Exception {
        int n = 1_000_000;
        String oneShot = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(AppsContract.bytes(7, n)));
        StreamWriter w = new StreamWriter(7, 65536);
        // what send() would take: odd amounts out of each chunk
        long left = n;
        byte[][] seen = new byte[1][];
        org.nicemu.api.sock.Socket fake = new FakeSendSocket(seen);
        while (left > 0) {
            int r = w.send(fake, left, x -> { });
            w.sent(r);
            left -= r;
        }
        assertEquals(oneShot, w.sha256());
        assertEquals(w.sha256(), AppsContract.sha(7, n));
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Sha.hex(Sha.newDigest()), "empty input");
    }

    /** A socket whose send() takes 1..3333 bytes. */
    private static final class FakeSendSocket implements org.nicemu.api.sock.Socket {
        private final SplittableRandom r = new SplittableRandom(9);

        FakeSendSocket(byte[][] unused) {
        }

        @Override public int send(byte[] buf, int off, int len, int flags, java.util.function.IntConsumer done) { return Math.min(len, r.nextInt(1, 3334)); }
        @Override public org.nicemu.api.sock.Sock sk() { return null; }
        @Override public org.nicemu.api.exec.EmuTask task() { return null; }
        @Override public void setNonBlocking(boolean nb) { }
        @Override public boolean nonBlocking() { return false; }
        @Override public int bind(int addr, int port) { return 0; }
        @Override public int listen(int backlog) { return 0; }
        @Override public int connect(int daddr, int dport, java.util.function.IntConsumer done) { return 0; }
        @Override public int accept(org.nicemu.api.exec.EmuTask task, AcceptDone done) { return 0; }
        @Override public int recv(byte[] buf, int off, int len, int flags, java.util.function.IntConsumer done) { return 0; }
        @Override public int shutdown(int how) { return 0; }
        @Override public void close() { }
        @Override public int setsockopt(int level, int name, long value) { return 0; }
        @Override public int setsockopt(int level, int name, String value) { return 0; }
        @Override public long getsockopt(int level, int name) { return 0; }
        @Override public String getsockoptString(int level, int name) { return null; }
        @Override public org.nicemu.api.sock.TcpInfo info() { return null; }
    }
}
