package org.nicemu.driver.generic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nicemu.core.testing.DeviceHarness.DST_IP;
import static org.nicemu.core.testing.DeviceHarness.SRC_IP;
import static org.nicemu.core.testing.DeviceHarness.nicConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.nicemu.api.driver.DriverException;
import org.nicemu.api.driver.NetDevice;
import org.nicemu.api.driver.NetdevFeatures;
import org.nicemu.api.emu.DeviceSpec;
import org.nicemu.api.nic.NicConfig;
import org.nicemu.api.nic.NicHardware;
import org.nicemu.api.stats.DropReason;
import org.nicemu.api.wire.Ipv4Header;
import org.nicemu.api.wire.TcpHeader;
import org.nicemu.core.testing.DeviceHarness;
import org.nicemu.nic.EmulatedNicFactory;

/** The generic driver on the real device layer and the emulated NIC, in virtual time. */
class GenericDriverTest {
    static final long SG_CSUM = NicHardware.CAP_SG | NicHardware.CAP_CSUM;

    /** A real emulation: host h1 (2 CPUs), device eth0 on the emulated NIC with the generic driver, a recording port. */
    static DeviceHarness bed(NicConfig cfg, Map<String, String> params) {
        return new DeviceHarness(7).nic(new EmulatedNicFactory()).driver(new GenericDriverFactory())
                .oneDevice(2, new DeviceSpec("eth0", cfg, "generic", params, null)).recording();
    }

    static List<Integer> range(int from, int to) {
        return IntStream.range(from, to).boxed().toList();
    }

    @Test
    void probeMapsCapabilitiesToFeaturesAndQueues() {
        DeviceHarness b = bed(nicConfig(4, 256, SG_CSUM | NicHardware.CAP_TSO | NicHardware.CAP_USO, 0, 0), Map.of());
        assertEquals(4, b.dev().realNumTxQueues());
        assertEquals(NetdevFeatures.NETIF_F_SG | NetdevFeatures.NETIF_F_IP_CSUM
                | NetdevFeatures.NETIF_F_TSO | NetdevFeatures.NETIF_F_GSO_UDP_L4, ((NetDevice) b.dev()).features());
        DeviceHarness plain = bed(nicConfig(1, 256, 0, 0, 0), Map.of());
        assertEquals(0, ((NetDevice) plain.dev()).features());
    }

    @Test
    void aBulkTransferIsSentBackToBackCompletedAndFreed() {
        DeviceHarness b = bed(nicConfig(1, 256, SG_CSUM, 0, 0), Map.of());
        b.send(0, 500, 1514, 1);
        b.runUntil(1_000_000_000L);
        assertEquals(range(0, 500), b.port().ids(), "in order");
        for (int i = 0; i < 500; i++) assertEquals(i * 12304L, b.port().times().get(i), "frame " + i + " starts when the previous ends");
        assertEquals(500, b.stat("tx_packets"));
        assertEquals(500 * 1514L, b.stat("tx_bytes"));
        assertEquals(500, b.stat("tx_descriptors"));
        assertEquals(500, b.stat("tx_clean_packets"));
        assertEquals(500, b.dev().stats().get("tx_packets"));
        assertEquals(0, b.dev().drops().totalPackets());
        assertEquals(0, b.skbsInUse(), "every skb was consumed");
        assertEquals(0, b.stat("txq_0_bql_inflight"));
        assertEquals(0, b.stat("tx_busy"));
        assertEquals(b.stat("tx_irqs"), b.host().counters().hardIrq);
        assertEquals(b.stat("irq_handled"), b.stat("tx_irqs"));
        assertEquals(b.stat("napi_polls"), b.host().counters().napiPoll);
        assertEquals(500, b.stat("tx_irqs"), "no coalescing: one interrupt per completion");
        assertEquals(500, b.stat("napi_polls"));
        assertEquals(3028, b.stat("txq_0_bql_limit"), "BQL settles at two frames: one on the wire, one ready");
        assertEquals(498, b.stat("txq_0_stops"), "BQL stops the queue after almost every frame");
        assertEquals(0, b.stat("tx_stop_queue"), "the driver itself never had to");
    }

