package org.nicemu.nic;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

import org.nicemu.api.exec.EventLoop;
import org.nicemu.api.exec.Timer;
import org.nicemu.api.nic.FrameReceiver;
import org.nicemu.api.nic.Nic;
import org.nicemu.api.nic.NicConfig;
import org.nicemu.api.nic.NicHardware;
import org.nicemu.api.nic.NicPort;
import org.nicemu.api.nic.PortBinding;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.stats.CostCounters;
import org.nicemu.api.wire.EthernetHeader;
import org.nicemu.api.wire.Gso;

/**
 * The emulated multi-queue NIC: TX descriptor rings with doorbells, a TX engine that arbitrates
 * between rings and serializes frames at the line rate, hardware TSO/USO and checksum offload, TX
 * completions with interrupt coalescing, RX rings filled with the driver's buffers, RSS, RX
 * interrupt coalescing, link state and {@code ethtool -S} counters. It plays the role of the
 * silicon behind a driver such as ixgbe or mlx5 (their descriptor rings, tail registers, DMA
 * engines, RSS and interrupt throttling), not of any kernel function.
 *
 * <p><b>TX engine.</b> While the link is up and some ring has visible descriptors, the NIC picks a
 * ring by {@link NicConfig#arbitration()} (round robin: one descriptor per ring in turn; strict
 * priority: lowest ring first), builds the descriptor's wire frames into one reusable buffer
 * ({@link Gso#writeSegment} per segment for a GSO skb, {@link Gso#writeFrame} otherwise, which also
 * completes CHECKSUM_PARTIAL as TX checksum offload does), pads frames shorter than ETH_ZLEN (60)
 * with zeros and puts them on the wire one after the other. A frame occupies the wire for
 * {@code (len + overhead) * 8 / rate} seconds, with overhead 24 bytes (preamble+SFD 8, FCS 4,
 * inter-frame gap 12) when {@link NicConfig#countPreambleIfg()} is set and 0 otherwise, so that
 * the line rate then applies to exactly the bytes a capture shows. Times are kept in exact integer
 * arithmetic: each frame's end is {@code start + (bits*1e9 + carry) / rate} and the remainder is
 * carried to the next back-to-back frame, so rounding never drifts. Every attached port gets the
 * frame at the <em>start</em> of its serialization (the timestamp is the time its first bit goes
 * on the wire). The TSO segments of one descriptor go back to back; arbitration happens between
 * descriptors. A descriptor completes when its last frame has left the wire.
 *
 * <p><b>Doorbell.</b> {@link #txDoorbell} makes the posted descriptors visible; the NIC fetches them
 * in a separate event at the same emulated time (zero DMA latency), so all doorbells written during
 * one event are seen together by the arbiter and no port is called from inside a driver call.
 *
 * <p><b>Receive.</b> {@link #receive} (a frame from a port, e.g. a virtual wire) computes the RSS
 * hash and RX queue ({@link Rss}: Toeplitz hash of the IPv4 2- or 4-tuple under a key drawn from
 * {@code loop.random("rss:" + name)}), shows the frame to every port ({@link NicPort#received}),
 * then drops it as {@code rx_length_errors} if shorter than 14 bytes or longer than MTU + 14 (or
 * longer than the posted buffer's room), as {@code rx_missed} if the RX ring has no empty buffer,
 * and otherwise copies it into the oldest empty buffer (zero DMA latency), completes it and counts
 * an RX completion for the interrupt. While the link is down nothing is received
 * ({@code rx_link_down}).
 *
 * <p><b>Interrupts.</b> One line for TX and RX (one vector, as a combined queue vector). Each TX
 * completion is counted; the TX cause of the interrupt is asserted when
 * {@code txCoalesceFrames} completions are pending, or {@code txCoalesceUsecs} after the first
 * pending completion, whichever comes first; with both 0 every completion asserts it (tx-frames
 * alone, without tx-usecs, may leave fewer than tx-frames completions unsignalled, as on real
 * hardware). A link change asserts it too (the link status change cause). An asserted interrupt
 * is delivered to the {@link #requestIrq} handler when unmasked; while masked it stays latched and
 * is delivered by {@link #irqEnable()} in a new event at the same time (never re-entrantly).
 * Each received frame is counted likewise and asserts the RX cause by rx-frames / rx-usecs
 * ({@link #setRxCoalesce}, both 0 by default: every frame). Frames arriving from a port assert it
 * inside the port's event, so it is delivered in a new event at the same time.
 * Delivery resets both pending counts and is counted in {@link CostCounters#hardIrq}, {@code irqs},
 * and {@code tx_irqs} / {@code rx_irqs} by cause (TX completion or link change / received frames).
 *
 * <p><b>Flush.</b> {@link #txFlush} is a ring reset: descriptors not yet sent go back to the caller;
 * the descriptor being sent is completed at once if all its frames are already on the wire (the
 * frame on the wire still occupies it until its end), otherwise (a TSO burst cut short) it is
 * given back as well, its already-sent segments staying counted.
 *
 * <p>Single-threaded: every method runs on the emulation's loop. Allocates nothing per frame.
 */
