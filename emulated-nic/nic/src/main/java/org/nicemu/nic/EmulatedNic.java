package org.nicemu.nic;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

import org.nicemu.api.exec.EventLoop;
import org.nicemu.api.exec.Timer;
import org.nicemu.api.nic.Nic;
import org.nicemu.api.nic.NicConfig;
import org.nicemu.api.nic.NicHardware;
import org.nicemu.api.nic.NicPort;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.stats.CostCounters;
import org.nicemu.api.wire.EthernetHeader;
import org.nicemu.api.wire.Gso;

/**
 * The emulated multi-queue NIC: TX descriptor rings with doorbells, a TX engine that arbitrates
 * between rings and serializes frames at the line rate, hardware TSO/USO and checksum offload, TX
 * completions with interrupt coalescing, link state and {@code ethtool -S} counters. It plays the
 * role of the silicon behind a driver such as ixgbe or mlx5 (their TX descriptor ring, tail
 * register, TX DMA engine and interrupt throttling), not of any kernel function.
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
 * <p><b>Interrupts.</b> Each completion is counted; the interrupt is asserted when
 * {@code txCoalesceFrames} completions are pending, or {@code txCoalesceUsecs} after the first
 * pending completion, whichever comes first; with both 0 every completion asserts it (tx-frames
 * alone, without tx-usecs, may leave fewer than tx-frames completions unsignalled, as on real
 * hardware). A link change asserts it too (the link status change cause). An asserted interrupt
 * is delivered to the {@link #requestIrq} handler when unmasked; while masked it stays latched and
 * is delivered by {@link #irqEnable()} in a new event at the same time (never re-entrantly).
 * Delivery resets the pending count and is counted in {@link CostCounters#hardIrq} and
 * {@code tx_irqs}.
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
    private final byte[] frame = new byte[FRAME_BUFFER];
    private final int overhead;
    /** Serialization-done (and doorbell fetch) event of the TX engine. */
    private final Timer txTimer;
    /** tx-usecs coalescing timer. */
    private final Timer coalesceTimer;
    /** Delivers a latched interrupt outside the caller's stack (irqEnable, flush, link change). */
    private final Timer irqTimer;
    private NicPort[] ports = new NicPort[0];

    private boolean link = true;
    private long rate;
    private long coalesceUsecs;
    private int coalesceFrames;

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
    private int pendingCompletions;

    // device-wide counters
    private long irqs;
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
        this.coalesceUsecs = config.txCoalesceUsecs();
        this.coalesceFrames = config.txCoalesceFrames();
        this.rings = new TxRing[config.numTxQueues()];
        for (int i = 0; i < rings.length; i++) rings[i] = new TxRing(i, config.txRingSize());
        this.txTimer = loop.newTimer(name + " tx", this::onTxTimer);
        this.coalesceTimer = loop.newTimer(name + " tx-usecs", this::onCoalesceTimer);
        this.irqTimer = loop.newTimer(name + " irq", this::deliverIrq);
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
        TxRing r = ring(queue);
        if (r.clean == r.head) return null;
        int i = r.clean & r.mask;
        SkBuff skb = r.slots[i];
        r.slots[i] = null;
        r.clean++;
        return skb;
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
        pendingCompletions++;
        if (coalesceFrames == 0 && coalesceUsecs == 0) {
            assertIrq();
        } else if (coalesceFrames > 0 && pendingCompletions >= coalesceFrames) {
            assertIrq();
        } else if (coalesceUsecs > 0 && pendingCompletions == 1 && !irqLatched) {
            coalesceTimer.arm(loop.now() + coalesceUsecs * 1000L);
        }
    }

    // ================================================================ interrupts

    /** The interrupt condition is met: latch it until it can be delivered. */
    private void assertIrq() {
        irqLatched = true;
        coalesceTimer.cancel();
    }

    private void onCoalesceTimer() {
        if (pendingCompletions > 0) assertIrq();
        deliverIrq();
    }

    /** Delivers a latched interrupt if unmasked and requested; runs only as (the end of) a NIC event. */
    private void deliverIrq() {
        if (!irqLatched || !irqEnabled || irqHandler == null) return;
        irqLatched = false;
        pendingCompletions = 0;
        irqs++;
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
        if (usecs < 0 || usecs > 10_000_000L) throw new IllegalArgumentException("tx-usecs must be 0..10000000, got " + usecs);
        if (frames < 0) throw new IllegalArgumentException("tx-frames must be >= 0, got " + frames);
        coalesceUsecs = usecs;
        coalesceFrames = frames;
        if (pendingCompletions > 0 && !irqLatched) {
            if ((usecs == 0 && frames == 0) || (frames > 0 && pendingCompletions >= frames)) {
                assertIrq();
                scheduleIrqDelivery();
            } else if (usecs > 0) {
                coalesceTimer.arm(loop.now() + usecs * 1000L);
            } else {
                coalesceTimer.cancel();
            }
        }
    }

    /** Current tx-usecs. */
    public long txCoalesceUsecs() { return coalesceUsecs; }

    /** Current tx-frames. */
    public int txCoalesceFrames() { return coalesceFrames; }

    // ================================================================ Nic: link, rate, ports

    @Override
    public boolean linkUp() { return link; }

    @Override
    public void setLink(boolean up) {
        if (up == link) return;
        link = up;
        linkChanges++;
        assertIrq(); // link status change cause
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
        m.put("tx_irqs", irqs);
        m.put("tx_link_down_stalls", linkDownStalls);
        m.put("link_changes", linkChanges);
        m.put("tx_port_errors", portErrors);
        m.put("tx_wire_busy_ns", wireBusyNanos);
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
        return m;
    }

    @Override
    public String toString() {
        return "nic " + name + " " + rings.length + "x" + config.txRingSize() + " @" + rate + " bit/s";
    }
}
