package org.nicemu.port.live;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

import org.nicemu.api.exec.EventLoop;
import org.nicemu.api.exec.Timer;
import org.nicemu.api.nic.NicPort;
import org.nicemu.api.nic.PortBinding;
import org.nicemu.port.live.Interfaces.Link;
import org.nicemu.port.live.LiveHandle.LiveException;

/**
 * A {@link NicPort} on a real network interface (DESIGN §7 "live interface"): every frame the NIC
 * transmits is injected on the interface ({@code pcap_sendpacket}); every frame the interface
 * receives for the NIC (BPF: {@link #bpfFilter}) is handed to the NIC's receive path on the
 * emulation's loop, in real time.
 *
 * <h2>Threads</h2>
 * <ul>
 * <li><b>Capture thread</b> ({@code nicemu-live-IF}, daemon, started at {@link #bind}): blocks in
 * {@code pcap_next_ex} (immediate mode: each frame as it arrives), counts each frame and offers it
 * (Pcap4J's copy) to a bounded single-producer single-consumer {@link HandOff} queue. When the queue
 * is full the frame is dropped and counted as {@code rx_overruns}: the capture thread never blocks
 * on the loop. The first frame into an idle queue posts a task to the loop ({@link EventLoop#post},
 * which wakes a loop parked until its next timer) that arms the drain timer at the current time. libpcap's read timeout
 * does not bound a read on Linux, so a stop wakes the read with {@code pcap_breakloop}.</li>
 * <li><b>Monitor thread</b> ({@code nicemu-live-IF-link}): every {@code pollMillis} reads the
 * interface's link state from sysfs and libpcap's statistics, and reopens a failed handle once the
 * interface is up again.</li>
 * <li><b>Injection thread</b> ({@code nicemu-live-IF-tx}, daemon, started by the first
 * {@link #transmit}): takes frames from the {@link TxRing} and injects them
 * ({@code pcap_sendpacket}). On a veth the kernel runs the peer's whole receive path (IP, TCP, the
 * socket wake-up) inside that {@code send(2)}: on the loop thread it cost about as much as the
 * emulated stack itself. Parks while the ring is empty; the loop unparks it.</li>
 * <li><b>Loop thread</b>: {@link #transmit} (a copy into the TX ring; while the ring is full the loop
 * waits for the injection thread, counted as {@code tx_ring_full}: the interface sets the pace, as
 * a real NIC's transmit ring does), the drain task (at most {@link #DRAIN_BATCH}
 * frames at a time, then a timer at the same time so that the NIC's interrupt and NAPI poll run in
 * between and the RX ring is refilled), carrier changes ({@link PortBinding#setCarrier}).</li>
 * </ul>
 *
 * <h2>Link state and errors</h2>
 * The carrier the NIC sees follows the interface: {@code IFF_UP} and carrier present → up. A handle
 * that fails at run time ("the interface went down", the interface deleted) is closed and counted
 * ({@code handle_errors}); the NIC's link goes down; when the interface is up again the port opens a
 * new handle ({@code reopens}) and the link comes back. Each distinct problem is printed once on
 * stderr. Transmits while no handle is open are counted as {@code tx_no_handle}; failed injections
 * as {@code tx_errors}.
 *
 * <p>The port only works in real time: {@link #bind} refuses an emulation whose clock is virtual
 * ({@value LiveErrors#NEEDS_REAL_TIME}).
 */
public final class LivePort implements NicPort {
    /** Ethernet minimum frame length without FCS (ETH_ZLEN): shorter frames are zero-padded. */
    public static final int ETH_ZLEN = 60;
    /** Frames handed to the NIC per drain step. */
    static final int DRAIN_BATCH = 32;

    private final String ifname;
    private final String devName;
    private final int numTxQueues;
    private final LiveHandle.Opener opener;
    private final Function<String, Link> linkProbe;
    private final long pollNanos;
    private final HandOff queue;
    private final Runnable onClose;