public final class EmulatedNic implements Nic {
    /** Preamble + SFD, FCS and inter-frame gap, bytes: 8 + 4 + 12. */
    public static final int PREAMBLE_FCS_IFG = 8 + EthernetHeader.ETH_FCS_LEN + 12;
    /** The largest line rate accepted (1 Pbit/s), which keeps the exact time arithmetic in a long. */
    public static final long MAX_RATE = 1_000_000_000_000_000L;
    /** Size of the frame buffer: the largest skb (64 KiB) plus headers. */
    static final int FRAME_BUFFER = 65536 + 256;
    private static final long NANOS_PER_SEC = 1_000_000_000L;

    private final String name;
    private final NicConfig config;
    private final EventLoop loop;
    private final CostCounters counters;
    private final TxRing[] rings;
    private final RxRing[] rxRings;
    private final Rss rss;
    private final FrameReceiver receiver = this::receive;
    private final PortBinding binding;
    private final byte[] frame = new byte[FRAME_BUFFER];
    private final int overhead;
    /** Serialization-done (and doorbell fetch) event of the TX engine. */
    private final Timer txTimer;
    /** TX completion and RX arrival interrupt moderation (ethtool -C tx-/rx-usecs, tx-/rx-frames). */
    private final Coalescer txCoalesce;
    private final Coalescer rxCoalesce;
    /** Delivers a latched interrupt outside the caller's stack (irqEnable, flush, link change, receive). */
    private final Timer irqTimer;
    private NicPort[] ports = new NicPort[0];

    private boolean link = true;
    private long rate;
    private int rssQueues;

    // TX engine state
    /** A frame is being serialized. */
    private boolean onWire;
    /** Ring of the descriptor being sent, -1 when none (or when it was flushed mid-frame). */
    private int curRing = -1;
    /** Index of the frame of the current descriptor on the wire (or next to send when stalled). */
    private int curSeg;
    private int curSegs;
    private boolean curGso;
    /** End of the last frame's serialization, ns, and the sub-nanosecond carry in units of 1/rate ns. */
    private long busyUntil;
    private long busyCarry;
    private int rrNext;
    private boolean stalled;

    // interrupt state
    private Runnable irqHandler;
    private boolean irqEnabled;
    private boolean irqLatched;
    /** Causes asserted since the last delivery: {@link #CAUSE_TX}, {@link #CAUSE_RX}, {@link #CAUSE_LINK}. */
    private int irqCauses;
    private static final int CAUSE_TX = 1, CAUSE_RX = 2, CAUSE_LINK = 4;

    // device-wide counters
    private long irqs;
    private long txIrqs;
    private long rxIrqs;
    private long rxLengthErrors;
    private long rxLinkDown;
    private long rxPortErrors;
    private long linkDownStalls;
    private long linkChanges;
    private long portErrors;
    private long wireBusyNanos;

