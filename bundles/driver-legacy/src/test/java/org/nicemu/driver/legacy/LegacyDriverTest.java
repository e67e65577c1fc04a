package org.nicemu.driver.legacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nicemu.core.testing.DeviceHarness.DST_IP;
import static org.nicemu.core.testing.DeviceHarness.SRC_IP;
import static org.nicemu.core.testing.DeviceHarness.nicConfig;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.nicemu.api.driver.DriverException;
import org.nicemu.api.driver.NetDevice;
import org.nicemu.api.emu.DeviceSpec;
import org.nicemu.api.nic.NicConfig;
import org.nicemu.api.nic.NicHardware;
import org.nicemu.api.stats.DropReason;
import org.nicemu.api.wire.Ipv4Header;
import org.nicemu.api.wire.TcpHeader;
import org.nicemu.core.testing.DeviceHarness;
import org.nicemu.nic.EmulatedNic;
import org.nicemu.nic.EmulatedNicFactory;

/** The legacy driver on the real device layer and the emulated NIC, in virtual time. */
class LegacyDriverTest {
    static final long ALL_CAPS = NicHardware.CAP_SG | NicHardware.CAP_CSUM | NicHardware.CAP_TSO | NicHardware.CAP_USO;

    /** A real emulation: host h1 (2 CPUs), device eth0 on the emulated NIC with the legacy driver, a recording port. */
    static DeviceHarness bed(NicConfig cfg, Map<String, String> params) {
        return new DeviceHarness(7).nic(new EmulatedNicFactory()).driver(new LegacyDriverFactory())
                .oneDevice(2, new DeviceSpec("eth0", cfg, "legacy", params, null)).recording();
    }

    static List<Integer> range(int from, int to) {
        return IntStream.range(from, to).boxed().toList();
    }

    interface Change {
        void run() throws DriverException;
    }