    private volatile LiveHandle handle;
    private volatile PortBinding binding;
    private volatile String filter;
    private volatile boolean closed;
    private volatile boolean running;
    private volatile Thread captureThread, monitorThread, injectThread;
    private final TxRing txRing;
    /** The injection thread is parked (or about to park) on an empty ring: the loop unparks it. */
    private volatile boolean injectIdle;
    /** The loop waits for room in the full TX ring: the injection thread unparks {@link #txWaiter} at half. */
    private volatile boolean txWaiting;
    private volatile Thread txWaiter;
    /** Spin-waits of the injection thread on an empty ring before it parks. */
    private static final int IDLE_SPINS = 200;
    private final AtomicBoolean drainPending = new AtomicBoolean();
    private Timer drainTimer;

    // capture thread writes, anyone reads
    private volatile long rxFrames, rxBytes, rxOverruns, handleErrors, reopens, linkChanges; // one writer each
    private volatile long pcapRecv, pcapDrop, pcapIfdrop;
    private volatile boolean carrier = true;
    private volatile String lastProblem;
    // injection thread writes, anyone reads
    private volatile long txFrames, txBytes, txErrors, txNoHandle;
    private String lastTxError;
    // loop thread
    private long rxDelivered, txPadded, txRingFull;

    /**
     * Opens {@code ifname} now (so that a missing interface, missing permission or missing libpcap
     * is reported when the port is opened, not later).
     *
     * @param rxBacklog  frames the hand-off queue holds
     * @param txRing     frames the TX ring holds (rounded up to a power of two)
     * @param pollMillis link/statistics poll period and libpcap read timeout
     * @param onClose    run once after the port closed, may be null
     * @throws IllegalStateException with the user-facing message when the interface cannot be opened
     */
    LivePort(String devName, int numTxQueues, String ifname, LiveHandle.Opener opener, Function<String, Link> linkProbe,
            int rxBacklog, int txRing, int pollMillis, Runnable onClose) {
        this.devName = Objects.requireNonNull(devName, "devName");
        this.numTxQueues = numTxQueues;
        this.ifname = Objects.requireNonNull(ifname, "ifname");
        this.opener = opener;
        this.linkProbe = linkProbe;
        this.pollNanos = TimeUnit.MILLISECONDS.toNanos(pollMillis);
        this.queue = new HandOff(rxBacklog);
        this.txRing = new TxRing(txRing, 2048);
        this.onClose = onClose;
        try {
            this.handle = opener.open(ifname);
        } catch (LiveException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** The BPF filter for a NIC with this MAC: its unicast frames, broadcast and multicast. */
    public static String bpfFilter(byte[] mac) {
        if (mac == null || mac.length != 6) throw new IllegalArgumentException("mac must be 6 bytes");
        StringBuilder sb = new StringBuilder("ether dst ");
        for (int i = 0; i < 6; i++) {
            if (i > 0) sb.append(':');
            sb.append(String.format(Locale.ROOT, "%02x", mac[i] & 0xff));
        }
        return sb.append(" or ether broadcast or ether multicast").toString();
    }

    // ---------------------------------------------------------------- binding

    @Override
    public void bind(PortBinding b) {
        if (closed) throw new IllegalStateException("port live " + ifname + " is closed");
        if (b.loop().clock().isVirtual()) throw new IllegalStateException(LiveErrors.NEEDS_REAL_TIME);
        PortBinding old = binding;
        if (old != null && old.receiver() != b.receiver()) {
            throw new IllegalStateException("port live " + ifname + " is already attached to " + old.nicName() + "; a live port serves one NIC");
        }
        if (old != null) return;
        String f = bpfFilter(b.config().mac());
        LiveHandle h = handle;
        if (h != null) {
            try {
                h.setFilter(f);
            } catch (LiveException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
        filter = f;
        drainTimer = b.loop().newTimer("live " + ifname + " rx", this::drain);
        binding = b;
        running = true;
        captureThread = new Thread(this::captureMain, "nicemu-live-" + ifname);
        captureThread.setDaemon(true);
        monitorThread = new Thread(this::monitorMain, "nicemu-live-" + ifname + "-link");
        monitorThread.setDaemon(true);
        captureThread.start();
        monitorThread.start();
    }

    @Override
    public void unbind() {
        stopThreads();
        if (drainTimer != null) drainTimer.cancel();
        binding = null;
        while (queue.poll() != null) {
            // frames for a NIC that is gone
        }
    }

    private void stopThreads() {
        running = false;
        LiveHandle h = handle;
        if (h != null) h.wakeUp();
        for (Thread t : new Thread[] {captureThread, monitorThread}) {
            if (t == null || t == Thread.currentThread()) continue;
            LockSupport.unpark(t);
            t.interrupt();
            try {
                t.join(TimeUnit.NANOSECONDS.toMillis(pollNanos) * 5 + 2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) System.err.println("nicemu: port live " + ifname + ": thread " + t.getName() + " did not stop within 2 s");
        }
        captureThread = null;
        monitorThread = null;
    }

    // ---------------------------------------------------------------- capture thread

    /**
     * Blocks in the handle's read (libpcap on Linux does not return on its read timeout; a stop
     * or a handle swap wakes it with {@link LiveHandle#wakeUp()}), hands each frame on; parks while
     * there is no handle (the monitor unparks it after a reopen).
     */
    private void captureMain() {
        while (running) {
            LiveHandle h = handle;
            if (h == null) {
                LockSupport.parkNanos(pollNanos);
                continue;
            }
            byte[] f;
            try {
                f = h.next();
            } catch (LiveException e) {
                if (!running) break;
                failed(h, e.getMessage());
                continue;
            } catch (RuntimeException e) {
                if (!running) break;
                failed(h, "port live: reading " + ifname + " failed: " + e);
                continue;
            }
            if (f == null) continue;
            captured(f);
        }
    }

    /** Every {@code pollMillis}: link state (and reopening), libpcap's statistics. */
    private void monitorMain() {
        while (running) {
            pollLink();
            pollStats();
            LockSupport.parkNanos(pollNanos);
        }
    }

    /** One frame from the interface (capture thread; tests call it directly). */
    void captured(byte[] f) {
        rxFrames++;
        rxBytes += f.length;
        if (!queue.offer(f)) {
            rxOverruns++;
            return;
        }
        if (drainPending.compareAndSet(false, true)) {
            PortBinding b = binding;
            if (b == null) {
                drainPending.set(false);
                return;
            }
            b.loop().post(this::armDrain);
        }
    }

    /**
     * Loop thread, posted by the capture thread: the drain runs from a timer at the current time, not
     * from the posted task itself. Posted tasks run before timers; a capture thread posting drain
     * after drain would keep the NIC's interrupt (a timer at the same time) from ever running, NAPI
     * would not refill the RX ring, and the NIC would drop frames (rx_missed) while the host idles.
     */
    private void armDrain() {
        PortBinding b = binding;
        if (b == null || closed) {
            drainPending.set(false);
            return;
        }
        drainTimer.arm(b.loop().now());
    }

    /** A handle failed at run time: counted, closed, link down; reopened by {@link #pollLink}. Capture thread. */
    private void failed(LiveHandle h, String why) {
        handleErrors++;
        if (handle == h) {
            handle = null;
            h.close();
        }
        problem(why + "; link down, retrying every " + TimeUnit.NANOSECONDS.toMillis(pollNanos) + " ms");
        report(false);
    }

    /** Link state from the kernel; reopens the handle when the interface is up again. Monitor thread. */
    void pollLink() {
        Link l;
        try {
            l = linkProbe.apply(ifname);
        } catch (RuntimeException e) {
            l = Link.UNKNOWN;
        }
        if (l == Link.GONE && handle != null) {
            LiveHandle h = handle;
            handle = null;
            h.wakeUp(); // the capture thread leaves its read, then the handle can close
            h.close();
            problem("port live: interface " + ifname + " disappeared; link down, waiting for it to come back");
        }
        boolean up = l == Link.UP || l == Link.UNKNOWN;
        if (up && handle == null && !closed) {
            try {
                LiveHandle h = opener.open(ifname);
                String f = filter;
                if (f != null) h.setFilter(f);
                handle = h;
                LockSupport.unpark(captureThread);
                reopens++;
                if (lastProblem != null) System.err.println("nicemu: port live " + ifname + ": reopened, link up");
                lastProblem = null;
            } catch (LiveException e) {
                problem(e.getMessage());
                up = false;
            }
        }
        report(up && handle != null);
    }

    /** libpcap's counters of the handles closed before, and of the current one (monitor thread). */
    private final long[] statsBase = new long[3], statsCur = new long[3];
    private LiveHandle statsHandle;

    /** libpcap's statistics, summed over every handle this port opened (a reopened handle starts from 0). */
    private void pollStats() {
        LiveHandle h = handle;
        if (h == null) return;
        long[] s = h.stats();
        if (s == null) return;
        if (h != statsHandle) {
            for (int i = 0; i < 3; i++) {
                statsBase[i] += statsCur[i];
                statsCur[i] = 0;
            }
            statsHandle = h;
        }
        for (int i = 0; i < 3; i++) statsCur[i] = Math.max(statsCur[i], s[i]);
        pcapRecv = statsBase[0] + statsCur[0];
        pcapDrop = statsBase[1] + statsCur[1];
        pcapIfdrop = statsBase[2] + statsCur[2];
    }

    private boolean reported;

    /** Tells the NIC the carrier when it changed (or the first time). Capture or monitor thread. */
    private synchronized void report(boolean up) {
        if (reported && up == carrier) return;
        if (reported) linkChanges++;
        reported = true;
        carrier = up;
        PortBinding b = binding;
        if (b != null) b.loop().post(() -> {
            PortBinding bb = binding;
            if (bb != null && !closed) bb.setCarrier(carrier);
        });
    }

    private void problem(String msg) {
        if (msg.equals(lastProblem)) return;
        lastProblem = msg;
        System.err.println("nicemu: " + msg);
    }

    // ---------------------------------------------------------------- loop thread

    /** Hands queued frames to the NIC, {@link #DRAIN_BATCH} at a time. Loop thread, from {@link #drainTimer}. */
    void drain() {
        drainPending.set(false);
        PortBinding b = binding;
        if (b == null || closed) return;
        EventLoop loop = b.loop();
        for (int i = 0; i < DRAIN_BATCH; i++) {
            byte[] f = queue.poll();
            if (f == null) return;
            rxDelivered++;
            b.receiver().receive(loop.now(), f, 0, f.length);
        }
        if (queue.size() > 0 && drainPending.compareAndSet(false, true)) {
            drainTimer.arm(loop.now()); // after the NIC's interrupt at this time: NAPI refills the ring
        }
    }

    /**
     * Copies the frame (zero-padded to {@link #ETH_ZLEN}) into the TX ring for the injection thread.
     * While the ring is full the loop sleeps until the injection thread has emptied half of it
     * (counted once per full ring as {@code tx_ring_full}): no spinning, the CPU goes to the injection.
     */
    @Override
    public void transmit(long timestampNanos, int txQueue, byte[] frame, int off, int len) {
        if (closed) return;
        if (len < ETH_ZLEN) txPadded++;
        if (injectThread == null) startInjector();
        if (!txRing.offer(frame, off, len, ETH_ZLEN)) {
            txRingFull++;
            txWaiter = Thread.currentThread();
            while (!txRing.offer(frame, off, len, ETH_ZLEN)) {
                if (closed || injectThread == null) return;
                LockSupport.unpark(injectThread);
                txWaiting = true;
                if (txRing.size() > txRing.capacity() / 2) LockSupport.parkNanos(1_000_000); // until half empty
                txWaiting = false;
            }
        }
        if (injectIdle) LockSupport.unpark(injectThread);
    }

    private synchronized void startInjector() {
        if (injectThread != null || closed) return;
        Thread t = new Thread(this::injectMain, "nicemu-live-" + ifname + "-tx");
        t.setDaemon(true);
        injectThread = t;
        t.start();
    }

    /**
     * Injection thread: injects each frame of the TX ring in order; parks while the ring is empty.
     * Leaves when the port closes, after the frames already in the ring (bounded by the ring).
     */
    private void injectMain() {
        int idleSpins = 0;
        while (true) {
            byte[] b = txRing.peek();
            if (b == null) {
                if (closed) return;
                if (++idleSpins < IDLE_SPINS) { // the next frame usually follows within microseconds: no park/unpark pair per frame
                    Thread.onSpinWait();
                    continue;
                }
                idleSpins = 0;
                injectIdle = true;
                if (txRing.size() == 0 && !closed) LockSupport.parkNanos(pollNanos);
                injectIdle = false;
                continue;
            }
            idleSpins = 0;
            inject(b, txRing.peekLength());
            txRing.release();
            if (txWaiting && txRing.size() <= txRing.capacity() / 2) LockSupport.unpark(txWaiter);
        }
    }

    private void inject(byte[] b, int n) {
        LiveHandle h = handle;
        if (h == null) {
            txNoHandle++;
            return;
        }
        try {
            h.send(b, n);
            txFrames++;
            txBytes += n;
        } catch (LiveException | RuntimeException | LinkageError e) { // counted; the injection thread goes on (a dead one would stall the loop)
            txErrors++;
            if (lastTxError == null) System.err.println("nicemu: " + e.getMessage() + " (further send errors are only counted: tx_errors)");
            lastTxError = e.getMessage();
        }
    }

    /** Waits (at most 2 s) until every frame transmitted so far has been injected (or dropped and counted). */
    @Override
    public void flush() {
        long end = System.nanoTime() + 2_000_000_000L;
        while (txRing.size() > 0 && injectThread != null && System.nanoTime() < end) {
            LockSupport.unpark(injectThread);
            LockSupport.parkNanos(100_000);
        }
    }

    @Override
    public void close() {
        if (closed) return;
        flush();
        closed = true;
        Thread t = injectThread;
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        stopThreads();
        LiveHandle h = handle;
        handle = null;
        if (h != null) h.close();
        if (onClose != null) onClose.run();
    }

    // ---------------------------------------------------------------- management

    /** The interface name. */
    public String ifname() {
        return ifname;
    }

    /** The BPF filter set at bind, or null before. */
    public String filter() {
        return filter;
    }

    /** Whether the interface has carrier now (as last reported to the NIC). */
    public boolean carrier() {
        return carrier;
    }

    public boolean isClosed() {
        return closed;
    }

    /** The last problem printed (null while all is well). */
    public String lastProblem() {
        return lastProblem;
    }

    @Override
    public Map<String, Long> stats() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("rx_frames", rxFrames);
        m.put("rx_bytes", rxBytes);
        m.put("rx_delivered", rxDelivered);
        m.put("rx_overruns", rxOverruns);
        m.put("rx_queued", (long) queue.size());
        m.put("tx_frames", txFrames);
        m.put("tx_bytes", txBytes);
        m.put("tx_padded", txPadded);
        m.put("tx_ring_full", txRingFull);
        m.put("tx_queued", (long) txRing.size());
        m.put("tx_errors", txErrors);
        m.put("tx_no_handle", txNoHandle);
        m.put("pcap_recv", pcapRecv);
        m.put("pcap_drop", pcapDrop);
        m.put("pcap_ifdrop", pcapIfdrop);
        m.put("handle_errors", handleErrors);
        m.put("reopens", reopens);
        m.put("link_changes", linkChanges);
        m.put("carrier", carrier ? 1L : 0L);
        return m;
    }

    @Override
    public String describe() {
        PortBinding b = binding;
        return "live " + ifname + " (" + (b == null ? devName + ", not attached" : b.nicName()) + ", carrier " + (carrier ? "up" : "down")
                + (filter == null ? "" : ", filter '" + filter + "'") + ", real time" + (closed ? ", closed" : "") + ")";
    }

    int numTxQueues() {
        return numTxQueues;
    }
}
