package org.nicemu.port.wire;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.nicemu.api.exec.EventLoop;
import org.nicemu.api.exec.Timer;
import org.nicemu.api.nic.FrameReceiver;
import org.nicemu.api.nic.PortBinding;

/**
 * One direction of a virtual wire (the frames one end sends to the other): the impairments of
 * the sending end's {@link WireParams} in netem's order ({@code netem_enqueue()}: duplicate, loss,
 * corrupt, then the time to send with rate, delay, jitter and reordering), and the frames in
 * flight, delivered to the other end's NIC when their last bit arrives.
 *
 * <p><b>Per frame</b> (sent at time t, its first bit on the wire, by the sending NIC):
 * <ol>
 * <li>duplicate: with probability {@code duplicate} the frame is delivered twice;</li>
 * <li>loss: with probability {@code loss} (or by the Gilbert-Elliott model: lost with the current
 * state's loss probability, then the state moves Good→Bad with p or Bad→Good with r) one copy is
 * lost; a frame with no copy left is counted {@code lost} (a duplicated frame that loses a copy
 * is delivered once and counted as neither);</li>
 * <li>corrupt: with probability {@code corrupt} one uniformly chosen bit of the first copy is
 * flipped;</li>
 * <li>serialization: with a {@code rate}, the wire sends the copies one after the other at that
 * rate ({@code (len + overhead) × 8 / rate}, exact with a carried remainder, as the NIC does),
 * starting when the wire is free; more than {@code limit} frames waiting or being serialized →
 * the frame is dropped ({@code overlimit}). Without a rate, the last bit leaves when the sending
 * NIC finishes the frame: {@code t + PortBinding.serializationNanos(len)};</li>
 * <li>delay: the copy arrives {@code delay} (± a uniform {@code jitter}, never earlier than its
 * last bit left) after its last bit left — except a reordered frame: every {@code gap}-th frame is
 * a candidate and is, with probability {@code reorder}, sent without the delay, as netem does
 * (the duplicate copy always takes the delay).</li>
 * </ol>
 * Frames are delivered in arrival-time order (equal times in send order), so order is kept unless
 * jitter or reordering changes it. Randomness: one {@link SplittableRandom} per direction from
 * {@code loop.random("wire:<name>:<A|B>")} (A = frames sent by end A); draws happen only for the
 * impairments that are configured (one per frame for random loss, two for gemodel), so the same
 * seed and parameters always give the same frames lost, duplicated, corrupted and reordered.
 *
 * <p><b>Memory</b>: frames are copied into pooled slots (a free stack) held in arrival-time order:
 * a frame that arrives no earlier than the last one queued (always so with a fixed delay) joins a
 * FIFO ring, any other (jitter, reordering) a binary heap, and delivery takes the earlier of the
 * two heads. Slots, ring, heap and the rate stage's ring of serialization end times grow only when
 * more frames are in flight than ever before (a slot's buffer grows for a longer frame), so
 * steady state allocates nothing. Loop thread only.
 */
final class Direction {
    private static final long NANOS_PER_SEC = 1_000_000_000L;

    /** A frame in flight. */
    static final class Slot {
        byte[] data;
        int len;
        long time;
        long seq;

        Slot(int capacity) {
            data = new byte[capacity];
        }
    }

    private final Wire wire;
    /** 0: A→B (sent by end A), 1: B→A. */
    private final int from;
    private final WireParams p;
    private EventLoop loop;
    private SplittableRandom rnd;
    private Timer timer;
    private PortBinding sender;

    /** Frames in flight in arrival order (ring, power-of-two capacity). */
    private Slot[] fifo = new Slot[64];
    private int fifoHead, fifoSize;
    /** Frames in flight that arrive before the FIFO's last frame. */
    private Slot[] heap = new Slot[64];
    private int heapSize;
    private Slot[] free = new Slot[64];
    private int freeSize;
    private long seq;

    // rate stage: serialization end times of frames not yet fully on the wire (FIFO ring)
    private long[] serEnd = new long[64];
    private int serHead, serSize;
    private long wireFreeAt;
    private long carry;

    private boolean geBad;
    private int reorderCounter;

    // counters
    long frames, bytes, delivered, deliveredBytes, lost, duplicated, reordered, corrupted, overlimit, noPeer;

    Direction(Wire wire, int from, WireParams p) {
        this.wire = wire;
        this.from = from;
        this.p = p;
    }

    WireParams params() { return p; }

