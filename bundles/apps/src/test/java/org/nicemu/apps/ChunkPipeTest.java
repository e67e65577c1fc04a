package org.nicemu.apps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;

/** The pipe that runs hashing and checking off the loop thread: order, completeness, failures. */
class ChunkPipeTest {
    /** Appends {@code in} in random pieces and returns what the consumer saw, in its order. */
    private static byte[] pass(byte[] in, int chunk, java.util.concurrent.Executor executor, boolean slow) {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        SplittableRandom r = new SplittableRandom(4);
        ChunkPipe pipe = new ChunkPipe(chunk, (b, o, n) -> {
            if (slow) LockSupport.parkNanos(20_000);
            seen.write(b, o, n);
        }, executor);
        int off = 0;
        while (off < in.length) {
            int n = Math.min(in.length - off, r.nextInt(1, 3 * chunk));
            pipe.append(in, off, n);
            off += n;
        }
        pipe.await();
        return seen.toByteArray();
    }

    @Test
    void theConsumerGetsEveryByteInOrderOnAPoolThread() {
        byte[] in = AppsContract.bytes(3, 3_000_000);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            assertArrayEquals(in, pass(in, 4096, pool, false));
            assertArrayEquals(in, pass(in, 4096, pool, true), "a consumer that lags behind");
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void theOwnerConsumesItselfWhenThePoolNeverRuns() {
        byte[] in = AppsContract.bytes(3, 500_000);
        assertArrayEquals(in, pass(in, 1000, task -> { }, false));
    }

    @Test
    void inPlaceWritesReachTheConsumerInOrderInChunksOfAtLeastTheChunkSize() {
        byte[] in = AppsContract.bytes(3, 1_000_000);
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        java.util.List<Integer> lengths = new java.util.ArrayList<>();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            ChunkPipe pipe = new ChunkPipe(4096, 1000, (b, o, n) -> {
                assertEquals(5096, b.length, "array: chunk size plus headroom");
                lengths.add(n);
                seen.write(b, o, n);
            }, pool);
            SplittableRandom r = new SplittableRandom(5);
            int off = 0;
            while (off < in.length) {
                int n = Math.min(in.length - off, r.nextInt(0, 1001)); // up to the headroom, 0 too
                byte[] c = pipe.chunk();
                int at = pipe.filled();
                System.arraycopy(in, off, c, at, n);
                pipe.commit(n);
                off += n;
            }
            pipe.await();
        } finally {
            pool.shutdown();
        }
        assertArrayEquals(in, seen.toByteArray());
        for (int i = 0; i < lengths.size() - 1; i++) {
            int n = lengths.get(i);
            assertEquals(true, n >= 4096 && n < 4096 + 1000, "chunk " + i + " holds " + n + " bytes");
        }
    }

    /**
     * await() while an in-place write is pending (a receive issued into the chunk, not completed):
     * what was committed is consumed, the chunk stays the owner's, and the pending write commits
     * into it afterwards (a HIL run failed with "no chunk taken" when await() submitted the chunk).
     */
    @Test
    void awaitWhileAnInPlaceWriteIsPendingKeepsTheChunk() {
        byte[] in = AppsContract.bytes(3, 10_000);
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        ChunkPipe pipe = new ChunkPipe(4096, 1000, (b, o, n) -> seen.write(b, o, n), Runnable::run);
        int off = 0;
        for (int round = 0; off < in.length; round++) {
            int n = Math.min(in.length - off, 700);
            byte[] c = pipe.chunk(); // the receive is issued: buffer and offset taken
            int at = pipe.filled();
            if (round % 3 == 1) {
                pipe.await(); // results read in the middle (ss, a summary)
                assertEquals(off, seen.size(), "everything committed so far was consumed");
            }
            System.arraycopy(in, off, c, at, n); // the receive completes
            pipe.commit(n);
            off += n;
        }
        pipe.await();
        assertArrayEquals(in, seen.toByteArray());
    }

    @Test
    void aCommitBeyondTheRoomIsRejectedAndLosesNothing() {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        ChunkPipe pipe = new ChunkPipe(16, 4, (b, o, n) -> seen.write(b, o, n), Runnable::run);
        pipe.chunk()[0] = 7;
        pipe.commit(1);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> pipe.commit(20));
        assertEquals("commit 20 with 19 bytes of room", e.getMessage());
        pipe.await();
        assertArrayEquals(new byte[] {7}, seen.toByteArray());
    }

    @Test
    void aConsumerFailureIsRethrownByAwait() {
        ChunkPipe pipe = new ChunkPipe(16, (b, o, n) -> {
            throw new IllegalArgumentException("boom");
        }, Runnable::run);
        pipe.append(new byte[40], 0, 40);
        IllegalStateException e = assertThrows(IllegalStateException.class, pipe::await);
        assertEquals("boom", e.getCause().getMessage());
    }

    @Test
    void theWritersHashCoversExactlyWhatTheSocketTookAtAnyMoment() throws Exception {
        StreamWriter w = new StreamWriter(7, 1000);
        LimitedSendSocket sock = new LimitedSendSocket(333);
        long sent = 0;
        while (sent < 10_000) {
            int r = w.send(sock, 10_000 - sent, x -> { });
            w.sent(r);
            sent += r;
            assertEquals(AppsContract.sha(7, sent), w.sha256(), "after " + sent + " bytes (mid-chunk too)");
        }
    }

    /** A socket whose send() takes at most {@code max} bytes. */
    private static final class LimitedSendSocket extends NullSocket {
        private final int max;

        LimitedSendSocket(int max) {
            this.max = max;
        }

        @Override
        public int send(byte[] buf, int off, int len, int flags, java.util.function.IntConsumer done) {
            return Math.min(len, max);
        }
    }

    /** A socket that does nothing. */
    private static class NullSocket implements org.nicemu.api.sock.Socket {
        @Override public int send(byte[] buf, int off, int len, int flags, java.util.function.IntConsumer done) { return 0; }
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
