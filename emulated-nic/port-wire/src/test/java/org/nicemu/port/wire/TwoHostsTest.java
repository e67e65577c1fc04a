package org.nicemu.port.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nicemu.api.emu.Device;
import org.nicemu.api.emu.DeviceSpec;
import org.nicemu.api.emu.Host;
import org.nicemu.api.emu.PktgenService;
import org.nicemu.api.nic.NicConfig;
import org.nicemu.api.nic.NicHardware;
import org.nicemu.api.nic.NicPort;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.core.testing.DeviceHarness;
import org.nicemu.core.testing.DeviceHarness.RecordingPort;
import org.nicemu.driver.generic.GenericDriverFactory;
import org.nicemu.nic.EmulatedNicFactory;
import org.nicemu.pktgen.PktgenComponent;

/**
 * Two emulated hosts in one emulation joined by a wire (1 Gbit/s, 5 ms): pktgen on h1 sends to
 * h2's MAC, a packet handler on h2 counts what arrives — the whole path from dev_queue_xmit on
 * h1 through the NIC, the wire, h2's NIC, RSS, NAPI and netif_receive_skb to the handler.
 */
class TwoHostsTest {
    static final byte[] MAC1 = {2, 0, 0, 0, 0, 1}, MAC2 = {2, 0, 0, 0, 0, 2};

    /** One run: what arrived at h2 (pktgen sequence numbers and arrival times) and the wire's counters. */
    record Run(List<Integer> seqs, List<Long> times, RecordingPort tx1, RecordingPort rx2, Map<String, Long> wireA,
            Map<String, Long> dev2, long generated) {
    }

    static NicConfig nic(byte[] mac) {
        return new NicConfig(4, 256, 1_000_000_000L, 1500, mac, NicHardware.CAP_SG | NicHardware.CAP_CSUM,
                NicConfig.Arbitration.ROUND_ROBIN, true, 0, 0);
    }

    static Run run(long seed, Map<String, String> wireParams) {
        DeviceHarness h = new DeviceHarness(seed).nic(new EmulatedNicFactory()).driver(new GenericDriverFactory());
        Host h1 = h.addHost("h1", 2);
        Host h2 = h.addHost("h2", 2);
        Device d1 = h1.addDevice(new DeviceSpec("eth0", nic(MAC1), "generic", Map.of(), null));
        Device d2 = h2.addDevice(new DeviceSpec("eth0", nic(MAC2), "generic", Map.of(), null));
        WirePortFactory wires = new WirePortFactory();
        NicPort a = wires.open("eth0", 4, wireParams);
        NicPort b = wires.open("eth0", 4, wireParams);
        RecordingPort tx1 = new RecordingPort();
        RecordingPort rx2 = new RecordingPort();
        List<Integer> seqs = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        h.inLoop(() -> {
            d1.attachPort(a);
            d2.attachPort(b);
            d1.attachPort(tx1);
            d2.attachPort(rx2);
            h2.addPacketHandler(0x0800, (skb, dev) -> {
                seqs.add(seq(skb));
                times.add(skb.tstamp);
                dev.host().allocator().free(skb);
            });
        });
        PktgenService.Generator[] g = new PktgenService.Generator[1];
        h.inLoop(() -> g[0] = new PktgenComponent().start(d1, "g", Map.of("count", "10000", "pkt_size", "1000",
                "dst_mac", "02:00:00:00:00:02", "src", "198.18.0.1", "dst", "198.18.0.2", "flows", "8")));
        h.runUntil(1_000_000_000L);
        assertTrue(g[0].done());
        return new Run(seqs, times, tx1, rx2, a.stats(), d2.stats(), g[0].stats().get("sofar"));
    }

    /** The pktgen sequence number: after IPv4 (20) and UDP (8) headers, after the magic. */
    static int seq(SkBuff skb) {
        byte[] b = skb.head();
        int o = skb.dataOffset() + 20 + 8 + 4;
        return ((b[o] & 0xff) << 24) | ((b[o + 1] & 0xff) << 16) | ((b[o + 2] & 0xff) << 8) | (b[o + 3] & 0xff);
    }

    @Test
    void everyFrameArrivesOneSerializationAndFiveMillisecondsLater() {
        Run r = run(1, Map.of("name", "w", "rate", "1gbit", "delay", "5ms"));
        assertEquals(10_000, r.generated());
        assertEquals(10_000, r.seqs().size(), "no loss configured: all arrive");
        for (int i = 0; i < 10_000; i++) assertEquals(i + 1, r.seqs().get(i), "in order");
        long departure = r.tx1().times().get(0);
        assertEquals(0, departure);
        assertEquals(departure + 8_000 + 5_000_000L, r.times().get(0), "1000 bytes at 1 Gbit/s, then 5 ms");
        assertEquals(departure + 8_000 + 5_000_000L, r.rx2().rxTimes().get(0), "h2's capture sees it at its arrival");
        // pktgen at the NIC's line rate with preamble/IFG: 8192 ns apart; the wire needs 8000 of them
        for (int i = 0; i < 10_000; i++) {
            assertEquals(r.tx1().times().get(i) + 8_000 + 5_000_000L, r.times().get(i), "frame " + i);
        }
        assertEquals(10_000, r.rx2().rxFrames().size());
        assertEquals(10_000L, r.wireA().get("tx_delivered"));
        assertEquals(10_000L, r.dev2().get("rx_packets"));
        assertEquals(0L, r.dev2().get("rx_dropped"));
    }

    @Test
    void onePercentLossLosesWhatTheWireCountsAndTheSameSeedLosesTheSameFrames() {
        Map<String, String> p = Map.of("name", "w", "rate", "1gbit", "delay", "5ms", "loss", "1%");
        Run r = run(1, p);
        long lost = r.wireA().get("tx_lost");
        assertEquals(83, lost, "seed 1: 83 of 10000");
        assertEquals(10_000 - lost, r.seqs().size());
        assertEquals(10_000 - lost, r.rx2().rxFrames().size(), "h2's capture shows what arrived");
        assertEquals(10_000, r.tx1().frames().size(), "h1's capture shows what was sent");
        Run again = run(1, p);
        assertEquals(r.seqs(), again.seqs(), "same seed, same frames lost");
        assertEquals(r.times(), again.times());
        Run other = run(2, p);
        assertTrue(!r.seqs().equals(other.seqs()), "another seed loses others");
    }
}