    /**
     * @param name     the device name for messages (e.g. "h1/eth0")
     * @param config   the hardware description
     * @param loop     the emulation's loop: time and timers
     * @param counters the host's counters (hard IRQs)
     */
    public EmulatedNic(String name, NicConfig config, EventLoop loop, CostCounters counters) {
        this.name = Objects.requireNonNull(name, "name");
        this.config = Objects.requireNonNull(config, "config");
        this.loop = Objects.requireNonNull(loop, "loop");
        this.counters = Objects.requireNonNull(counters, "counters");
        checkRate(config.rateBitsPerSec());
        this.rate = config.rateBitsPerSec();
        this.overhead = config.countPreambleIfg() ? PREAMBLE_FCS_IFG : 0;
        this.rings = new TxRing[config.numTxQueues()];
        for (int i = 0; i < rings.length; i++) rings[i] = new TxRing(i, config.txRingSize());
        this.rxRings = new RxRing[config.numRxQueues()];
        for (int i = 0; i < rxRings.length; i++) rxRings[i] = new RxRing(i, config.rxRingSize());
        this.rssQueues = rxRings.length;
        this.rss = new Rss(Rss.randomKey(loop.random("rss:" + name)), rssQueues);
        this.txTimer = loop.newTimer(name + " tx", this::onTxTimer);
        this.txCoalesce = new Coalescer(CAUSE_TX, "tx", config.txCoalesceUsecs(), config.txCoalesceFrames());
        this.rxCoalesce = new Coalescer(CAUSE_RX, "rx", 0, 0);
        this.irqTimer = loop.newTimer(name + " irq", this::deliverIrq);
        this.binding = new Binding();
    }

    /** What attached ports learn about this NIC. */
    private final class Binding implements PortBinding {
        @Override public String nicName() { return name; }
        @Override public FrameReceiver receiver() { return receiver; }
        @Override public EventLoop loop() { return loop; }
        @Override public NicConfig config() { return config; }
        @Override public long serializationNanos(int len) { return (long) (len + overhead) * 8 * NANOS_PER_SEC / rate; }
        @Override public void setCarrier(boolean up) { setLink(up); }
    }

    private static void checkRate(long bps) {
        if (bps < 1000 || bps > MAX_RATE) throw new IllegalArgumentException("rateBitsPerSec must be 1000.." + MAX_RATE + ", got " + bps);
    }

    private TxRing ring(int queue) {
        if (queue < 0 || queue >= rings.length) throw new IllegalArgumentException(name + ": TX queue " + queue + " out of 0.." + (rings.length - 1));
        return rings[queue];
    }

    // ================================================================ NicHardware: rings

    @Override
    public NicConfig config() { return config; }

    @Override
    public int txRingFree(int queue) { return ring(queue).free(); }

    @Override
    public boolean txPost(int queue, SkBuff skb) {
        Objects.requireNonNull(skb, "skb");
        TxRing r = ring(queue);
        if (r.free() == 0) return false;
        r.slots[r.tail & r.mask] = skb;
        r.tail++;
        return true;
    }

    @Override
    public void txDoorbell(int queue) {
        TxRing r = ring(queue);
        r.doorbells++;
        if (r.doorbell == r.tail) return;
        r.doorbell = r.tail;
        kick();
    }

    /** Lets the engine look for work in a new event at the current time, unless it is busy or already due. */
    private void kick() {
        if (!onWire && !txTimer.isArmed()) txTimer.arm(loop.now());
    }

    @Override
    public SkBuff txReclaim(int queue) {
        return ring(queue).reclaim();
    }

    @Override
    public void txFlush(int queue, Consumer<SkBuff> sink) {
        TxRing r = ring(queue);
        if (curRing == queue) {
            curRing = -1;
            if (onWire && curSeg == curSegs - 1) {
                completeDescriptor(r); // its last frame is already on the wire
            }
        }
        for (int idx = r.head; idx != r.tail; idx++) {
            int i = idx & r.mask;
            SkBuff skb = r.slots[i];
            r.slots[i] = null;
            r.flushed++;
            sink.accept(skb);
        }
        // completed-but-unreclaimed descriptors [clean, head) stay reclaimable
        r.doorbell = r.head;
        r.tail = r.head;
        scheduleIrqDelivery();
    }

    // ================================================================ TX engine

