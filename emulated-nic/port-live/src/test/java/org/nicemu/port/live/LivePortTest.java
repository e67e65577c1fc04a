package org.nicemu.port.live;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nicemu.api.exec.EventLoop;
import org.nicemu.api.nic.FrameReceiver;
import org.nicemu.api.nic.NicConfig;
import org.nicemu.api.nic.NicPort;
import org.nicemu.api.nic.PortBinding;
import org.nicemu.core.exec.EmuLoop;
import org.nicemu.port.live.Interfaces.Link;
import org.nicemu.port.live.LiveHandle.LiveException;

/** The live port without a real interface: a fake libpcap handle and a real-time core loop. */
class LivePortTest {
    static final byte[] MAC = {2, 0, 0, 0, 1, 1};

    /** A handle that records what is sent and plays back queued frames or errors. */
    static class FakeHandle implements LiveHandle {
        final List<byte[]> sent = java.util.Collections.synchronizedList(new ArrayList<>());
        final ConcurrentLinkedQueue<Object> incoming = new ConcurrentLinkedQueue<>();
        volatile String filter;
        volatile boolean closed;

        @Override
        public byte[] next() throws LiveException {
            Object o = incoming.poll();
            if (o == null) {
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }
            if (o instanceof LiveException e) throw e;
            return (byte[]) o;
        }

        @Override
        public void wakeUp() {
        }

        @Override
        public void send(byte[] frame, int len) throws LiveException {
            if (closed) throw new LiveException(LiveException.Kind.IO, "closed");
            sent.add(Arrays.copyOf(frame, len));
        }

        @Override
        public void setFilter(String bpf) {
            filter = bpf;
        }

        @Override
        public long[] stats() {
            return new long[] {7, 1, 0};
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** A binding on a real-time core loop, driven by the test thread. */
    static class Binding implements PortBinding {
        final EmuLoop loop;
        final List<byte[]> received = new ArrayList<>();
        final List<Boolean> carrier = new ArrayList<>();

        Binding(boolean virtualTime) {
            loop = new EmuLoop(1, virtualTime);
            loop.bindThread(Thread.currentThread());
        }

        @Override public String nicName() { return "h1/eth0"; }
        @Override public FrameReceiver receiver() { return (ts, f, off, len) -> received.add(Arrays.copyOfRange(f, off, off + len)); }
        @Override public EventLoop loop() { return loop; }
        @Override public NicConfig config() { return new NicConfig(1, 256, 10_000_000_000L, 1500, MAC, 0, NicConfig.Arbitration.ROUND_ROBIN, true, 0, 0); }
        @Override public long serializationNanos(int len) { return len * 8L / 10; }
        @Override public void setCarrier(boolean up) { carrier.add(up); }
    }

    static LivePort port(FakeHandle h, AtomicReference<Link> link, int backlog) {
        return new LivePort("eth0", 1, "veth-test0", ifname -> h, ifname -> link.get(), backlog, 256, 10, null);
    }

    static void runFor(Binding b, long millis) {
        b.loop.runUntil(b.loop.wallNanos() + millis * 1_000_000L);
    }

    @Test
    void bpfFilterAcceptsTheNicsMacBroadcastAndMulticast() {
        assertEquals("ether dst 02:00:00:00:01:01 or ether broadcast or ether multicast", LivePort.bpfFilter(MAC));
        assertEquals("ether dst 0a:bc:de:f0:12:34 or ether broadcast or ether multicast",
                LivePort.bpfFilter(new byte[] {0x0a, (byte) 0xbc, (byte) 0xde, (byte) 0xf0, 0x12, 0x34}));
    }

    @Test
    void bindSetsTheFilterAndReportsCarrier() {
        FakeHandle h = new FakeHandle();
        AtomicReference<Link> link = new AtomicReference<>(Link.UP);
        LivePort p = port(h, link, 64);
        Binding b = new Binding(false);
        p.bind(b);
        try {
            assertEquals(LivePort.bpfFilter(MAC), h.filter);
            runFor(b, 50);
            assertEquals(List.of(true), b.carrier, "the first link poll reports the carrier once");
            assertTrue(p.describe().startsWith("live veth-test0 (h1/eth0, carrier up, filter 'ether dst 02:00:00:00:01:01"), p.describe());
        } finally {
            p.close();
        }
        assertTrue(h.closed);
    }

    @Test
    void virtualTimeIsRefusedWithOneClearMessage() {
        LivePort p = port(new FakeHandle(), new AtomicReference<>(Link.UP), 64);
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.bind(new Binding(true)));
            assertEquals("live ports need real time: set \"virtualTime\": false", e.getMessage());
        } finally {
            p.close();
        }
    }

