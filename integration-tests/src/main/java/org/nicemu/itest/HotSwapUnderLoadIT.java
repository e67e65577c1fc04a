package org.nicemu.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nicemu.api.emu.Emulations;
import org.nicemu.api.emu.PktgenService;
import org.nicemu.api.emu.QdiscInfo;
import org.nicemu.api.nic.NicPortFactory;
import org.nicemu.api.stats.DropCounters;
import org.nicemu.api.stats.DropReason;
import org.nicemu.core.testing.Tshark;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * Issue 2's acceptance run inside Felix: 1,000,000 frames from 8 flows over a 4-queue NIC while
 * the root qdisc is replaced 20 times (pfifo_fast, prio, tbf, mq), the tbf bundle is stopped and
 * started with tbf in use, and the driver is swapped mid-stream. Everything is migrate mode, so
 * every frame is either in the pcap or counted as dropped with a reason, and the pcap passes tshark.
 */
class HotSwapUnderLoadIT {
    static final long MS = 1_000_000L;
    /**
     * The 20 root replacements, one every 5 ms from 5 ms on; mq only while the 4-queue driver is
     * bound. Every tbf holds at most 2 MB and txqueuelen is 20000, so each new qdisc can take what
     * the old one held: migration must then drop nothing.
     */
    static final String[] ROOTS = {
        "tbf rate 6gbit burst 256kb limit 2mb", "prio", "pfifo_fast", "mq", "tbf rate 5gbit burst 128kb limit 2mb",
        "prio bands 4", "mq", "pfifo_fast", "tbf rate 7gbit burst 256kb limit 2mb", "mq",
        "prio", "pfifo_fast", "prio", "tbf rate 4gbit burst 64kb limit 2mb", "pfifo_fast",
        "prio bands 3", "pfifo_fast", "tbf rate 9gbit burst 512kb limit 2mb", "mq", "pfifo_fast"};

    @InjectService(timeout = 10_000)
    Emulations emulations;
    @InjectService(timeout = 10_000)
    PktgenService pktgen;
    @InjectService(timeout = 10_000, filter = "(port.kind=pcap)")
    NicPortFactory pcapPorts;
    @InjectBundleContext
    BundleContext context;

    @Test
    void millionFramesWithTwentySwapsABundleRestartAndADriverSwap() throws Exception {
        Path dir = Files.createTempDirectory("nicemu-hotswap");
        Path pcap = dir.resolve("h1-eth0.pcap");
        Bundle tbf = bundle("org.nicemu.qdisc.tbf");
        long wall = System.nanoTime();
        try (Rig rig = new Rig(emulations, "hotswap", 11, pcapPorts, pcap)) {
            rig.onLoop(() -> {
                rig.dev.setTxQueueLen(20_000);
                return null;
            });
            // 8 flows: two generators of 4 flows each on CPUs 0 and 1, 4 Gbit/s each, 500,000 frames each
            rig.generator(pktgen, "g0", Map.of("count", "500000", "pkt_size", "128", "rate", "4gbit", "flows", "4", "udp_src_min", "1000", "cpu", "0"));
            rig.generator(pktgen, "g1", Map.of("count", "500000", "pkt_size", "128", "rate", "4gbit", "flows", "4", "udp_src_min", "2000", "cpu", "1"));
            boolean tbfRestarted = false;
            boolean tbfWasInUse = false;
            for (int k = 0; k < ROOTS.length; k++) {
                long t = (k + 1) * 5 * MS;
                rig.emu.runUntil(t);
                if (k == 10) { // 55 ms: to the single-queue legacy model and back at 80 ms (no mq meanwhile)
                    rig.onLoop(() -> {
                        rig.dev.setDriver("legacy", Map.of());
                        return null;
                    });
                }
                if (k == 15) {
                    rig.onLoop(() -> {
                        rig.dev.setDriver("generic", Map.of());
                        return null;
                    });
                }
                rig.replaceRoot(ROOTS[k]);
                if (k == 8) { // tbf is the root: stop its bundle mid-stream, let traffic flow, start it again
                    rig.emu.runUntil(t + MS);
                    tbfWasInUse = "tbf".equals(root(rig).kind());
                    tbf.stop();
                    assertEquals("mq", root(rig).kind(), "the device fell back to the default tree");
                    rig.emu.runUntil(t + 2 * MS);
                    tbf.start();
                    for (int i = 0; i < 100 && !"tbf".equals(root(rig).kind()); i++) Thread.sleep(50);
                    assertEquals("tbf", root(rig).kind(), "the configured tbf is re-applied when its bundle returns");
                    tbfRestarted = true;
                }
            }
            assertTrue(tbfWasInUse && tbfRestarted);
            for (int i = 0; i < 100 && !rig.gensDone(); i++) rig.emu.runUntil((105 + 10 * i) * MS);
            rig.emu.runUntil(rig.emu.loop().now() + 50 * MS); // drain qdiscs, rings and the wire
            assertTrue(rig.gensDone(), "generators finished");

            long generated = rig.generated();
            assertEquals(1_000_000, generated);
            Map<String, Long> eth = rig.onLoop(() -> rig.dev.ethtoolStats());
            DropCounters drops = rig.onLoop(() -> rig.dev.drops());
            long queued = rig.onLoop(() -> rig.dev.stats().get("qdisc_backlog_packets"));
            long nicTx = eth.get("tx_packets");
            long dropped = drops.totalPackets();
            System.out.printf("hotswap: generated %d, nic tx %d, dropped %d %s, queued %d, emulated %d ns, wall %d ms%n", generated, nicTx,
                    dropped, drops.snapshot(), queued, rig.emu.loop().now(), (System.nanoTime() - wall) / 1_000_000);
            assertEquals(0, queued, "nothing left in the qdiscs");
            assertEquals(0, drops.packets(DropReason.SWAP_FLUSH), "migrate mode frees nothing");
            assertEquals(0, drops.packets(DropReason.SWAP_OVERLIMIT), "no new qdisc was too small for what it received");
            assertEquals(0, drops.packets(DropReason.RING_FLUSH), "driver swaps give unsent descriptors back to the qdisc");
            assertEquals(generated, nicTx + dropped, "every frame is on the wire or counted as dropped with a reason");
            assertTrue(drops.packets(DropReason.QDISC_DROP) > 0, "tbf below the offered load drops by its limit");
            rig.close();

            Tshark.Report r = Tshark.read(pcap);
            System.out.println("hotswap: tshark " + r);
            assertEquals(nicTx, r.frames(), "the pcap holds exactly what the NIC sent");
            assertEquals(nicTx, r.udp());
            assertTrue(r.clean(), "no malformed frames, no bad checksums: " + r);
        } finally {
            if (tbf.getState() != Bundle.ACTIVE) tbf.start();
        }
        Files.deleteIfExists(pcap);
        Files.deleteIfExists(dir);
    }

    private static QdiscInfo root(Rig rig) throws Exception {
        return rig.onLoop(() -> rig.dev.qdiscs().get(0));
    }

    private Bundle bundle(String bsn) {
        for (Bundle b : context.getBundles()) if (bsn.equals(b.getSymbolicName())) return b;
        assertNotNull(null, "bundle " + bsn + " not installed");
        return null;
    }
}
