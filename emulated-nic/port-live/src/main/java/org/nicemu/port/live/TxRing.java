package org.nicemu.port.live;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live port's transmit ring: a bounded single-producer single-consumer ring of frame copies from
 * the emulation's loop (producer, {@link #offer}) to the port's injection thread (consumer,
 * {@link #peek}/{@link #release}), so that {@code pcap_sendpacket} — and the receive path of the
 * peer interface, which the kernel runs in the sender's system call — does not run on the loop.
 * Each slot owns a buffer that grows to the largest frame it carried; no allocation in steady
 * state. A slot is freed only after its frame was injected, so an empty ring means every frame
 * offered so far has left.
 */
final class TxRing {
    private final byte[][] bufs;
    private final int[] lens;
    private final int mask;
    private final AtomicLong head = new AtomicLong(); // next to inject (consumer)
    /** Next slot to fill (producer). A volatile store: the consumer's park/unpark handshake depends on it. */
    private final AtomicLong tail = new AtomicLong();

    /** @param capacity frames, rounded up to a power of two; {@code slotBytes} initial buffer size */
    TxRing(int capacity, int slotBytes) {
        int c = HandOff.powerOfTwoAtLeast(capacity);
        bufs = new byte[c][slotBytes];
        lens = new int[c];
        mask = c - 1;
    }

    int capacity() {
        return mask + 1;
    }

    /**
     * Producer: copies {@code frame[off, off+len)} into the next slot, zero-padded to
     * {@code minLen}; false when the ring is full (nothing copied).
     */
    boolean offer(byte[] frame, int off, int len, int minLen) {
        long t = tail.get();
        if (t - head.get() > mask) return false;
        int i = (int) t & mask;
        int n = Math.max(len, minLen);
        byte[] b = bufs[i];
        if (b.length < n) b = bufs[i] = new byte[n];
        System.arraycopy(frame, off, b, 0, len);
        if (n > len) Arrays.fill(b, len, n, (byte) 0);
        lens[i] = n;
        tail.set(t + 1);
        return true;
    }

    /** Consumer: the oldest frame's buffer (valid until {@link #release}), or null when empty. */
    byte[] peek() {
        long h = head.get();
        if (h == tail.get()) return null;
        return bufs[(int) h & mask];
    }

    /** Consumer: the length of the frame {@link #peek} returned. */
    int peekLength() {
        return lens[(int) head.get() & mask];
    }

    /** Consumer: the oldest frame is done (injected or dropped); its slot is free again. */
    void release() {
        head.set(head.get() + 1); // a volatile store: the waiting producer's park/unpark handshake depends on it
    }

    /** Frames offered and not yet released. */
    int size() {
        return (int) (tail.get() - head.get());
    }
}