    @Test
    void shortFramesArePaddedTo60BytesAndOffsetsHonoured() {
        FakeHandle h = new FakeHandle();
        LivePort p = port(h, new AtomicReference<>(Link.UP), 64);
        byte[] arp = new byte[42];
        Arrays.fill(arp, (byte) 0x55);
        byte[] big = new byte[1514 + 10];
        for (int i = 0; i < big.length; i++) big[i] = (byte) i;
        p.transmit(0, 0, arp, 0, 42);
        p.transmit(0, 0, big, 10, 1514);
        p.transmit(0, 0, big, 0, 60);
        p.flush(); // the injection thread has sent them
        assertEquals(3, h.sent.size());
        assertEquals(60, h.sent.get(0).length);
        for (int i = 0; i < 42; i++) assertEquals(0x55, h.sent.get(0)[i]);
        for (int i = 42; i < 60; i++) assertEquals(0, h.sent.get(0)[i], "padding is zero");
        assertArrayEquals(Arrays.copyOfRange(big, 10, 1524), h.sent.get(1));
        assertEquals(60, h.sent.get(2).length);
        Map<String, Long> s = p.stats();
        assertEquals(3, s.get("tx_frames"));
        assertEquals(60 + 1514 + 60, s.get("tx_bytes"));
        assertEquals(1, s.get("tx_padded"));
        assertEquals(0, s.get("tx_errors"));
        h.closed = true; // sendPacket fails now
        p.transmit(0, 0, big, 0, 100);
        p.flush();
        assertEquals(1, p.stats().get("tx_errors"));
        p.close();
        p.transmit(0, 0, big, 0, 100);
        assertEquals(3, p.stats().get("tx_frames"), "nothing is sent after close");
    }

    @Test
    void aFullTxRingMakesTheLoopWaitAndLosesNothing() {
        FakeHandle h = new FakeHandle() {
            @Override
            public void send(byte[] frame, int len) throws LiveException {
                LockSupport.parkNanos(20_000); // a slow interface
                super.send(frame, len);
            }
        };
        LivePort p = new LivePort("eth0", 1, "veth-test0", ifname -> h, ifname -> Link.UP, 64, 64, 10, null);
        int n = 64 * 3;
        byte[] f = new byte[100];
        for (int i = 0; i < n; i++) {
            f[0] = (byte) i;
            f[1] = (byte) (i >> 8);
            p.transmit(0, 0, f, 0, f.length);
        }
        assertTrue(p.stats().get("tx_ring_full") > 0, "the ring filled up: " + p.stats());
        p.flush();
        assertEquals(0, p.stats().get("tx_queued"));
        assertEquals(n, p.stats().get("tx_frames"));
        assertEquals(n, h.sent.size());
        for (int i = 0; i < n; i++) assertEquals(i, (h.sent.get(i)[0] & 0xff) | (h.sent.get(i)[1] & 0xff) << 8, "frame " + i + " in order");
        p.close();
        assertEquals(n, h.sent.size());
    }

    /**
     * A frame captured while the loop drains (the capture thread is never idle under load) must not
     * make the next batch run before a timer the NIC armed at the same time — its interrupt, whose
     * NAPI poll refills the RX ring. It did when the capture thread posted the drain itself: posted
     * tasks run before timers, the interrupt waited until the queue was empty and the ring overflowed.
     */
    @Test
    void framesCapturedDuringADrainDoNotStarveTheNicsTimers() {
        FakeHandle h = new FakeHandle();
        LivePort p = port(h, new AtomicReference<>(Link.UP), 4096);
        List<Integer> irqAt = new ArrayList<>(); // frames received when each "interrupt" ran
        int[] got = {0};
        Binding b = new Binding(false) {
            org.nicemu.api.exec.Timer irq;

            @Override
            public FrameReceiver receiver() {
                return (ts, f, off, len) -> {
                    got[0]++;
                    if (irq == null) irq = loop.newTimer("irq", () -> irqAt.add(got[0]));
                    if (!irq.isArmed()) irq.arm(loop.now()); // as EmulatedNic.scheduleIrqDelivery()
                    if (got[0] % 10 == 0) p.captured(new byte[60]); // the capture thread goes on meanwhile
                };
            }
        };
        p.bind(b);
        try {
            for (int i = 0; i < 100; i++) p.captured(new byte[60]);
            runFor(b, 50);
            assertEquals(111, got[0], "every frame delivered (100, and one captured per 10 delivered)");
            assertTrue(irqAt.size() >= 3, "an interrupt between batches: " + irqAt);
            assertEquals(LivePort.DRAIN_BATCH, irqAt.get(0), "the interrupt runs right after the first batch: " + irqAt);
        } finally {
            p.close();
        }
    }

