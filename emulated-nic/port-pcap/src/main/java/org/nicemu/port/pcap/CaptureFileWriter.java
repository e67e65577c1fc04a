package org.nicemu.port.pcap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Common machinery of the project's capture-file writers ({@link PcapWriter}, {@link PcapngWriter}):
 * one {@link FileChannel}, one large reusable direct {@link ByteBuffer} in little-endian order,
 * and a close path that is safe to call from another thread.
 *
 * <p><b>Threading.</b> Records are appended, and {@link #flush()} is called, by one thread only
 * (the emulation loop); a full buffer is written to the file by a drainer thread of this writer
 * while the loop fills the second buffer (one buffer in flight, so records stay in order). {@link #close()} may be called from any thread — the loop itself, a DS
 * deactivation, or the JVM shutdown hook of {@link OpenWriters}. No Java lock is taken on the
 * write path: the writing thread announces itself in a volatile {@code writing} flag and checks a
 * volatile {@code closed} flag (a Dekker-style handshake); a closing thread sets {@code closed},
 * then waits (bounded) until no record is half-written before it drains the buffer. Records that
 * arrive after the close started are ignored, as {@link org.nicemu.api.nic.NicPort#close()}
 * requires. The buffer is only ever drained between two records, so the file on disk always ends
 * at a record boundary.
 *
 * <p><b>Replacing a file.</b> An existing capture file is unlinked and a new one created; the old
 * one's storage is freed on another thread (see {@link #detachPrevious}).
 *
 * <p><b>Errors.</b> I/O failures surface as {@link UncheckedIOException} whose message names the file.
 */
public abstract class CaptureFileWriter implements AutoCloseable {
    /** Default size of the reusable write buffer: 1 MiB. */
    public static final int DEFAULT_BUFFER_BYTES = 1 << 20;

    /** How long a closing thread waits for a record that is being written by the owner thread. */
    private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private static final VarHandle WRITING;

    static {
        try {
            WRITING = MethodHandles.lookup().findVarHandle(CaptureFileWriter.class, "writing", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The file this writer writes. */
    protected final Path file;
    /**
     * The record buffer being filled, little-endian; subclasses append whole records to it. When it
     * is full it goes to the writer thread and the other of the two buffers takes its place.
     */
    protected ByteBuffer buf;
    private final FileChannel channel;
    /** Drains full buffers to the channel, so the loop thread only copies records (double buffering). */
    private final Thread drainer;
    private final Object handoff = new Object();
    private ByteBuffer pending; // guarded by handoff: a full buffer the drainer writes
    private ByteBuffer spare; // guarded by handoff: the buffer the drainer gave back
    private IOException failure; // guarded by handoff
    private boolean stopDrainer; // guarded by handoff

    @SuppressWarnings("unused") // accessed through the WRITING VarHandle
    private volatile boolean writing;
    private volatile boolean closed;
    private boolean channelClosed; // guarded by this (close path only)

    /**
     * Creates the parent directories, creates (or replaces) {@code file} and registers this writer
     * with {@link OpenWriters} so that a JVM shutdown closes it.
     *
     * @param file        the capture file
     * @param bufferBytes size of the reusable write buffer; must hold the largest record
     * @throws UncheckedIOException naming the file when it cannot be created
     */
    protected CaptureFileWriter(Path file, int bufferBytes) {
        this.file = file.toAbsolutePath().normalize();
        FileChannel previous = null;
        try {
            Path parent = this.file.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            previous = detachPrevious(this.file);
            this.channel = FileChannel.open(this.file, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        } catch (IOException e) {
            closeQuietly(previous);
            throw new UncheckedIOException("cannot create capture file " + this.file + ": " + e, e);
        }
        this.buf = ByteBuffer.allocateDirect(bufferBytes).order(ByteOrder.LITTLE_ENDIAN);
        this.spare = ByteBuffer.allocateDirect(bufferBytes).order(ByteOrder.LITTLE_ENDIAN);
        if (previous != null) {
            FileChannel replaced = previous;
            Thread t = new Thread(() -> closeQuietly(replaced), "nicemu-capture-free " + this.file.getFileName());
            t.setDaemon(true);
            t.start();
        }
        this.drainer = new Thread(this::drainLoop, "nicemu-capture " + this.file.getFileName());
        drainer.setDaemon(true);
        drainer.start();
        OpenWriters.register(this);
    }

    /**
     * An existing regular file at {@code file} is replaced rather than truncated in place: it is
     * opened, unlinked, and closed by a short-lived thread of its own, where the kernel frees its
     * pages (freeing a previous capture of hundreds of megabytes on tmpfs takes tens of milliseconds).
     * Returns that channel, or null when there is nothing to replace or it cannot be unlinked (the
     * file is then truncated when it is opened for writing).
     */
    private static FileChannel detachPrevious(Path file) {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        FileChannel old = null;
        try {
            old = FileChannel.open(file, StandardOpenOption.READ);
            Files.delete(file);
            return old;
        } catch (IOException | UnsupportedOperationException e) {
            closeQuietly(old);
            return null;
        }
    }

    private static void closeQuietly(FileChannel c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (IOException e) {
            // only a replaced file: nothing to report
        }
    }

    /** The drainer thread: writes each handed-over buffer completely, then returns it as the spare. */
    private void drainLoop() {
        while (true) {
            ByteBuffer b;
            synchronized (handoff) {
                while (pending == null && !stopDrainer) {
                    try {
                        handoff.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (pending == null) return;
                b = pending;
            }
            IOException err = null;
            try {
                while (b.hasRemaining()) {
                    channel.write(b);
                }
            } catch (IOException e) {
                err = e;
            }
            b.clear();
            synchronized (handoff) {
                if (err != null && failure == null) failure = err;
                pending = null;
                spare = b;
                handoff.notifyAll();
            }
        }
    }

    /** Waits until the drainer has written what it was given; rethrows its failure naming the file. */
    private void awaitDrained() {
        synchronized (handoff) {
            while (pending != null) {
                try {
                    handoff.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new UncheckedIOException("interrupted while writing capture file " + file, new IOException(e));
                }
            }
            if (failure != null) {
                IOException f = failure;
                throw new UncheckedIOException("cannot write capture file " + file + ": " + f, f);
            }
        }
    }

    /** The capture file (absolute, normalized). */
    public final Path file() {
        return file;
    }

    /** True once {@link #close()} has been called (further records are ignored). */
    public final boolean isClosed() {
        return closed;
    }

    /**
     * Enters a write section on the owner thread. Returns false (and enters nothing) when the
     * writer is closed or closing; the caller then ignores the record. Pair every true with
     * {@link #exit()} in a finally block.
     */
    protected final boolean enter() {
        WRITING.setVolatile(this, true); // full fence: the closer sees it, or we see 'closed'
        if (closed) {
            WRITING.setRelease(this, false);
            return false;
        }
        return true;
    }

    /** Leaves a write section; publishes the buffer contents to a closing thread. */
    protected final void exit() {
        WRITING.setRelease(this, false);
    }

    /** Makes room for {@code bytes} more bytes, draining buffered records to the file if needed. */
    protected final void ensure(int bytes) {
        if (buf.remaining() < bytes) {
            drain();
        }
    }

    /**
     * Hands the buffered bytes to the drainer thread (after it finished the previous buffer) and
     * continues in the spare buffer. Records stay in order: one buffer is in flight at a time.
     */
    private void drain() {
        awaitDrained();
        if (buf.position() == 0) return;
        buf.flip();
        synchronized (handoff) {
            pending = buf;
            buf = spare;
            spare = null;
            handoff.notifyAll();
        }
    }

    /**
     * Writes buffered records to the file (to the OS page cache; no fsync). Owner thread only.
     * Does nothing once closed.
     */
    public final void flush() {
        if (!enter()) {
            return;
        }
        try {
            drain();
            awaitDrained();
        } finally {
            exit();
        }
    }

    /**
     * Appends trailing blocks (for example pcapng interface statistics) to {@link #buf} just before
     * the final drain. Called at most once, from {@link #close()}, with no write in progress.
     * The default writes nothing.
     */
    protected void writeTrailer() {
        // nothing by default
    }

    /**
     * Stops accepting records, waits (at most 5 s) for a record being written by the owner thread,
     * writes any trailer, drains the buffer and closes the file. Safe from any thread; idempotent.
     *
     * @throws UncheckedIOException naming the file when the final write or the close fails
     */
    @Override
    public final void close() {
        closed = true; // volatile store, then read 'writing' below (handshake with enter())
        awaitNoWriter();
        synchronized (this) {
            if (channelClosed) {
                return;
            }
            channelClosed = true;
            OpenWriters.unregister(this);
            try {
                writeTrailer();
                drain();
                awaitDrained();
            } finally {
                synchronized (handoff) {
                    stopDrainer = true;
                    handoff.notifyAll();
                }
                try {
                    channel.close();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot close capture file " + file + ": " + e, e);
                }
            }
        }
    }

    private void awaitNoWriter() {
        if (!(boolean) WRITING.getVolatile(this)) {
            return;
        }
        long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
        int spins = 0;
        while ((boolean) WRITING.getVolatile(this)) {
            if (++spins < 1000) {
                Thread.onSpinWait();
            } else if (System.nanoTime() - deadline > 0) {
                System.err.println("nicemu: capture file " + file
                        + ": a write did not finish within 5 s; closing anyway, the last record may be cut");
                return;
            } else {
                LockSupport.parkNanos(100_000);
            }
        }
    }

    /** Splits a timestamp in nanoseconds into seconds; negative timestamps are treated as 0. */
    static long seconds(long timestampNanos) {
        return timestampNanos <= 0 ? 0 : timestampNanos / 1_000_000_000L;
    }

    /** The nanoseconds part of a timestamp; negative timestamps are treated as 0. */
    static int nanosPart(long timestampNanos) {
        return timestampNanos <= 0 ? 0 : (int) (timestampNanos % 1_000_000_000L);
    }
}