    /** The engine's one timer: the frame on the wire is done, or a doorbell/link-up asks to look for work. */
    private void onTxTimer() {
        if (onWire) {
            onWire = false;
            if (curRing >= 0) frameDone();
        }
        transmitNext();
        deliverIrq();
    }

    private void frameDone() {
        curSeg++;
        if (curSeg >= curSegs) {
            TxRing r = rings[curRing];
            curRing = -1;
            completeDescriptor(r);
        }
    }

    /** Starts the next frame if the wire is free, the link is up and there is work. */
    private void transmitNext() {
        while (!onWire) {
            if (curRing < 0) {
                if (!link) {
                    if (anyVisible()) noteStall();
                    return;
                }
                int q = pickRing();
                if (q < 0) return;
                if (!startDescriptor(rings[q])) continue;
            } else if (!link) {
                noteStall();
                return;
            }
            sendFrame();
        }
    }

    private void noteStall() {
        if (!stalled) {
            stalled = true;
            linkDownStalls++;
        }
    }

    private boolean anyVisible() {
        for (TxRing r : rings) if (r.hasVisible()) return true;
        return false;
    }

    /** The arbiter: the next ring to take a descriptor from, or -1. */
    private int pickRing() {
        int n = rings.length;
        if (config.arbitration() == NicConfig.Arbitration.STRICT_PRIORITY) {
            for (int i = 0; i < n; i++) if (rings[i].hasVisible()) return i;
            return -1;
        }
        for (int k = 0; k < n; k++) {
            int i = rrNext + k;
            if (i >= n) i -= n;
            if (rings[i].hasVisible()) {
                rrNext = i + 1 == n ? 0 : i + 1;
                return i;
            }
        }
        return -1;
    }

    /** Fetches the head descriptor of {@code r}; false (descriptor completed as malformed) when it cannot be sent. */
    private boolean startDescriptor(TxRing r) {
        SkBuff skb = r.at(r.head);
        int segs;
        if (skb.isGso()) {
            long caps = config.capabilities();
            int t = skb.gsoType();
            boolean hw = ((t & SkBuff.SKB_GSO_TCPV4) != 0 && (caps & NicHardware.CAP_TSO) != 0)
                    || ((t & SkBuff.SKB_GSO_UDP_L4) != 0 && (caps & NicHardware.CAP_USO) != 0);
            segs = hw ? Gso.segmentCount(skb) : Gso.EINVAL;
        } else {
            segs = 1;
        }
        if (segs <= 0) {
            r.malformed++;
            completeDescriptor(r);
            return false;
        }
        curRing = r.index;
        curSeg = 0;
        curSegs = segs;
        curGso = skb.isGso();
        return true;
    }

    /** Builds frame {@code curSeg} of the current descriptor and puts it on the wire. */
    private void sendFrame() {
        TxRing r = rings[curRing];
        SkBuff skb = r.at(r.head);
        byte[] buf = frame;
        int len = curGso ? Gso.writeSegment(skb, curSeg, buf, 0) : Gso.writeFrame(skb, buf, 0);
        if (len < 0) {
            r.malformed++;
            curRing = -1;
            completeDescriptor(r);
            return;
        }
        if (len < EthernetHeader.ETH_ZLEN) {
            Arrays.fill(buf, len, EthernetHeader.ETH_ZLEN, (byte) 0);
            len = EthernetHeader.ETH_ZLEN;
            r.padded++;
        }
        long now = loop.now();
        long start;
        if (now > busyUntil) {
            start = now;
            busyCarry = 0;
        } else {
            start = busyUntil;
        }
        long num = (long) (len + overhead) * 8 * NANOS_PER_SEC + busyCarry;
        long end = start + num / rate;
        busyCarry = num % rate;
        busyUntil = end;
        wireBusyNanos += end - start;
        r.packets++;
        r.bytes += len;
        if (curGso) r.tsoSegments++;
        stalled = false;
        onWire = true;
        txTimer.arm(end);
        NicPort[] ps = ports;
        for (NicPort p : ps) {
            try {
                p.transmit(start, r.index, buf, 0, len);
            } catch (RuntimeException e) {
                portErrors++;
            }
        }
    }

    private void completeDescriptor(TxRing r) {
        r.head++;
        r.descriptors++;
        txCoalesce.event();
    }