    @Test
    void aFullHandOffQueueCountsOverrunsAndNeverBlocks() {
        FakeHandle h = new FakeHandle();
        LivePort p = port(h, new AtomicReference<>(Link.UP), 16);
        Binding b = new Binding(false);
        p.bind(b);
        try {
            for (int i = 0; i < 20; i++) {
                byte[] f = new byte[60];
                f[59] = (byte) i;
                p.captured(f); // as the capture thread does; the loop does not run meanwhile
            }
            Map<String, Long> s = p.stats();
            assertEquals(20, s.get("rx_frames"));
            assertEquals(20 * 60, s.get("rx_bytes"));
            assertEquals(4, s.get("rx_overruns"));
            assertEquals(16, s.get("rx_queued"));
            assertEquals(0, b.received.size());
            runFor(b, 20);
            assertEquals(16, b.received.size());
            for (int i = 0; i < 16; i++) assertEquals(i, b.received.get(i)[59], "in capture order");
            assertEquals(16, p.stats().get("rx_delivered"));
            assertEquals(0, p.stats().get("rx_queued"));
        } finally {
            p.close();
        }
    }

    @Test
    void framesFromTheCaptureThreadReachTheLoopInBatches() throws Exception {
        FakeHandle h = new FakeHandle();
        LivePort p = port(h, new AtomicReference<>(Link.UP), 4096);
        Binding b = new Binding(false);
        p.bind(b);
        try {
            for (int i = 0; i < 100; i++) h.incoming.add(new byte[] {(byte) i, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13});
            long end = System.nanoTime() + 5_000_000_000L;
            while (b.received.size() < 100 && System.nanoTime() < end) runFor(b, 10);
            assertEquals(100, b.received.size());
            for (int i = 0; i < 100; i++) assertEquals((byte) i, b.received.get(i)[0]);
            assertEquals(0, p.stats().get("rx_overruns"));
        } finally {
            p.close();
        }
    }

    @Test
    void aFailingHandleIsCountedTakesTheLinkDownAndIsReopenedWhenTheInterfaceIsUp() {
        FakeHandle first = new FakeHandle();
        FakeHandle second = new FakeHandle();
        AtomicInteger opens = new AtomicInteger();
        AtomicReference<Link> link = new AtomicReference<>(Link.UP);
        LivePort p = new LivePort("eth0", 1, "veth-test0", ifname -> opens.getAndIncrement() == 0 ? first : second, ifname -> link.get(), 64, 256, 10, null);
        Binding b = new Binding(false);
        p.bind(b);
        try {
            runFor(b, 30);
            link.set(Link.DOWN);
            first.incoming.add(new LiveException(LiveException.Kind.IO, "port live: reading veth-test0 failed: The interface went down"));
            long end = System.nanoTime() + 5_000_000_000L;
            while (p.stats().get("handle_errors") == 0 && System.nanoTime() < end) runFor(b, 10);
            runFor(b, 30);
            assertEquals(1, p.stats().get("handle_errors"));
            assertTrue(first.closed);
            assertFalse(p.carrier());
            assertEquals(0, p.stats().get("carrier"));
            byte[] f = new byte[60];
            p.transmit(0, 0, f, 0, 60);
            p.flush();
            assertEquals(1, p.stats().get("tx_no_handle"), "frames sent while the link is down are counted");
            link.set(Link.UP);
            end = System.nanoTime() + 5_000_000_000L;
            while (!p.carrier() && System.nanoTime() < end) runFor(b, 10);
            runFor(b, 30);
            assertTrue(p.carrier());
            assertEquals(1, p.stats().get("reopens"));
            assertEquals(LivePort.bpfFilter(MAC), second.filter, "the new handle gets the filter");
            assertEquals(List.of(true, false, true), b.carrier);
            assertNull(p.lastProblem());
            p.transmit(0, 0, f, 0, 60);
            p.flush();
            assertEquals(1, second.sent.size());
        } finally {
            p.close();
        }
    }

