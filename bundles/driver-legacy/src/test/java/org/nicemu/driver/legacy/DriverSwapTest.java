package org.nicemu.driver.legacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.nicemu.core.testing.DeviceHarness.nicConfig;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.nicemu.api.driver.DriverException;
import org.nicemu.api.emu.DeviceSpec;
import org.nicemu.api.nic.NicHardware;
import org.nicemu.api.stats.DropReason;
import org.nicemu.core.testing.DeviceHarness;
import org.nicemu.driver.generic.GenericDriverFactory;
import org.nicemu.nic.EmulatedNicFactory;

/** A driver swap generic → legacy mid-stream: the unsent descriptors go back to the qdisc and out through legacy. */
class DriverSwapTest {
    @Test
    void genericToLegacyMidStreamLosesNothingAndKeepsPerQueueOrder() throws Exception {
        DeviceHarness b = new DeviceHarness(7).nic(new EmulatedNicFactory()).driver(new GenericDriverFactory())
                .driver(new LegacyDriverFactory())
                .oneDevice(2, new DeviceSpec("eth0", nicConfig(2, 256, NicHardware.CAP_SG | NicHardware.CAP_CSUM, 0, 0),
                        "generic", Map.of("bql", "false"), null))
                .recording();
        b.send(0, 600, 1514, 2);
        Exception[] err = new Exception[1];
        long[] atSwap = new long[3];
        b.at(100_000, () -> {
            atSwap[0] = b.port().frames().size();
            atSwap[1] = b.stat("tx_queue_0_ring_used") + b.stat("tx_queue_1_ring_used");
            try {
                b.dev().setDriver("legacy", Map.of());
            } catch (DriverException e) {
                err[0] = e;
            }
            atSwap[2] = b.stat("tx_flushed");
        });
        b.runUntil(1_000_000_000L);
        if (err[0] != null) throw err[0];
        // at 100 µs: 8 frames sent, the 9th on the wire (completed by the ring reset), 468 descriptors in the two
        // rings: 467 handed back (233 of ring 0, 234 of ring 1) and requeued, then migrated into the
        // single-queue root legacy needs (queue 0's first, each queue in order)
        assertEquals(9, atSwap[0]);
        assertEquals(468, atSwap[1]);
        assertEquals(467, atSwap[2], "NIC tx_flushed");
        assertEquals(233, b.stat("tx_queue_0_flushed"));
        assertEquals(234, b.stat("tx_queue_1_flushed"));
        assertEquals(591, b.stat("drv_xmit_packets"), "legacy sends the 467 given back and the 124 still queued");
        assertEquals("legacy", b.dev().driverKind());
        assertEquals(0, b.dev().drops().packets(DropReason.RING_FLUSH), "no ring-flush drops");
        assertEquals(0, b.dev().drops().totalPackets(), "no drops at all");
        List<Integer> ids = b.port().ids();
        assertEquals(600, ids.size(), "every frame reaches the port");
        assertEquals(IntStream.range(0, 600).boxed().toList(), ids.stream().sorted().toList(), "each exactly once");
        assertEquals(IntStream.range(0, 600).filter(i -> i % 2 == 0).boxed().toList(),
                ids.stream().filter(i -> i % 2 == 0).toList(), "queue 0 order");
        assertEquals(IntStream.range(0, 600).filter(i -> i % 2 == 1).boxed().toList(),
                ids.stream().filter(i -> i % 2 == 1).toList(), "queue 1 order");
        assertEquals(600L, b.dev().stats().get("tx_packets"), "tx_packets counts each frame once");
        assertEquals(0, b.skbsInUse());
    }
}