    /** The sending end was bound: its loop, random stream and timing. */
    void bind(PortBinding b) {
        if (loop != b.loop()) {
            if (timer != null) timer.cancel();
            loop = b.loop();
            rnd = loop.random("wire:" + wire.name() + ":" + (from == 0 ? "A" : "B"));
            timer = loop.newTimer("wire " + wire.name() + (from == 0 ? " A>B" : " B>A"), this::deliverDue);
            Slot first = first();
            if (first != null) timer.arm(first.time);
        }
        sender = b;
    }

    /** The sending end was unbound: it sends nothing more (frames already in flight still arrive). */
    void unbind() {
        sender = null;
    }

    /** A frame left the sending NIC at {@code t} (its first bit). */
    void send(long t, byte[] frame, int off, int len) {
        frames++;
        bytes += len;
        if (wire.receiverOf(1 - from) == null || loop == null) {
            noPeer++;
            return;
        }
        SplittableRandom r = rnd;
        int copies = 1;
        if (p.duplicateP() > 0 && r.nextDouble() < p.duplicateP()) copies = 2;
        if (isLost(r)) copies--;
        if (copies == 0) {
            lost++;
            return;
        }
        if (copies == 2) duplicated++;
        int corruptBit = -1;
        if (p.corruptP() > 0 && r.nextDouble() < p.corruptP()) {
            corruptBit = r.nextInt(len * 8);
            corrupted++;
        }
        for (int c = 0; c < copies; c++) {
            long lastBit;
            if (p.rateBitsPerSec() > 0) {
                long start = Math.max(t, wireFreeAt);
                expireSerialized(t);
                if (serSize >= p.limit()) {
                    overlimit++;
                    continue;
                }
                if (t > wireFreeAt) carry = 0;
                long num = (long) (len + p.overheadBytes()) * 8 * NANOS_PER_SEC + carry;
                lastBit = start + num / p.rateBitsPerSec();
                carry = num % p.rateBitsPerSec();
                wireFreeAt = lastBit;
                pushSerEnd(lastBit);
            } else {
                lastBit = sender == null ? t : t + sender.serializationNanos(len);
            }
            long at;
            if (c == 0 && p.reorderP() > 0 && reorderCandidate(r)) {
                reordered++;
                at = lastBit;
            } else {
                long d = p.delayNanos();
                if (p.jitterNanos() > 0) d += r.nextLong(2 * p.jitterNanos() + 1) - p.jitterNanos();
                at = lastBit + Math.max(0, d);
            }
            Slot s = take(len);
            System.arraycopy(frame, off, s.data, 0, len);
            if (c == 0 && corruptBit >= 0) s.data[corruptBit >>> 3] ^= (byte) (1 << (corruptBit & 7));
            s.len = len;
            s.time = at;
            s.seq = seq++;
            enqueue(s);
        }
        Slot first = first();
        if (first != null && (!timer.isArmed() || timer.expiresNanos() > first.time)) timer.arm(first.time);
    }

    /** The loss decision for one frame (random or Gilbert-Elliott); draws only when loss is configured. */
    private boolean isLost(SplittableRandom r) {
        WireParams.GilbertElliott ge = p.ge();
        if (ge != null) {
            boolean lostNow = r.nextDouble() < (geBad ? ge.lossBad() : ge.lossGood());
            if (geBad) {
                if (r.nextDouble() < ge.r()) geBad = false;
            } else if (r.nextDouble() < ge.p()) {
                geBad = true;
            }
            return lostNow;
        }
        return p.lossP() > 0 && r.nextDouble() < p.lossP();
    }

    /** netem's gap rule: every gap-th frame may be reordered, with probability reorder. */
    private boolean reorderCandidate(SplittableRandom r) {
        if (reorderCounter >= p.gap() - 1 && r.nextDouble() < p.reorderP()) {
            reorderCounter = 0;
            return true;
        }
        reorderCounter++;
        return false;
    }

    /** Forgets the serialization end times that are past (frames whose last bit has left by {@code now}). */
    private void expireSerialized(long now) {
        while (serSize > 0 && serEnd[serHead] <= now) {
            serHead = (serHead + 1) & (serEnd.length - 1);
            serSize--;
        }
    }

    private void pushSerEnd(long t) {
        if (serSize == serEnd.length) {
            long[] n = new long[serEnd.length * 2];
            for (int i = 0; i < serSize; i++) n[i] = serEnd[(serHead + i) & (serEnd.length - 1)];
            serEnd = n;
            serHead = 0;
        }
        serEnd[(serHead + serSize) & (serEnd.length - 1)] = t;
        serSize++;
    }