    @Test
    void bqlLimitGrowsWhenCompletionsAreCoalescedAndXmitMoreBatchesDoorbells() {
        DeviceHarness b = bed(nicConfig(1, 256, SG_CSUM, 0, 0), Map.of("txCoalesceFrames", "16", "txCoalesceUsecs", "100"));
        assertEquals(0, b.stat("txq_0_bql_limit"));
        List<Long> limits = new ArrayList<>();
        for (long t : new long[] {50_000, 150_000, 250_000, 1_000_000}) b.at(t, () -> limits.add(b.stat("txq_0_bql_limit")));
        b.send(0, 500, 1514, 1);
        b.runUntil(1_000_000_000L);
        assertEquals(range(0, 500), b.port().ids());
        assertEquals(27252, b.stat("txq_0_bql_limit"), "18 full frames: what covers a coalesced completion batch");
        // the first interrupt comes 100 µs after the first completion; each starved completion batch grows the limit
        assertEquals(List.of(0L, 1514L, 4542L, 27252L), limits);
        assertTrue(b.stat("tx_doorbells_deferred") > 0, "bulk dequeue under BQL sets xmit_more");
        assertEquals(500, b.stat("tx_doorbells") + b.stat("tx_doorbells_deferred"));
        assertEquals(b.stat("tx_doorbells"), b.stat("tx_queue_0_doorbells"));
        assertEquals(0, b.stat("txq_0_bql_inflight"));
        assertEquals(0, b.skbsInUse());
    }

    @Test
    void withoutBqlTheRingFillsAndTheDriverStopsAndWakesTheQueue() {
        DeviceHarness b = bed(nicConfig(1, 64, SG_CSUM, 0, 0), Map.of("bql", "false"));
        b.send(0, 500, 1514, 1);
        b.runUntil(1_000_000_000L);
        assertEquals(range(0, 500), b.port().ids());
        for (int i = 0; i < 500; i++) assertEquals(i * 12304L, b.port().times().get(i));
        assertEquals(0, b.stat("txq_0_bql_limit"));
        // stop below 19 free (after 46 posts), wake at 38 free (20 reclaimed): 46 + 22 * 20 = 486, the last 14 fit
        assertEquals(23, b.stat("tx_stop_queue"));
        assertEquals(23, b.stat("tx_restart_queue"), "every stop is followed by a wake");
        assertEquals(0, b.skbsInUse());
    }

    @Test
    void tsoOffloadSendsThreeFramesFromOneSkb() {
        DeviceHarness b = bed(nicConfig(1, 256, SG_CSUM | NicHardware.CAP_TSO, 0, 0), Map.of());
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
        assertEquals(3, b.stat("tx_tso_segments"));
        assertEquals(1, b.stat("tx_descriptors"));
        assertEquals(1, b.stat("drv_xmit_packets"));
        assertEquals(0, b.skbsInUse());
    }

    @Test
    void framesSpreadOverTwoQueuesKeepTheirOrderPerQueue() {
        DeviceHarness b = bed(nicConfig(2, 256, SG_CSUM, 0, 0), Map.of());
        b.send(0, 200, 1514, 2);
        b.runUntil(1_000_000_000L);
        assertEquals(200, b.port().frames().size());
        assertEquals(IntStream.range(0, 200).filter(i -> i % 2 == 0).boxed().toList(), b.port().idsOfQueue(0));
        assertEquals(IntStream.range(0, 200).filter(i -> i % 2 == 1).boxed().toList(), b.port().idsOfQueue(1));
        assertEquals(100, b.stat("tx_queue_0_packets"));
        assertEquals(100, b.stat("tx_queue_1_packets"));
        assertEquals(0, b.skbsInUse());
        assertEquals(199 * 12304L, b.port().times().get(199), "the wire never idles");
    }