    @Test
    void parametersAreValidatedWithClearMessages() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LivePortFactory.params(Map.of()));
        assertEquals("port live: parameter 'ifname' is required (the interface to put the NIC on, e.g. ifname=veth-emu0)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LivePortFactory.params(Map.of("ifname", "a", "file", "x")));
        assertEquals("port live: unknown parameter 'file'; accepted: ifname, rxBacklog, txRing, bufferBytes, pollMillis", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LivePortFactory.params(Map.of("ifname", "a", "txRing", "70000")));
        assertEquals("port live: parameter 'txRing' is '70000'; accepted: an integer number of frames 16..65536 (default 1024)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LivePortFactory.params(Map.of("ifname", "a", "rxBacklog", "3")));
        assertEquals("port live: parameter 'rxBacklog' is '3'; accepted: an integer number of frames 16..1048576 (default 4096)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LivePortFactory.params(Map.of("ifname", "a/b")));
        assertTrue(e.getMessage().startsWith("port live: parameter 'ifname' is 'a/b'"), e.getMessage());
        assertEquals(new LivePortFactory.Params("veth0", 4096, 1024, 4 << 20, 200), LivePortFactory.params(Map.of("ifname", "veth0")));
    }

    @Test
    void openerErrorsBecomeOneIllegalStateException() {
        LivePortFactory f = new LivePortFactory(p -> ifname -> {
            throw LiveErrors.classify(ifname, "veth9: You don't have permission to capture on that device (socket: Operation not permitted)", null);
        }, ifname -> Link.UP);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> f.open("eth0", 1, Map.of("ifname", "veth9")));
        assertTrue(e.getMessage().startsWith("port live: no permission to capture on veth9 (libpcap: "), e.getMessage());
        assertTrue(e.getMessage().contains("run as root, or give the JVM CAP_NET_RAW"), e.getMessage());
        assertEquals(0, f.openPorts());
    }

    @Test
    void libpcapMessagesAreClassified() {
        assertEquals(LiveException.Kind.PERMISSION, LiveErrors.classify("x", "x: You don't have permission to capture on that device (socket: Operation not permitted)", null).kind());
        assertEquals(LiveException.Kind.NO_SUCH_INTERFACE, LiveErrors.classify("x", "x: No such device exists (SIOCGIFHWADDR: No such device)", null).kind());
        assertEquals(LiveException.Kind.IO, LiveErrors.classify("x", "something else", null).kind());
        LiveException n = LiveErrors.noLibpcap(new UnsatisfiedLinkError("Unable to load library 'pcap'"));
        assertTrue(n.getMessage().contains("install the package libpcap0.8 (apt-get install -y libpcap0.8)"), n.getMessage());
    }

    @Test
    void linkStateIsReadFromSysfs(@TempDir Path sys) throws Exception {
        Path d = Files.createDirectories(sys.resolve("veth0"));
        Files.writeString(d.resolve("flags"), "0x1003\n");
        Files.writeString(d.resolve("carrier"), "1\n");
        assertEquals(Link.UP, Interfaces.carrier(sys, "veth0"));
        Files.writeString(d.resolve("carrier"), "0\n");
        assertEquals(Link.DOWN, Interfaces.carrier(sys, "veth0"), "up without carrier (peer down)");
        Files.writeString(d.resolve("flags"), "0x1002\n");
        Files.delete(d.resolve("carrier")); // reading carrier of a down interface fails
        assertEquals(Link.DOWN, Interfaces.carrier(sys, "veth0"));
        assertEquals(Link.GONE, Interfaces.carrier(sys, "veth1"));
        assertEquals(Link.UNKNOWN, Interfaces.carrier(sys.resolve("nothing"), "veth0"));
        assertEquals(List.of("veth0"), Interfaces.names(sys));
    }

    @Test
    void theFactoryClosesItsPortsOnDeactivate() {
        FakeHandle h = new FakeHandle();
        LivePortFactory f = new LivePortFactory(p -> ifname -> h, ifname -> Link.UP);
        NicPort p = f.open("eth0", 2, Map.of("ifname", "veth0"));
        assertEquals(1, f.openPorts());
        f.deactivate();
        assertTrue(h.closed);
        assertEquals(0, f.openPorts());
        assertTrue(p.describe().contains("closed"));
    }
}