    // ================================================================ receive

    private RxRing rxRing(int queue) {
        if (queue < 0 || queue >= rxRings.length) throw new IllegalArgumentException(name + ": RX queue " + queue + " out of 0.." + (rxRings.length - 1));
        return rxRings[queue];
    }

    @Override
    public int rxRingFree(int queue) { return rxRing(queue).free(); }

    @Override
    public boolean rxPost(int queue, SkBuff emptySkb) {
        Objects.requireNonNull(emptySkb, "emptySkb");
        RxRing r = rxRing(queue);
        if (emptySkb.len() != 0) throw new IllegalArgumentException(name + ": RX buffers must be empty skbs, got " + emptySkb);
        if (r.free() == 0) return false;
        r.slots[r.tail & r.mask] = emptySkb;
        r.tail++;
        r.posted++;
        return true;
    }

    @Override
    public SkBuff rxReclaim(int queue) {
        return rxRing(queue).reclaim();
    }

    @Override
    public void rxFlush(int queue, Consumer<SkBuff> sink) {
        RxRing r = rxRing(queue);
        int end = r.tail;
        for (int idx = r.clean; idx != end; idx++) {
            int i = idx & r.mask;
            SkBuff skb = r.slots[i];
            r.slots[i] = null;
            if (idx - r.head < 0) r.flushedFrames++;
            sink.accept(skb);
        }
        r.clean = end;
        r.head = end;
        r.tail = end;
    }

    @Override
    public void setRxCoalesce(long usecs, int frames) {
        rxCoalesce.set(usecs, frames);
    }

    /** Current rx-usecs. */
    public long rxCoalesceUsecs() { return rxCoalesce.usecs; }

    /** Current rx-frames. */
    public int rxCoalesceFrames() { return rxCoalesce.frames; }

    @Override
    public void setRssQueues(int n) {
        if (n < 1 || n > rxRings.length) throw new IllegalArgumentException(name + ": RSS queues must be 1.." + rxRings.length + ", got " + n);
        rssQueues = n;
        rss.setQueues(n);
    }

    /** The RX queue RSS picks for this frame (Ethernet header first), without receiving it. */
    public int rssQueue(byte[] frame, int off, int len) {
        return rss.classify(frame, off, len);
    }

    @Override
    public void receive(long timestampNanos, byte[] frame, int off, int len) {
        Objects.checkFromIndexSize(off, len, frame.length);
        if (!link) {
            rxLinkDown++;
            return;
        }
        int q = rss.classify(frame, off, len);
        int hash = rss.hash;
        boolean l4 = rss.l4;
        NicPort[] ps = ports;
        for (NicPort p : ps) {
            try {
                p.received(timestampNanos, q, frame, off, len);
            } catch (RuntimeException e) {
                rxPortErrors++;
            }
        }
        if (len < EthernetHeader.ETH_HLEN || len > config.mtu() + EthernetHeader.ETH_HLEN) {
            rxLengthErrors++;
            return;
        }
        RxRing r = rxRings[q];
        if (!r.hasEmpty()) {
            r.missed++;
            return;
        }
        int i = r.head & r.mask;
        SkBuff skb = r.slots[i];
        if (skb.tailroom() < len) {
            rxLengthErrors++;
            return;
        }
        int at = skb.put(len);
        System.arraycopy(frame, off, skb.head(), at, len);
        skb.hash = hash;
        skb.l4Hash = l4;
        skb.queueMapping = q;
        skb.tstamp = timestampNanos;
        r.head++;
        r.packets++;
        r.bytes += len;
        rxCoalesce.event();
        scheduleIrqDelivery();
    }

    // ================================================================ interrupts

    /** The interrupt condition is met: latch it until it can be delivered (the one vector serves every cause). */
    private void assertIrq(int cause) {
        irqLatched = true;
        irqCauses |= cause;
        txCoalesce.timer.cancel();
        rxCoalesce.timer.cancel();
    }