    /** The timer: every frame whose time has come goes to the other end's NIC, in (time, send order). */
    private void deliverDue() {
        long now = loop.now();
        Slot s;
        while ((s = first()) != null && s.time <= now) {
            removeFirst(s);
            FrameReceiver rx = wire.receiverOf(1 - from);
            if (rx != null) {
                delivered++;
                deliveredBytes += s.len;
                rx.receive(s.time, s.data, 0, s.len);
            } else {
                noPeer++;
            }
            release(s);
        }
        s = first();
        if (s != null) timer.arm(s.time);
    }

    int inFlight() { return fifoSize + heapSize; }

    // ---------------------------------------------------------------- slot pool and heap

    private Slot take(int len) {
        Slot s = freeSize > 0 ? free[--freeSize] : new Slot(Math.max(2048, Integer.highestOneBit(Math.max(1, len - 1)) << 1));
        if (s.data.length < len) s.data = new byte[Integer.highestOneBit(len - 1) << 1];
        return s;
    }

    private void release(Slot s) {
        if (freeSize == free.length) free = Arrays.copyOf(free, free.length * 2);
        free[freeSize++] = s;
    }

    /** Queues a frame in flight: at the FIFO's tail when it arrives no earlier than the tail, else in the heap. */
    private void enqueue(Slot s) {
        if (fifoSize > 0 && s.time < fifo[(fifoHead + fifoSize - 1) & (fifo.length - 1)].time) {
            heapPush(s);
            return;
        }
        if (fifoSize == fifo.length) {
            Slot[] n = new Slot[fifo.length * 2];
            for (int i = 0; i < fifoSize; i++) n[i] = fifo[(fifoHead + i) & (fifo.length - 1)];
            fifo = n;
            fifoHead = 0;
        }
        fifo[(fifoHead + fifoSize) & (fifo.length - 1)] = s;
        fifoSize++;
    }

    /** The frame that arrives first (time, then send order), or null when none is in flight. */
    private Slot first() {
        Slot f = fifoSize > 0 ? fifo[fifoHead] : null;
        if (heapSize == 0) return f;
        return f == null || before(heap[0], f) ? heap[0] : f;
    }

    /** Removes {@code s}, the frame {@link #first()} returned. */
    private void removeFirst(Slot s) {
        if (fifoSize > 0 && s == fifo[fifoHead]) {
            fifo[fifoHead] = null;
            fifoHead = (fifoHead + 1) & (fifo.length - 1);
            fifoSize--;
        } else {
            heapPop();
        }
    }

    private static boolean before(Slot a, Slot b) {
        return a.time < b.time || (a.time == b.time && a.seq < b.seq);
    }

    private void heapPush(Slot s) {
        if (heapSize == heap.length) heap = Arrays.copyOf(heap, heap.length * 2);
        int i = heapSize++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(s, heap[parent])) break;
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = s;
    }

    private Slot heapPop() {
        Slot top = heap[0];
        Slot last = heap[--heapSize];
        heap[heapSize] = null;
        if (heapSize > 0) {
            int i = 0;
            while (true) {
                int l = 2 * i + 1;
                if (l >= heapSize) break;
                int m = l + 1 < heapSize && before(heap[l + 1], heap[l]) ? l + 1 : l;
                if (!before(heap[m], last)) break;
                heap[i] = heap[m];
                i = m;
            }
            heap[i] = last;
        }
        return top;
    }

    /** Counters of this direction, prefixed (e.g. "tx_"). */
    void stats(String prefix, Map<String, Long> m) {
        m.put(prefix + "frames", frames);
        m.put(prefix + "bytes", bytes);
        m.put(prefix + "delivered", delivered);
        m.put(prefix + "delivered_bytes", deliveredBytes);
        m.put(prefix + "lost", lost);
        m.put(prefix + "duplicated", duplicated);
        m.put(prefix + "reordered", reordered);
        m.put(prefix + "corrupted", corrupted);
        m.put(prefix + "overlimit", overlimit);
        m.put(prefix + "no_peer", noPeer);
        m.put(prefix + "in_flight", (long) inFlight());
    }

    Map<String, Long> stats() {
        Map<String, Long> m = new LinkedHashMap<>();
        stats("", m);
        return m;
    }
}
