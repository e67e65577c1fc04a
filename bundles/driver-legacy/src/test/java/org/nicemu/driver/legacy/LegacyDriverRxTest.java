package org.nicemu.driver.legacy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nicemu.api.emu.DeviceSpec;
import org.nicemu.api.nic.Nic;
import org.nicemu.api.nic.NicConfig;
import org.nicemu.api.stats.DropReason;
import org.nicemu.core.testing.DeviceHarness;
import org.nicemu.nic.EmulatedNicFactory;

/** The receive side of the legacy driver: RX in the interrupt handler, netif_rx and the CPU backlog. */
class LegacyDriverRxTest {
    static final long OURS = 0x020000000001L, PEER = 0x020000000002L;

    final List<Integer> got = new ArrayList<>();

    DeviceHarness bed(int rxRing) {
        NicConfig cfg = DeviceHarness.nicConfig(4, 256, 0, 0, 0).withRx(4, rxRing);
        DeviceHarness b = new DeviceHarness(7).nic(new EmulatedNicFactory()).driver(new LegacyDriverFactory())
                .oneDevice(2, new DeviceSpec("eth0", cfg, "legacy", Map.of(), null));
        b.host().addPacketHandler(0x0800, (skb, dev) -> {
            got.add(((skb.head()[skb.dataOffset() + 4] & 0xff) << 8) | (skb.head()[skb.dataOffset() + 5] & 0xff));
            dev.host().allocator().free(skb);
        });
        return b;
    }

    static byte[] frame(int flow, int id) {
        return DeviceHarness.udpBytes(OURS, PEER, 0xc6120002, 0xc6120001, 1000 + flow, 9, 100, id);
    }

    @Test
    void everyFlowGoesToRingZeroAndUpThroughNetifRx() {
        DeviceHarness b = bed(64);
        assertEquals(1, b.stat("rss_queues"), "RSS off: one RX ring served");
        assertEquals(64, b.stat("rx_buf_alloc"));
        Nic nic = b.dev().nic();
        for (int i = 0; i < 50; i++) {
            byte[] f = frame(i, i);
            b.at(1_000L * (i + 1), () -> nic.receive(b.now(), f, 0, f.length));
        }
        b.runUntil(1_000_000L);
        assertEquals(50, got.size());
        assertEquals(50, b.stat("rx_queue_0_packets"));
        assertEquals(50, b.stat("rx_clean_packets"));
        assertEquals(50, b.host().counters().netifRxPackets);
        assertEquals(50, b.host().counters().rxBacklogEnqueue);
        assertEquals(0, b.host().counters().netifReceiveSkbPackets, "no NAPI receive");
        assertEquals(50, b.stat("irq_handled"));
        assertEquals(0, b.skbsInUse());
    }

    @Test
    void aBurstBeyondTheBacklogLimitIsDroppedByNetifRx() {
        DeviceHarness b = bed(2048);
        Nic nic = b.dev().nic();
        b.inLoop(() -> {
            for (int i = 0; i < 2000; i++) nic.receive(b.now(), frame(0, i), 0, 100);
        });
        assertEquals(1001, got.size(), "netdev_max_backlog 1000: one interrupt takes all 2000, the backlog keeps 1001");
        assertEquals(999, b.stat("rx_netif_rx_dropped"));
        assertEquals(999, b.dev().drops().packets(DropReason.CPU_BACKLOG));
        assertEquals(1, b.stat("irq_handled"));
        assertEquals(0, b.skbsInUse());
    }
}