    @Test
    void deviceDownRequeuesTheRingsAndUpResumesWithTheQdiscContents() {
        DeviceHarness b = bed(nicConfig(1, 256, SG_CSUM, 0, 0), Map.of("bql", "false"));
        b.send(0, 600, 1514, 1);
        long[] requeuesBefore = new long[1];
        b.at(100_000, () -> {
            requeuesBefore[0] = b.stat("txq_0_requeues");
            b.dev().setUp(false);
        });
        b.at(300_000, () -> b.dev().setUp(true));
        b.runUntil(1_000_000_000L);
        // at 100 µs: 238 posted (stopped below 19 free), 8 sent and reclaimed, the 9th on the wire completes,
        // 229 go back to the qdisc ahead of the 362 still there; all 591 are sent after the device comes up
        assertEquals(0, b.dev().drops().packets(DropReason.RING_FLUSH));
        assertEquals(229, b.stat("tx_ring_returned"));
        assertEquals(0, b.stat("tx_ring_flushed"));
        assertEquals(229, b.stat("tx_flushed"));
        assertEquals(229, b.stat("txq_0_requeues") - requeuesBefore[0], "requeued by the stop");
        assertEquals(range(0, 600), b.port().ids(), "every frame once, in order");
        assertEquals(300_000L, b.port().times().get(9), "sending resumes when the device is up again");
        for (int i = 9; i < 600; i++) assertTrue(b.port().times().get(i) >= 300_000L, "nothing sent while down");
        assertEquals(600L, b.dev().stats().get("tx_packets"));
        assertEquals(600, b.stat("tx_packets"));
        assertEquals(0, b.skbsInUse());
        assertEquals(0, b.dev().drops().totalPackets());
    }

    @Test
    void aDriverSwapGivesTheUnsentSkbsBackAndLosesNothing() throws Exception {
        DeviceHarness b = bed(nicConfig(1, 256, SG_CSUM, 0, 0), Map.of("bql", "false"));
        b.send(0, 600, 1514, 1);
        Exception[] err = new Exception[1];
        b.at(100_000, () -> {
            try {
                b.dev().setDriver("generic", Map.of("txCoalesceFrames", "8", "txCoalesceUsecs", "20"));
            } catch (DriverException e) {
                err[0] = e;
            }
        });
        b.runUntil(1_000_000_000L);
        if (err[0] != null) throw err[0];
        // the 229 descriptors not sent at 100 µs go back to the qdisc and out through the new driver
        assertEquals(0, b.dev().drops().packets(DropReason.RING_FLUSH));
        assertEquals(229, b.stat("tx_flushed"));
        assertEquals(range(0, 600), b.port().ids(), "every frame once, in order");
        assertEquals(600L, b.dev().stats().get("tx_packets"));
        assertEquals(0, b.dev().drops().totalPackets());
        assertEquals(0, b.skbsInUse());
        assertEquals(8, b.stat("tx_coalesce_frames"));
    }

    @Test
    void coalescingParametersReduceInterrupts() {
        DeviceHarness every = bed(nicConfig(1, 256, SG_CSUM, 0, 0), Map.of());
        every.send(0, 500, 1514, 1);
        every.runUntil(1_000_000_000L);
        DeviceHarness coalesced = bed(nicConfig(1, 256, SG_CSUM, 0, 0), Map.of("txCoalesceFrames", "16", "txCoalesceUsecs", "100"));
        coalesced.send(0, 500, 1514, 1);
        coalesced.runUntil(1_000_000_000L);
        assertEquals(500, every.host().counters().hardIrq);
        assertEquals(58, coalesced.host().counters().hardIrq, "about one per 16 completions once BQL has grown");
        assertEquals(499 * 12304L, every.port().times().get(499));
        assertTrue(coalesced.port().times().get(499) > 499 * 12304L, "while BQL grows the late completions leave the wire idle");
        assertEquals(500, coalesced.port().frames().size());
        assertEquals(0, coalesced.skbsInUse());
    }