    /** Delivers a latched interrupt if unmasked and requested; runs only as (the end of) a NIC event. */
    private void deliverIrq() {
        if (!irqLatched || !irqEnabled || irqHandler == null) return;
        irqLatched = false;
        txCoalesce.pending = 0;
        rxCoalesce.pending = 0;
        int causes = irqCauses;
        irqCauses = 0;
        irqs++;
        if ((causes & (CAUSE_TX | CAUSE_LINK)) != 0) txIrqs++;
        if ((causes & CAUSE_RX) != 0) rxIrqs++;
        counters.hardIrq++;
        irqHandler.run();
    }

    /** Called from driver or management calls: deliver a latched interrupt in a new event, not re-entrantly. */
    private void scheduleIrqDelivery() {
        if (irqLatched && irqEnabled && irqHandler != null && !irqTimer.isArmed()) irqTimer.arm(loop.now());
    }

    @Override
    public void requestIrq(Runnable handler) {
        if (irqHandler != null) throw new IllegalStateException(name + ": IRQ already requested (free_irq first)");
        irqHandler = Objects.requireNonNull(handler, "handler");
        scheduleIrqDelivery();
    }

    @Override
    public void freeIrq() {
        irqHandler = null;
        irqEnabled = false;
        irqTimer.cancel();
    }

    @Override
    public void irqEnable() {
        irqEnabled = true;
        scheduleIrqDelivery();
    }

    @Override
    public void irqDisable() {
        irqEnabled = false;
    }

    @Override
    public void setTxCoalesce(long usecs, int frames) {
        txCoalesce.set(usecs, frames);
    }

    /** Current tx-usecs. */
    public long txCoalesceUsecs() { return txCoalesce.usecs; }

    /** Current tx-frames. */
    public int txCoalesceFrames() { return txCoalesce.frames; }

    /**
     * Interrupt moderation of one cause, as ethtool -C sets it ({@code tx-usecs}/{@code tx-frames},
     * {@code rx-usecs}/{@code rx-frames}): interrupt after {@code frames} events, or {@code usecs}
     * after the first pending one; both 0 interrupts on every event.
     */
    private final class Coalescer {
        final int cause;
        final String dir;
        final Timer timer;
        long usecs;
        int frames;
        /** Events (completions or arrivals) since the last delivered interrupt. */
        int pending;

        Coalescer(int cause, String dir, long usecs, int frames) {
            this.cause = cause;
            this.dir = dir;
            this.usecs = usecs;
            this.frames = frames;
            this.timer = loop.newTimer(name + " " + dir + "-usecs", this::onTimer);
        }

        /** One TX completion or RX arrival: interrupt now, or start the usecs timer at the first pending one. */
        void event() {
            pending++;
            if (frames == 0 && usecs == 0) {
                assertIrq(cause);
            } else if (frames > 0 && pending >= frames) {
                assertIrq(cause);
            } else if (usecs > 0 && pending == 1 && !irqLatched) {
                timer.arm(loop.now() + usecs * 1000L);
            }
        }

        /** ethtool -C: new values; what is pending is judged again by them. */
        void set(long u, int f) {
            if (u < 0 || u > 10_000_000L) throw new IllegalArgumentException(dir + "-usecs must be 0..10000000, got " + u);
            if (f < 0) throw new IllegalArgumentException(dir + "-frames must be >= 0, got " + f);
            usecs = u;
            frames = f;
            if (pending > 0 && !irqLatched) {
                if ((u == 0 && f == 0) || (f > 0 && pending >= f)) {
                    assertIrq(cause);
                    scheduleIrqDelivery();
                } else if (u > 0) {
                    timer.arm(loop.now() + u * 1000L);
                } else {
                    timer.cancel();
                }
            }
        }

        private void onTimer() {
            if (pending > 0) assertIrq(cause);
            deliverIrq();
        }
    }

    // ================================================================ Nic: link, rate, ports

    @Override
    public boolean linkUp() { return link; }

    @Override
    public void setLink(boolean up) {
        if (up == link) return;
        link = up;
        linkChanges++;
        assertIrq(CAUSE_LINK); // link status change cause
        scheduleIrqDelivery();
        if (up) {
            stalled = false;
            kick();
        }
    }