    static Runnable change(Change c) {
        return () -> {
            try {
                c.run();
            } catch (DriverException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    @Test
    void probeAdvertisesNothingUsesOneQueueAndNoCoalescing() {
        DeviceHarness b = bed(nicConfig(4, 256, ALL_CAPS, 50, 16), Map.of());
        assertEquals(0, ((NetDevice) b.dev()).features(), "no SG, checksum or TSO even though the NIC could");
        assertEquals(1, b.dev().realNumTxQueues());
        EmulatedNic nic = (EmulatedNic) b.dev().nic();
        assertEquals(0, nic.txCoalesceUsecs());
        assertEquals(0, nic.txCoalesceFrames());
        assertEquals("legacy", b.dev().driverKind());
    }

    @Test
    void completionsAreFreedThroughTheCompletionQueueAndNetTx() {
        DeviceHarness b = bed(nicConfig(1, 256, 0, 0, 0), Map.of());
        b.send(0, 100, 1514, 1);
        b.runUntil(1_000_000_000L);
        assertEquals(range(0, 100), b.port().ids());
        for (int i = 0; i < 100; i++) assertEquals(i * 12304L, b.port().times().get(i));
        var c = b.host().counters();
        assertEquals(100, c.hardIrq, "one interrupt per completion, no moderation");
        assertEquals(100, b.stat("irq_handled"));
        assertEquals(100, b.stat("tx_clean_packets"), "cleaned in the hard-IRQ handler");
        assertEquals(0, c.napiPoll, "no NAPI");
        assertEquals(0, c.softirqNetRx);
        assertTrue(c.softirqNetTx >= 100, "every interrupt's skb is freed by net_tx_action: " + c.softirqNetTx);
        assertEquals(100, c.skbFree);
        assertEquals(0, b.skbsInUse());
        assertEquals(0, b.stat("txq_0_bql_limit"), "no BQL");
    }

    @Test
    void forcedTxBusyIsRequeuedAndKeepsTheOrder() {
        DeviceHarness b = bed(nicConfig(1, 256, 0, 0, 0), Map.of("forceBusyEvery", "3"));
        b.send(0, 30, 200, 1);
        b.runUntil(1_000_000_000L);
        assertEquals(range(0, 30), b.port().ids(), "every refused skb went back to the head of the qdisc");
        // 30 skbs take 44 calls: calls 3, 6, ..., 42 are refused
        assertEquals(14, b.stat("tx_forced_busy"));
        assertEquals(14, b.stat("txq_0_busy"));
        assertEquals(14, b.host().counters().txRequeue);
        assertEquals(0, b.dev().drops().totalPackets());
        assertEquals(0, b.skbsInUse());
    }

    @Test
    void everyFifthSkbIsDroppedByTheDriver() {
        DeviceHarness b = bed(nicConfig(1, 256, 0, 0, 0), Map.of("dropEvery", "5"));
        b.send(0, 50, 200, 1);
        b.runUntil(1_000_000_000L);
        assertEquals(IntStream.range(0, 50).filter(i -> i % 5 != 4).boxed().toList(), b.port().ids());
        assertEquals(10, b.dev().drops().packets(DropReason.DRIVER_DROP));
        assertEquals(2000, b.dev().drops().bytes(DropReason.DRIVER_DROP));
        assertEquals(10, b.stat("tx_driver_drops"));
        assertEquals(40, b.stat("tx_packets"), "the NIC saw only the others");
        assertEquals(0, b.skbsInUse());
    }

    @Test
    void aStuckQueueHoldsTrafficUntilReleasedAndLosesNothing() {
        DeviceHarness b = bed(nicConfig(1, 256, 0, 0, 0), Map.of("txRingDescriptors", "4"));
        b.send(0, 100, 1514, 1);
        b.at(200_000, change(() -> b.dev().changeDriver(Map.of("stuckQueue", "true"))));
        b.at(2_000_000, change(() -> b.dev().changeDriver(Map.of("stuckQueue", "false"))));
        b.runUntil(1_000_000_000L);
        assertEquals(range(0, 100), b.port().ids(), "nothing lost, order kept");
        // by 200 µs 17 frames started (16 * 12304 = 196864) and 3 more were in the 4-descriptor ring
        long before = b.port().times().stream().filter(t -> t < 2_000_000).count();
        assertEquals(20, before);
        assertEquals(19 * 12304L, b.port().times().get(19), "the ring drained back to back");
        assertEquals(2_000_000L, b.port().times().get(20), "released at 2 ms, sending resumes at once");
        assertEquals(0, b.dev().drops().totalPackets());
        assertEquals(0, b.skbsInUse());
        assertEquals(0, b.stat("stuck_queue"));
    }

    @Test
    void createdStuckNothingIsSentUntilReleased() {
        DeviceHarness b = bed(nicConfig(1, 256, 0, 0, 0), Map.of("stuckQueue", "true"));
        b.send(0, 10, 100, 1);
        b.at(1_000_000, change(() -> b.dev().changeDriver(Map.of("stuckQueue", "false"))));
        b.runUntil(500_000);
        assertTrue(b.port().frames().isEmpty());
        assertTrue(b.dev().txQueueStopped(0));
        b.runUntil(1_000_000_000L);
        assertEquals(range(0, 10), b.port().ids());
        assertEquals(1_000_000L, b.port().times().get(0));
        assertEquals(0, b.skbsInUse());
    }

    @Test
    void aSmallRingStopsAndWakesTheQueueOnEveryCompletion() {
        DeviceHarness b = bed(nicConfig(1, 256, 0, 0, 0), Map.of("txRingDescriptors", "4"));
        b.send(0, 50, 1514, 1);
        b.runUntil(1_000_000_000L);
        assertEquals(range(0, 50), b.port().ids());
        for (int i = 0; i < 50; i++) assertEquals(i * 12304L, b.port().times().get(i), "four descriptors keep the wire busy");
        // full after 4 posts; from then on each completion frees one descriptor, wakes, and the next post fills it
        assertEquals(47, b.stat("tx_stop_queue"));
        assertEquals(47, b.stat("tx_wake_queue"));
        assertEquals(4, b.stat("tx_ring_descriptors"));
        assertEquals(0, b.stat("tx_busy"));
        assertEquals(0, b.skbsInUse());
    }

    @Test
    void gsoSkbsAreSegmentedInSoftwareBeforeTheDriver() {
        DeviceHarness b = bed(nicConfig(1, 256, ALL_CAPS, 0, 0), Map.of());
        b.inLoop(() -> b.dev().devQueueXmit(b.tcpTso()));
        b.runUntil(1_000_000L);
        assertEquals(3, b.port().frames().size());
        int[] lens = {1514, 1514, 1266};
        for (int i = 0; i < 3; i++) {
            byte[] f = b.port().frames().get(i);
            assertEquals(lens[i], f.length);
            assertEquals(TcpHeader.Check.OK, TcpHeader.validate(f, 34, f.length - 34, SRC_IP, DST_IP));
            assertEquals(Ipv4Header.Check.OK, Ipv4Header.validate(f, 14, f.length - 14));
        }
        assertEquals(0, b.stat("tx_tso_segments"), "the NIC did not segment: the device layer did");
        assertEquals(3, b.stat("tx_descriptors"));
        assertEquals(3, b.stat("drv_xmit_packets"));
        assertEquals(0, b.skbsInUse());
    }

    @Test
    void deviceDownRequeuesTheRing() {
        DeviceHarness b = bed(nicConfig(1, 256, 0, 0, 0), Map.of());
        b.send(0, 100, 1514, 1);
        b.at(100_000, () -> b.dev().setUp(false));
        b.at(300_000, () -> b.dev().setUp(true));
        b.runUntil(1_000_000_000L);
        // at 100 µs: 8 sent, the 9th on the wire completes, the other 91 were all in the ring: handed back,
        // requeued, and sent from 300 µs when the device is up again
        assertEquals(0, b.dev().drops().packets(DropReason.RING_FLUSH));
        assertEquals(91, b.stat("tx_ring_returned"));
        assertEquals(0, b.stat("tx_ring_flushed"));
        assertEquals(91, b.stat("tx_flushed"));
        assertEquals(range(0, 100), b.port().ids(), "every frame once, in order");
        for (int i = 9; i < 100; i++) assertTrue(b.port().times().get(i) >= 300_000L, "nothing sent while down");
        assertEquals(0, b.dev().drops().totalPackets());
        assertEquals(0, b.skbsInUse());
    }

    @Test
    void badParametersNameTheParameterAndWhatIsAccepted() {
        LegacyDriverFactory f = new LegacyDriverFactory();
        DriverException e = assertThrows(DriverException.class, () -> f.create(Map.of("forceBusyEvery", "1")));
        assertTrue(e.getMessage().contains("forceBusyEvery must be 0 (off) or 2.."), e.getMessage());
        e = assertThrows(DriverException.class, () -> f.create(Map.of("dropEvery", "often")));
        assertTrue(e.getMessage().contains("dropEvery must be an integer 0.."), e.getMessage());
        e = assertThrows(DriverException.class, () -> f.create(Map.of("stuckQueue", "perhaps")));
        assertTrue(e.getMessage().contains("stuckQueue must be true or false"), e.getMessage());
        e = assertThrows(DriverException.class, () -> f.create(Map.of("bql", "true")));
        assertTrue(e.getMessage().contains("unknown parameter 'bql'") && e.getMessage().contains("forceBusyEvery"), e.getMessage());
        IllegalArgumentException ie = assertThrows(IllegalArgumentException.class,
                () -> bed(nicConfig(1, 64, 0, 0, 0), Map.of("txRingDescriptors", "128")));
        assertTrue(ie.getMessage().contains("txRingDescriptors must be 1..64"), ie.getMessage());
        DeviceHarness b = bed(nicConfig(1, 64, 0, 0, 0), Map.of());
        e = assertThrows(DriverException.class, () -> b.dev().changeDriver(Map.of("txRingDescriptors", "65")));
        assertTrue(e.getMessage().contains("txRingDescriptors must be 1..64"), e.getMessage());
        assertTrue(f.usage().contains("forceBusyEvery=CALLS"));
    }
}