    @Test
    void aCompletionBatchLargerThanTheBudgetIsPolledAgain() {
        // no BQL, 256 descriptors, an interrupt per 200 completions or 1 ms: one batch exceeds the NAPI weight (64)
        DeviceHarness b = bed(nicConfig(1, 256, SG_CSUM, 0, 0), Map.of("bql", "false", "txCoalesceFrames", "200", "txCoalesceUsecs", "1000"));
        b.send(0, 500, 1514, 1);
        b.runUntil(1_000_000_000L);
        assertEquals(range(0, 500), b.port().ids());
        // e.g. the first interrupt, 1 ms after the first completion, finds 82 completions: polls of 64 + 18
        assertEquals(7, b.stat("irq_handled"));
        assertEquals(13, b.stat("napi_polls"), "polled again while the budget was used up");
        assertEquals(b.stat("irq_handled"), b.stat("napi_complete"), "one napi_complete_done per interrupt");
        assertEquals(0, b.skbsInUse());
    }

    @Test
    void linkDownFreezesTheQueuesAndLinkUpResumes() {
        DeviceHarness b = bed(nicConfig(1, 256, SG_CSUM, 0, 0), Map.of());
        b.send(0, 300, 1514, 1);
        b.at(100_000, () -> b.dev().setLink(false));
        b.at(500_000, () -> b.dev().setLink(true));
        b.runUntil(1_000_000_000L);
        assertEquals(range(0, 300), b.port().ids(), "nothing lost, order kept");
        assertEquals(2, b.stat("carrier_changes"));
        assertEquals(1, b.stat("tx_link_down_stalls"));
        assertEquals(2, b.stat("link_changes"));
        assertTrue(b.port().times().stream().noneMatch(t -> t > 100_000 && t < 500_000), "silence while the link is down");
        assertEquals(0, b.skbsInUse());
    }

    @Test
    void badParametersNameTheParameterAndWhatIsAccepted() {
        GenericDriverFactory f = new GenericDriverFactory();
        DriverException e = assertThrows(DriverException.class, () -> f.create(Map.of("txCoalesceUsecs", "abc")));
        assertTrue(e.getMessage().contains("txCoalesceUsecs") && e.getMessage().contains("0..1000000"), e.getMessage());
        e = assertThrows(DriverException.class, () -> f.create(Map.of("txCoalesceFrames", "-1")));
        assertTrue(e.getMessage().contains("txCoalesceFrames"), e.getMessage());
        e = assertThrows(DriverException.class, () -> f.create(Map.of("bql", "maybe")));
        assertTrue(e.getMessage().contains("bql must be true or false"), e.getMessage());
        e = assertThrows(DriverException.class, () -> f.create(Map.of("ringSize", "4")));
        assertTrue(e.getMessage().contains("unknown parameter 'ringSize'") && e.getMessage().contains("txCoalesceUsecs"), e.getMessage());
        DeviceHarness b = bed(nicConfig(1, 256, SG_CSUM, 0, 0), Map.of());
        e = assertThrows(DriverException.class, () -> b.dev().changeDriver(Map.of("bql", "yes please")));
        assertTrue(e.getMessage().contains("bql"), e.getMessage());
        assertTrue(f.usage().contains("txCoalesceUsecs=MICROSECONDS"));
    }

    @Test
    void bqlCanBeSwitchedOffAndOnWhileTrafficFlows() throws Exception {
        DeviceHarness b = bed(nicConfig(1, 256, SG_CSUM, 0, 0), Map.of());
        b.send(0, 600, 1514, 1);
        Exception[] err = new Exception[1];
        b.at(100_000, () -> {
            try {
                b.dev().changeDriver(Map.of("bql", "false"));
            } catch (DriverException e) {
                err[0] = e;
            }
        });
        b.at(2_000_000, () -> {
            try {
                b.dev().changeDriver(Map.of("bql", "true"));
            } catch (DriverException e) {
                err[0] = e;
            }
        });
        b.runUntil(1_000_000_000L);
        if (err[0] != null) throw err[0];
        assertEquals(range(0, 600), b.port().ids());
        assertEquals(0, b.stat("txq_0_bql_inflight"));
        assertEquals(0, b.skbsInUse());
    }
}
