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
            if (!clock.isVirtual()) syncWall();
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
     *
     * <p>In real time ({@code virtualTime=false}) a timer fires when the wall clock (nanoseconds
     * since this loop was made) reaches its expiry, and the clock then reads the expiry; a task
     * posted from another thread (a live port's received frames) runs as soon as it arrives, with
     * the clock advanced to the wall clock first; a bounded run waits for the wall clock to reach
     * {@code limit} (running posted tasks meanwhile) instead of jumping there. Waiting parks the
     * thread ({@link #post} and {@link #requestStop} unpark it); only the last
     * {@value #SPIN_NANOS} ns before a timer are spun, so that short timers (serialization of a
     * frame) are not delayed by the park granularity and an idle loop burns no CPU.
     */
    public long runUntil(long limit) {
        if (!clock.isVirtual()) return runUntilWall(limit);
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

    /** Nanoseconds before a timer's expiry that the real-time loop spins instead of parking. */
    static final long SPIN_NANOS = 50_000L;
    /** Longest single park of the real-time loop (it is unparked by posts and stop requests anyway). */
    static final long MAX_PARK_NANOS = 50_000_000L;

    private long runUntilWall(long limit) {
        stopRequested = false;
        runPosted();
        while (!stopRequested) {
            if (!posted.isEmpty()) {
                runPosted();
                continue;
            }
            long at = size == 0 ? limit : Math.min(heap[0].expires, limit);
            if (size == 0 && limit == Long.MAX_VALUE) break; // free run with nothing armed: the caller parks
            if (!waitWall(at)) continue; // a post or a stop request came first
            if (size == 0 || heap[0].expires > limit) {
                if (limit > clock.now) clock.now = limit;
                break;
            }
            TimerImpl t = heap[0];
            removeAt(0);
            if (t.expires > clock.now) clock.now = t.expires;
            events++;
            t.action.run();
            irqExit.run();
        }
        return clock.now;
    }

    /** Wall-clock nanoseconds since this loop was made. */
    public long wallNanos() {
        return System.nanoTime() - wallStart;
    }

    /** Real time: moves the clock forward to the wall clock (never back). */
    private void syncWall() {
        long w = System.nanoTime() - wallStart;
        if (w > clock.now) clock.now = w;
    }

    /**
     * Waits until the wall clock reaches {@code at}; returns false when a posted task or a stop
     * request ended the wait first.
     */
    private boolean waitWall(long at) {
        while (true) {
            if (stopRequested || !posted.isEmpty()) return false;
            long wait = at - (System.nanoTime() - wallStart);
            if (wait <= 0) return true;
            if (wait > SPIN_NANOS) LockSupport.parkNanos(Math.min(wait - SPIN_NANOS / 2, MAX_PARK_NANOS));
            else Thread.onSpinWait();
        }
    }

    // ---------------------------------------------------------------- heap

    void arm(TimerImpl t, long at) {
        if (at < clock.now) at = clock.now;
        if (t.heapIndex >= 0) { // re-armed: moved within the heap (the key only grows unless the time is earlier)
            boolean earlier = at < t.expires;
            t.expires = at;
            t.seq = seq++;
            if (earlier) siftUp(t.heapIndex);
            else siftDown(t.heapIndex);
            return;
        }
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
