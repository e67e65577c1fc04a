package org.nicemu.apps;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Hands byte chunks, in order, to a {@link Consumer} that runs on a pool thread instead of the
 * emulation's loop thread: hashing (SHA-256) and checking a flow's bytes costs about as much as
 * emulating them, and nothing in the emulation waits for the result. The owner takes a chunk
 * ({@link #chunk}), fills it, {@link #submit}s it (or copies bytes in with {@link #append}, or
 * writes them in place at {@link #filled} and {@link #commit}s them), and calls {@link #await}
 * before it reads what the consumer computed. The consumer sees the same
 * bytes in the same order whatever the thread timing, so results stay deterministic. A pipe has
 * at most {@link #BUDGET} bytes of chunks (at least two), allocated when needed; when all of them
 * wait for the consumer, {@link #chunk} runs the consumer on the owner's thread (or waits while the
 * pool thread is at it). Owner methods are called by one thread at a time (the loop).
 */
final class ChunkPipe {
    /** What is done with each chunk, on the pool thread, in submission order. */
    interface Consumer {
        void accept(byte[] b, int off, int len);
    }

    /** Bytes of chunks per pipe at most: enough for the consumer to run behind without stalling the loop. */
    static final int BUDGET = 1 << 20;

    private static final class Chunk {
        final byte[] b;
        /** The bytes to consume: [off, off+len); off > 0 when {@link #await} consumed the start in place. */
        int off, len;

        Chunk(int size) {
            b = new byte[size];
        }
    }

    private final Consumer consumer;
    private final int chunkSize;
    /** Bytes past {@link #chunkSize} each array has, so an in-place write of up to that many always fits. */
    private final int headroom;
    private final Executor executor;
    private final ConcurrentLinkedQueue<Chunk> submitted = new ConcurrentLinkedQueue<>();
    private final int maxChunks;
    private final ArrayBlockingQueue<Chunk> free;
    private final AtomicBoolean draining = new AtomicBoolean();
    /** Held by whichever thread runs the consumer, so chunks are consumed one at a time, in order. */
    private final ReentrantLock consuming = new ReentrantLock();
    private volatile Throwable failure;
    /**
     * Owner state: chunks allocated, the one being filled (null: none), its fill, and how much of
     * it {@link #await} already consumed in place (the chunk stays the owner's: an in-place write
     * may be pending on it).
     */
    private int allocated;
    private Chunk current;
    private int fill;
    private int consumedInPlace;

    ChunkPipe(int chunkSize, Consumer consumer) {
        this(chunkSize, 0, consumer, ForkJoinPool.commonPool());
    }

    ChunkPipe(int chunkSize, Consumer consumer, Executor executor) {
        this(chunkSize, 0, consumer, executor);
    }

    /**
     * @param headroom bytes each chunk array has beyond {@code chunkSize}: an owner writing in place
     *                 ({@link #commit}) can always write that many; a chunk is submitted once it
     *                 holds at least {@code chunkSize} bytes
     */
    ChunkPipe(int chunkSize, int headroom, Consumer consumer, Executor executor) {
        if (chunkSize < 1) throw new IllegalArgumentException("chunk size must be >= 1, got " + chunkSize);
        if (headroom < 0) throw new IllegalArgumentException("headroom must be >= 0, got " + headroom);
        this.chunkSize = chunkSize;
        this.headroom = headroom;
        this.maxChunks = Math.max(2, BUDGET / chunkSize);
        this.free = new ArrayBlockingQueue<>(maxChunks);
        this.consumer = consumer;
        this.executor = executor;
    }

    /** The chunk being filled: a free one is taken, or a new one allocated within the budget (see {@link #takeFree}). */
    byte[] chunk() {
        if (current == null) {
            Chunk c = free.poll();
            if (c == null) c = allocated < maxChunks ? allocate() : takeFree();
            current = c;
            fill = 0;
            consumedInPlace = 0;
        }
        return current.b;
    }

    /** Hands {@code chunk()[0, len)} to the consumer; the next {@link #chunk} is another array. */
    void submit(int len) {
        Chunk c = current;
        if (c == null) throw new IllegalStateException("no chunk taken");
        if (len < 0 || len > c.b.length) throw new IndexOutOfBoundsException("len " + len + " of " + c.b.length);
        if (len < consumedInPlace) throw new IllegalStateException("submit " + len + " after " + consumedInPlace + " bytes were consumed");
        current = null;
        c.off = consumedInPlace;
        c.len = len - consumedInPlace;
        submitted.add(c);
        if (draining.compareAndSet(false, true)) executor.execute(this::drain);
    }

    /** Copies {@code b[off, off+n)} into chunks, submitting each one that is full. */
    void append(byte[] b, int off, int n) {
        while (n > 0) {
            byte[] c = chunk();
            int k = Math.min(n, chunkSize - fill);
            System.arraycopy(b, off, c, fill, k);
            fill += k;
            off += k;
            n -= k;
            if (fill == chunkSize) submit(fill);
        }
    }

    /** Bytes already in the chunk being filled (taking one when none is): the next in-place write goes there. */
    int filled() {
        chunk();
        return fill;
    }

    /**
     * Accounts {@code n} bytes the owner wrote in place at {@code chunk()[filled()]} (at most the
     * headroom plus what is left below the chunk size); submits the chunk once it holds at least
     * the chunk size.
     */
    void commit(int n) {
        if (current == null) throw new IllegalStateException("no chunk taken");
        if (n < 0 || n > current.b.length - fill) throw new IndexOutOfBoundsException("commit " + n + " with " + (current.b.length - fill) + " bytes of room");
        fill += n;
        if (fill >= chunkSize) submit(fill);
    }

    /**
     * Makes sure the consumer has had every byte given so far — the submitted chunks (running it
     * here for those the pool thread has not taken yet) and then, in place, what the chunk being
     * filled holds — so that the consumer's results can be read. The chunk being filled stays the
     * owner's (a write into it may be pending, e.g. a receive that has not completed); its later
     * bytes go to the consumer when it is submitted. Rethrows the consumer's failure.
     */
    void await() {
        consuming.lock(); // the pool thread is done with what it took
        try {
            consumeSubmitted();
            if (current != null && fill > consumedInPlace) {
                consume(current.b, consumedInPlace, fill - consumedInPlace);
                consumedInPlace = fill;
            }
        } finally {
            consuming.unlock();
        }
        Throwable t = failure;
        if (t != null) throw new IllegalStateException("stream consumer failed", t);
    }

    private Chunk allocate() {
        allocated++;
        return new Chunk(chunkSize + headroom);
    }

    /**
     * A chunk the consumer is done with. When none is free and the pool thread has not started on
     * the submitted ones (it is busy elsewhere), the owner consumes them itself rather than wait.
     */
    private Chunk takeFree() {
        Chunk c = free.poll();
        if (c != null) return c;
        if (consuming.tryLock()) {
            try {
                consumeSubmitted();
            } finally {
                consuming.unlock();
            }
            c = free.poll();
            if (c != null) return c;
        }
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the stream consumer", e);
        }
    }

    /** Pool thread: consumes submitted chunks until none is left, then gives way. */
    private void drain() {
        do {
            consuming.lock();
            try {
                consumeSubmitted();
            } finally {
                consuming.unlock();
            }
            draining.set(false);
        } while (!submitted.isEmpty() && draining.compareAndSet(false, true));
    }

    /** Runs the consumer unless it failed before; {@link #consuming} is held. */
    private void consume(byte[] b, int off, int len) {
        if (failure != null || len == 0) return;
        try {
            consumer.accept(b, off, len);
        } catch (Throwable t) {
            failure = t;
        }
    }

    /** Consumes the submitted chunks in order and frees them; {@link #consuming} is held. */
    private void consumeSubmitted() {
        Chunk c;
        while ((c = submitted.poll()) != null) {
            consume(c.b, c.off, c.len);
            free.add(c);
        }
    }
}