    @Override
    public void setRate(long bitsPerSec) {
        checkRate(bitsPerSec);
        rate = bitsPerSec;
        busyCarry = 0; // the carry was in units of the old rate; at most 1 ns is lost once
    }

    /** The current line rate. */
    public long rate() { return rate; }

    @Override
    public void attachPort(NicPort port) {
        Objects.requireNonNull(port, "port");
        for (NicPort p : ports) if (p == port) return;
        port.bind(binding); // may refuse: then nothing is attached
        NicPort[] n = Arrays.copyOf(ports, ports.length + 1);
        n[ports.length] = port;
        ports = n;
    }

    @Override
    public void detachPort(NicPort port) {
        for (int i = 0; i < ports.length; i++) {
            if (ports[i] == port) {
                NicPort[] n = new NicPort[ports.length - 1];
                System.arraycopy(ports, 0, n, 0, i);
                System.arraycopy(ports, i + 1, n, i, ports.length - i - 1);
                ports = n;
                port.unbind();
                port.flush();
                return;
            }
        }
    }

    // ================================================================ counters

    @Override
    public Map<String, Long> ethtoolStats() {
        Map<String, Long> m = new LinkedHashMap<>();
        long packets = 0, bytes = 0, desc = 0, tso = 0, flushed = 0, malformed = 0, padded = 0;
        for (TxRing r : rings) {
            packets += r.packets;
            bytes += r.bytes;
            desc += r.descriptors;
            tso += r.tsoSegments;
            flushed += r.flushed;
            malformed += r.malformed;
            padded += r.padded;
        }
        m.put("tx_packets", packets);
        m.put("tx_bytes", bytes);
        m.put("tx_descriptors", desc);
        m.put("tx_tso_segments", tso);
        m.put("tx_padded", padded);
        m.put("tx_flushed", flushed);
        m.put("tx_malformed", malformed);
        m.put("tx_irqs", txIrqs);
        m.put("tx_link_down_stalls", linkDownStalls);
        m.put("link_changes", linkChanges);
        m.put("tx_port_errors", portErrors);
        m.put("tx_wire_busy_ns", wireBusyNanos);
        long rxPackets = 0, rxBytes = 0, rxMissed = 0, rxFlushed = 0;
        for (RxRing r : rxRings) {
            rxPackets += r.packets;
            rxBytes += r.bytes;
            rxMissed += r.missed;
            rxFlushed += r.flushedFrames;
        }
        m.put("rx_packets", rxPackets);
        m.put("rx_bytes", rxBytes);
        m.put("rx_missed", rxMissed);
        m.put("rx_length_errors", rxLengthErrors);
        m.put("rx_link_down", rxLinkDown);
        m.put("rx_flushed", rxFlushed);
        m.put("rx_irqs", rxIrqs);
        m.put("rx_port_errors", rxPortErrors);
        m.put("irqs", irqs);
        m.put("rx_coalesce_usecs", rxCoalesce.usecs);
        m.put("rx_coalesce_frames", (long) rxCoalesce.frames);
        m.put("rss_queues", (long) rssQueues);
        for (TxRing r : rings) {
            String p = "tx_queue_" + r.index + "_";
            m.put(p + "packets", r.packets);
            m.put(p + "bytes", r.bytes);
            m.put(p + "descriptors", r.descriptors);
            m.put(p + "tso_segments", r.tsoSegments);
            m.put(p + "flushed", r.flushed);
            m.put(p + "malformed", r.malformed);
            m.put(p + "doorbells", r.doorbells);
            m.put(p + "ring_used", (long) (r.tail - r.clean));
        }
        for (RxRing r : rxRings) {
            String p = "rx_queue_" + r.index + "_";
            m.put(p + "packets", r.packets);
            m.put(p + "bytes", r.bytes);
            m.put(p + "missed", r.missed);
            m.put(p + "posted", r.posted);
            m.put(p + "filled", (long) (r.head - r.clean));
            m.put(p + "empty", (long) (r.tail - r.head));
        }
        return m;
    }

    @Override
    public String toString() {
        return "nic " + name + " tx " + rings.length + "x" + config.txRingSize() + " rx " + rxRings.length + "x"
                + config.rxRingSize() + " @" + rate + " bit/s";
    }
}
