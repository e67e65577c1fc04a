package org.nicemu.core.exec;

import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

import org.nicemu.api.exec.EventLoop;
import org.nicemu.api.exec.Timer;
import org.nicemu.api.time.Clock;

/**
 * The discrete-event loop of one emulation: a binary heap of timers ordered by (expiry, arm order),
 * so equal times fire in the order they were armed and runs are deterministic. After every event
 * the {@linkplain #setIrqExit irq-exit hook} runs pending softirqs, as irq_exit() does.
 * Tasks posted from other threads run between events at the current time.
 */
public final class EmuLoop implements EventLoop {
    private final VirtualClock clock;
    private final long seed;
    private TimerImpl[] heap = new TimerImpl[256];
    private int size;
    private long seq;
    private final ConcurrentLinkedQueue<Runnable> posted = new ConcurrentLinkedQueue<>();
    private volatile Thread owner;
    private volatile boolean stopRequested;
    private Runnable irqExit = () -> { };
    private long events;
    private final long wallStart = System.nanoTime();

    public EmuLoop(long seed, boolean virtualTime) {
        this.seed = seed;
        this.clock = new VirtualClock(virtualTime);
    }

    /** Sets the hook run after each event (softirq processing). */
    public void setIrqExit(Runnable hook) { this.irqExit = hook; }

    @Override
    public Clock clock() { return clock; }

    @Override
    public long now() { return clock.now; }

    public long seed() { return seed; }

    /** Events processed so far. */
    public long events() { return events; }

    @Override
    public Timer newTimer(String name, Runnable action) { return new TimerImpl(this, name, action); }

    @Override
    public void post(Runnable task) {
        posted.add(task);
        Thread t = owner;
        if (t != null && t != Thread.currentThread()) LockSupport.unpark(t);
    }

    @Override
    public boolean inLoop() {
        Thread t = owner;
        return t == null || t == Thread.currentThread();
    }

    @Override
    public SplittableRandom random(String stream) {
        long h = seed * 0x9E3779B97F4A7C15L;
        for (int i = 0; i < stream.length(); i++) h = (h ^ stream.charAt(i)) * 0x100000001B3L;
        return new SplittableRandom(h);
    }

    /** Makes the calling thread the loop's owner (for an emulation's own thread). */
    public void bindThread(Thread t) { owner = t; }

    /** Asks a running {@link #runUntil} to return after the current event. Any thread. */
    public void requestStop() {
        stopRequested = true;
        Thread t = owner;
        if (t != null) LockSupport.unpark(t);
    }

    /** True when a timer is armed. */
    public boolean hasEvents() { return size > 0; }

    /** Expiry of the earliest armed timer, or Long.MAX_VALUE. */
    public long nextEventTime() { return size > 0 ? heap[0].expires : Long.MAX_VALUE; }

    /** Runs tasks posted from other threads; returns how many ran. */
    public int runPosted() {
        int n = 0;
        Runnable r;
        while ((r = posted.poll()) != null) {
            r.run();
            irqExit.run();
            n++;
        }
        return n;
    }

    public boolean hasPosted() { return !posted.isEmpty(); }

    /**
     * Processes events up to and including {@code limit} on the calling thread and leaves the clock
     * at {@code limit} (unless it is Long.MAX_VALUE: then the clock stays at the last event). Returns
     * early, between two events, when {@link #requestStop()} was called.
     */
    public long runUntil(long limit) {
        stopRequested = false;
        runPosted();
        while (!stopRequested) {
            if (size == 0) {
                if (runPosted() != 0) continue;
                if (limit != Long.MAX_VALUE && limit > clock.now) clock.now = limit;
                break;
            }
            TimerImpl t = heap[0];
            if (t.expires > limit) {
                if (limit > clock.now) clock.now = limit;
                break;
            }
            if (!clock.isVirtual()) waitWall(t.expires);
            if (!posted.isEmpty()) {
                runPosted();
                continue;
            }
            removeAt(0);
            if (t.expires > clock.now) clock.now = t.expires;
            events++;
            t.action.run();
            irqExit.run();
        }
        return clock.now;
    }

    private void waitWall(long at) {
        while (!stopRequested && posted.isEmpty()) {
            long wait = at - (System.nanoTime() - wallStart);
            if (wait <= 0) return;
            LockSupport.parkNanos(Math.min(wait, 50_000_000L));
        }
    }

    // ---------------------------------------------------------------- heap

    void arm(TimerImpl t, long at) {
        if (at < clock.now) at = clock.now;
        if (t.heapIndex >= 0) removeAt(t.heapIndex);
        t.expires = at;
        t.seq = seq++;
        if (size == heap.length) heap = java.util.Arrays.copyOf(heap, size * 2);
        heap[size] = t;
        t.heapIndex = size;
        size++;
        siftUp(t.heapIndex);
    }

    void cancel(TimerImpl t) {
        if (t.heapIndex >= 0) removeAt(t.heapIndex);
    }

    private static boolean less(TimerImpl a, TimerImpl b) {
        return a.expires < b.expires || (a.expires == b.expires && a.seq < b.seq);
    }

    private void removeAt(int i) {
        TimerImpl t = heap[i];
        size--;
        if (i != size) {
            TimerImpl last = heap[size];
            heap[i] = last;
            last.heapIndex = i;
            heap[size] = null;
            siftDown(i);
            if (heap[i] == last) siftUp(i);
        } else {
            heap[size] = null;
        }
        t.heapIndex = -1;
    }

    private void siftUp(int i) {
        TimerImpl t = heap[i];
        while (i > 0) {
            int p = (i - 1) >>> 1;
            TimerImpl pt = heap[p];
            if (!less(t, pt)) break;
            heap[i] = pt;
            pt.heapIndex = i;
            i = p;
        }
        heap[i] = t;
        t.heapIndex = i;
    }

    private void siftDown(int i) {
        TimerImpl t = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int c = 2 * i + 1;
            TimerImpl ct = heap[c];
            int r = c + 1;
            if (r < size && less(heap[r], ct)) {
                c = r;
                ct = heap[c];
            }
            if (!less(ct, t)) break;
            heap[i] = ct;
            ct.heapIndex = i;
            i = c;
        }
        heap[i] = t;
        t.heapIndex = i;
    }
}
