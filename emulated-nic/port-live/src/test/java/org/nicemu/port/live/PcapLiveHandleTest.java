package org.nicemu.port.live;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nicemu.core.testing.SystemTools.root;

import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The real libpcap handle: error messages for a missing interface; opening lo when root. */
class PcapLiveHandleTest {
    @Test
    void aMissingInterfaceIsNamedAndTheExistingOnesListed() {
        LivePortFactory f = new LivePortFactory();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> f.open("eth0", 1, Map.of("ifname", "nicemu-nope0")));
        assertTrue(e.getMessage().startsWith("port live: no interface 'nicemu-nope0' in this network namespace; interfaces: "), e.getMessage());
        assertTrue(e.getMessage().contains("lo"), e.getMessage());
        assertTrue(e.getMessage().indexOf('\n') < 0, "one line: " + e.getMessage());
    }

    @Test
    void loopbackOpensWithFilterAndStatistics() throws Exception {
        Assumptions.assumeTrue(root(), "opening an interface needs root or CAP_NET_RAW; skipped when not root");
        try (PcapLiveHandle h = PcapLiveHandle.open("lo", 20, 1 << 20)) {
            assertTrue(h.direct(), "pcap_sendpacket / pcap_next_ex are called directly on Pcap4J's pcap_t");
            h.setFilter(LivePort.bpfFilter(new byte[] {2, 0, 0, 0, 1, 1}));
            long[] s = h.stats();
            assertNotNull(s);
            // nothing on lo is for that MAC: the read blocks until wakeUp() (pcap_breakloop) ends it
            Thread waker = new Thread(() -> {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
                h.wakeUp();
            });
            long t0 = System.nanoTime();
            waker.start();
            byte[] f = h.next();
            waker.join();
            assertTrue(f == null, "no frame for that MAC on lo");
            assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "wakeUp() ended the blocking read");
            LiveHandle.LiveException e = assertThrows(LiveHandle.LiveException.class, () -> h.setFilter("ether dst nonsense"));
            assertTrue(e.getMessage().startsWith("port live: BPF filter 'ether dst nonsense' on lo: "), e.getMessage());
        }
    }

    /**
     * close() while another thread injects and a third is blocked in a read: both calls end with a
     * LiveException (or a null read), nothing touches the freed pcap_t (the JVM would crash), and
     * the handle stays closed.
     */
    @Test
    void closeWhileSendingAndReadingIsSafe() throws Exception {
        Assumptions.assumeTrue(root(), "opening an interface needs root or CAP_NET_RAW; skipped when not root");
        for (int round = 0; round < 5; round++) {
            PcapLiveHandle h = PcapLiveHandle.open("lo", 20, 1 << 20);
            h.setFilter(LivePort.bpfFilter(new byte[] {2, 0, 0, 0, 1, 1}));
            java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
            java.util.concurrent.atomic.AtomicReference<Throwable> unexpected = new java.util.concurrent.atomic.AtomicReference<>();
            byte[] frame = new byte[60];
            java.util.Arrays.fill(frame, 0, 6, (byte) 0x02); // to a MAC nobody has
            Thread sender = new Thread(() -> {
                try {
                    while (true) {
                        h.send(frame, frame.length);
                        sent.incrementAndGet();
                    }
                } catch (LiveHandle.LiveException e) {
                    if (!e.getMessage().contains("closed")) unexpected.set(e);
                } catch (Throwable t) {
                    unexpected.set(t);
                }
            });
            Thread reader = new Thread(() -> {
                try {
                    while (true) {
                        h.next(); // blocks (nothing on lo is for that MAC); the close wakes it
                    }
                } catch (LiveHandle.LiveException e) {
                    if (!e.getMessage().contains("closed")) unexpected.set(e);
                } catch (Throwable t) {
                    unexpected.set(t);
                }
            });
            sender.start();
            reader.start();
            Thread.sleep(50);
            h.close();
            sender.join(5000);
            reader.join(5000);
            assertFalse(sender.isAlive() || reader.isAlive(), "both threads ended after close()");
            assertNull(unexpected.get(), "only 'handle closed' errors after close()");
            assertTrue(sent.get() > 0, "frames were injected before the close");
            assertThrows(LiveHandle.LiveException.class, () -> h.send(frame, frame.length));
        }
    }
}
