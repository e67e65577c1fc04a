package org.nicemu.bench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.nicemu.api.wire.InetChecksum;
import org.nicemu.apps.SeededStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Two hot pure functions of the event-loop thread: {@link InetChecksum#partial} on 1460 and 65160
 * bytes against an 8-byte-per-step variant ({@code eightBytePartial}: twice as fast here, but it
 * made the 1514-byte transmit path fall from ~2.7 M to ~1.48 M frames/s in
 * {@code TransmitPathBenchmark}, twice, so {@code partial} keeps one 32-bit word per step) and
 * against its big-endian predecessor ({@code bigEndianPartial}, a byte swap per word); and
 * {@link SeededStream#fill} on 1460 and 262144 bytes against a copy of its previous implementation
 * ({@code legacyFill}). One operation is one call: {@code java -jar benchmarks/target/benchmarks.jar HotPath}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HotPathBenchmark {

    @State(Scope.Thread)
    public static class Checksum {
        /** Bytes summed: a 1460-byte MSS, or a 64 KB GSO payload (45 × 1448 for 65160). */
        @Param({"1460", "65160"})
        public int csumLen;

        byte[] buf;
        long sum;

        @Setup
        public void setup() {
            buf = new byte[csumLen];
            new SplittableRandom(1).nextBytes(buf);
            sum = 0x1_2345_6789L; // a nonzero starting sum
        }
    }

    @State(Scope.Thread)
    public static class Fill {
        /** Bytes per fill(): a 1460-byte MSS, or a 256 KB buffer. */
        @Param({"1460", "262144"})
        public int fillLen;

        byte[] buf;
        SeededStream stream;
        long legacyPosition;

        @Setup
        public void setup() {
            buf = new byte[fillLen];
            stream = new SeededStream(42L);
        }
    }

    @Benchmark
    public long partial(Checksum s) {
        return InetChecksum.partial(s.buf, 0, s.csumLen, s.sum);
    }

    @Benchmark
    public long eightBytePartial(Checksum s) {
        return eightBytePartial(s.buf, 0, s.csumLen, s.sum);
    }

    @Benchmark
    public long bigEndianPartial(Checksum s) {
        return bigEndianPartial(s.buf, 0, s.csumLen, s.sum);
    }

    @Benchmark
    public byte[] fill(Fill s) {
        s.stream.fill(s.buf, 0, s.fillLen);
        return s.buf;
    }

    @Benchmark
    public byte[] legacyFill(Fill s) {
        s.legacyPosition = legacyFill(42L, s.legacyPosition, s.buf, 0, s.fillLen);
        return s.buf;
    }

    // ---- the alternatives ----

    private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long GAMMA = 0x9E3779B97F4A7C15L;

    /** InetChecksum.partial() reading 8 bytes (two big-endian 32-bit words) per step; same result. */
    private static long eightBytePartial(byte[] b, int off, int len, long sum) {
        if (off < 0 || len < 0 || off > b.length - len) {
            throw new IndexOutOfBoundsException("csum region " + off + "+" + len + " of " + b.length);
        }
        int i = off;
        int end = off + len;
        long s = 0;
        for (; i <= end - 8; i += 8) {
            long w = (long) LONG_BE.get(b, i);
            s += (w >>> 32) + (w & 0xffffffffL);
        }
        for (; i <= end - 4; i += 4) {
            s += (int) INT_BE.get(b, i) & 0xffffffffL;
        }
        if (i <= end - 2) {
            s += (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
            i += 2;
        }
        if (i < end) {
            s += (b[i] & 0xff) << 8;
        }
        return InetChecksum.add(sum, s);
    }

    /** InetChecksum.partial() before session 5: big-endian 32-bit words (a byte swap per word); same residue. */
    private static long bigEndianPartial(byte[] b, int off, int len, long sum) {
        if (off < 0 || len < 0 || off > b.length - len) {
            throw new IndexOutOfBoundsException("csum region " + off + "+" + len + " of " + b.length);
        }
        int i = off;
        int end = off + len;
        long s = 0;
        for (; i <= end - 4; i += 4) {
            s += (int) INT_BE.get(b, i) & 0xffffffffL;
        }
        if (i <= end - 2) {
            s += (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
            i += 2;
        }
        if (i < end) {
            s += (b[i] & 0xff) << 8;
        }
        return InetChecksum.add(sum, s);
    }

    /** SeededStream.fill() before, with the stream's position passed in and the new one returned. */
    private static long legacyFill(long seed, long position, byte[] buf, int off, int len) {
        if (off < 0 || len < 0 || off > buf.length - len) throw new IndexOutOfBoundsException("off " + off + " len " + len + " of " + buf.length);
        long p = position;
        int i = off, end = off + len;
        while (i < end && (p & 7) != 0) { // up to the next whole word
            buf[i++] = legacyByteAt(seed, p++);
        }
        while (end - i >= 8) { // whole words, little-endian as byteAt() defines them
            LONG_LE.set(buf, i, legacyWord(seed, p >>> 3));
            i += 8;
            p += 8;
        }
        while (i < end) {
            buf[i++] = legacyByteAt(seed, p++);
        }
        return p;
    }

    private static byte legacyByteAt(long seed, long p) {
        return (byte) (legacyWord(seed, p >>> 3) >>> (8 * (int) (p & 7)));
    }

    private static long legacyWord(long seed, long i) {
        long z = seed + (i + 1) * GAMMA;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
