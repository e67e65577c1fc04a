package org.nicemu.driver.generic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nicemu.api.emu.DeviceSpec;
import org.nicemu.api.nic.Nic;
import org.nicemu.api.nic.NicConfig;
import org.nicemu.core.testing.DeviceHarness;
import org.nicemu.nic.EmulatedNic;
import org.nicemu.nic.EmulatedNicFactory;

/** The receive side of the generic driver: RX buffers, NAPI RX cleaning with the budget, refill, ndo_stop. */
class GenericDriverRxTest {
    static final long OURS = 0x020000000001L, PEER = 0x020000000002L;

    final List<Integer> got = new ArrayList<>();
    final List<Long> gotTimes = new ArrayList<>();

    DeviceHarness bed(int rxQueues, int rxRing, Map<String, String> params) {
        NicConfig cfg = DeviceHarness.nicConfig(4, 256, 0, 0, 0).withRx(rxQueues, rxRing);
        DeviceHarness b = new DeviceHarness(7).nic(new EmulatedNicFactory()).driver(new GenericDriverFactory())
                .oneDevice(2, new DeviceSpec("eth0", cfg, "generic", params, null));
        b.host().addPacketHandler(0x0800, (skb, dev) -> {
            got.add(((skb.head()[skb.dataOffset() + 4] & 0xff) << 8) | (skb.head()[skb.dataOffset() + 5] & 0xff));
            gotTimes.add(b.now());
            dev.host().allocator().free(skb);
        });
        return b;
    }

    static byte[] frame(int flow, int id) {
        return DeviceHarness.udpBytes(OURS, PEER, 0xc6120002, 0xc6120001, 1000 + flow, 9, 100, id);
    }

    static void receive(Nic nic, byte[] f, long now) {
        nic.receive(now, f, 0, f.length);
    }

    @Test
    void ndoOpenFillsEveryRxRingWithBuffersForAFullFrame() {
        DeviceHarness b = bed(4, 64, Map.of());
        assertEquals(256, b.stat("rx_buf_alloc"));
        assertEquals(256, b.host().allocator().inUse());
        for (int q = 0; q < 4; q++) assertEquals(64, b.stat("rx_queue_" + q + "_empty"));
        assertEquals(1514, b.stat("rx_buf_len"));
        assertEquals(4, b.stat("rss_queues"));
        assertEquals(0, b.skbsInUse());
    }

    @Test
    void eachFrameIsPolledUpAndItsBufferReplaced() {
        DeviceHarness b = bed(4, 64, Map.of());
        Nic nic = b.dev().nic();
        for (int i = 0; i < 100; i++) {
            byte[] f = frame(i % 16, i);
            b.at(1_000L * (i + 1), () -> receive(nic, f, b.now()));
        }
        b.runUntil(1_000_000L);
        assertEquals(100, got.size());
        for (int i = 0; i < 100; i++) assertEquals(1_000L * (i + 1), gotTimes.get(i), "delivered at its arrival");
        assertEquals(100, b.stat("rx_packets"));
        assertEquals(100, b.stat("rx_clean_packets"));
        assertEquals(100, b.stat("rx_irqs"), "no RX coalescing by default");
        assertEquals(100, b.stat("napi_polls"));
        assertEquals(356, b.stat("rx_buf_alloc"), "every cleaned buffer was replaced");
        assertEquals(256, EmulatedNicRxCount.empty(b));
        assertEquals(0, b.skbsInUse());
        assertEquals(100, b.dev().stats().get("rx_packets"));
        assertEquals(10_000, b.dev().stats().get("rx_bytes"));
        assertEquals(0, b.dev().stats().get("rx_dropped"));
    }

    @Test
    void aBurstLargerThanTheBudgetTakesSeveralPolls() {
        DeviceHarness b = bed(1, 256, Map.of());
        Nic nic = b.dev().nic();
        b.inLoop(() -> {
            for (int i = 0; i < 200; i++) receive(nic, frame(0, i), b.now());
        });
        assertEquals(200, got.size());
        for (int i = 0; i < 200; i++) assertEquals(i, got.get(i), "in order");
        assertEquals(1, b.stat("rx_irqs"), "the interrupt stays masked while NAPI polls");
        assertEquals(4, b.stat("napi_polls"), "64 + 64 + 64 + 8 with weight 64");
        assertEquals(1, b.stat("napi_complete"));
        assertEquals(0, b.skbsInUse());
    }

    @Test
    void aRingOfEightMissesTheRestOfABurst() {
        DeviceHarness b = bed(1, 8, Map.of());
        Nic nic = b.dev().nic();
        b.inLoop(() -> {
            for (int i = 0; i < 20; i++) receive(nic, frame(0, i), b.now());
        });
        assertEquals(8, got.size());
        assertEquals(12, b.stat("rx_missed"));
        assertEquals(8, b.stat("rx_queue_0_empty"), "refilled after the poll");
    }

    @Test
    void rxCoalescingFramesGroupsTheInterrupts() {
        DeviceHarness b = bed(1, 256, Map.of("rxCoalesceFrames", "8", "rxCoalesceUsecs", "20"));
        Nic nic = b.dev().nic();
        for (int i = 0; i < 20; i++) {
            byte[] f = frame(0, i);
            b.at(1_000L * (i + 1), () -> receive(nic, f, b.now()));
        }
        b.runUntil(1_000_000L);
        assertEquals(20, got.size());
        assertEquals(3, b.stat("rx_irqs"), "at the 8th and 16th frame, then 20 µs after the 17th");
        assertEquals(List.of(8_000L, 16_000L, 37_000L), List.of(gotTimes.get(0), gotTimes.get(8), gotTimes.get(16)));
        assertEquals(8, ((EmulatedNic) nic).rxCoalesceFrames());
    }

    @Test
    void ndoStopFreesTheBuffersAndCountsFramesNotYetPolled() {
        DeviceHarness b = bed(2, 16, Map.of());
        Nic nic = b.dev().nic();
        b.inLoop(() -> {
            for (int i = 0; i < 3; i++) receive(nic, frame(0, i), b.now());
            b.dev().setUp(false); // before the interrupt's event: the frames are still in the ring
        });
        assertEquals(0, got.size());
        assertEquals(3, b.stat("rx_ring_flushed"));
        assertEquals(32, b.stat("rx_buf_freed"));
        assertEquals(0, b.host().allocator().inUse());
        b.inLoop(() -> b.dev().setUp(true));
        assertEquals(32, b.host().allocator().inUse(), "ndo_open posts them again");
        b.inLoop(() -> receive(nic, frame(0, 9), b.now()));
        assertEquals(List.of(9), got);
    }

    /** Sums the NIC's empty RX buffers. */
    static final class EmulatedNicRxCount {
        static long empty(DeviceHarness b) {
            long n = 0;
            for (Map.Entry<String, Long> e : b.dev().nic().ethtoolStats().entrySet()) {
                if (e.getKey().startsWith("rx_queue_") && e.getKey().endsWith("_empty")) n += e.getValue();
            }
            return n;
        }
    }

    @Test
    void theDeviceMacDecidesWhatIsForThisHost() {
        DeviceHarness b = bed(1, 16, Map.of());
        Nic nic = b.dev().nic();
        byte[] other = DeviceHarness.udpBytes(0x020000000077L, PEER, 1, 2, 1000, 9, 100, 5);
        b.inLoop(() -> receive(nic, other, b.now()));
        assertEquals(0, got.size());
        assertEquals(1, b.dev().drops().snapshot().get("otherhost"));
    }
}
