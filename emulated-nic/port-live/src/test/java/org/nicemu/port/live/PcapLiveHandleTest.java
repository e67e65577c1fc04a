package org.nicemu.port.live;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The real libpcap handle: error messages for a missing interface; opening lo when root. */
class PcapLiveHandleTest {
    static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

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
}
