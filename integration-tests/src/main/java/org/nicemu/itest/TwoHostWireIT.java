package org.nicemu.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nicemu.api.emu.Device;
import org.nicemu.api.emu.DeviceSpec;
import org.nicemu.api.emu.Emulation;
import org.nicemu.api.emu.Emulations;
import org.nicemu.api.emu.Host;
import org.nicemu.api.emu.PktgenService;
import org.nicemu.api.nic.NicConfig;
import org.nicemu.api.nic.NicHardware;
import org.nicemu.api.nic.NicPort;
import org.nicemu.api.nic.NicPortFactory;
import org.nicemu.core.testing.Tshark;
import org.osgi.test.common.annotation.InjectService;

/**
 * Two emulated hosts in one emulation, joined by the virtual wire bundle (port.kind=wire,
 * 1 Gbit/s, 5 ms), driven through the public services: pktgen on h1 sends 10,000 frames to h2's
 * MAC, a packet handler for 0x0800 on h2 counts them; each host captures to a pcap that tshark
 * must read with the same frame counts and nothing malformed or with a bad checksum.
 */
class TwoHostWireIT {
    static final long MS = 1_000_000L;
    static final int FRAMES = 10_000;

    @InjectService(timeout = 10_000)
    Emulations emulations;
    @InjectService(timeout = 10_000)
    PktgenService pktgen;
    @InjectService(timeout = 10_000, filter = "(port.kind=pcap)")
    NicPortFactory pcapPorts;
    @InjectService(timeout = 10_000, filter = "(port.kind=wire)")
    NicPortFactory wirePorts;

    /** What one run gave: arrivals at h2 (pktgen sequence numbers, arrival times) and the counters. */
    record Result(long sent, List<Integer> seqs, List<Long> times, long wireLost, long wireDelivered, long h2RxPackets,
            Path pcap1, Path pcap2) {
    }

    static NicConfig nic(int last) {
        return new NicConfig(4, 256, 1_000_000_000L, 1500, new byte[] {2, 0, 0, 0, 0, (byte) last},
                NicHardware.CAP_SG | NicHardware.CAP_CSUM, NicConfig.Arbitration.ROUND_ROBIN, true, 0, 0);
    }

    Result run(String name, long seed, Map<String, String> wire, Path dir) throws Exception {
        Path pcap1 = dir.resolve(name + "-h1-eth0.pcap");
        Path pcap2 = dir.resolve(name + "-h2-eth0.pcap");
        List<Integer> seqs = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        try (Emulation emu = emulations.create(name, seed, true)) {
            Host h1 = emu.addHost("h1", 2);
            Host h2 = emu.addHost("h2", 2);
            Device d1 = emu.call(() -> h1.addDevice(new DeviceSpec("eth0", nic(1), "generic", Map.of(), null)));
            Device d2 = emu.call(() -> h2.addDevice(new DeviceSpec("eth0", nic(2), "generic", Map.of(), null)));
            // ports are opened off the loop (file I/O), attached on it, as the scenario runner does
            NicPort endA = wirePorts.open("eth0", 4, wire);
            NicPort endB = wirePorts.open("eth0", 4, wire);
            NicPort cap1 = pcapPorts.open("eth0", 4, Map.of("file", pcap1.toString()));
            NicPort cap2 = pcapPorts.open("eth0", 4, Map.of("file", pcap2.toString()));
            emu.call(() -> {
                d1.attachPort(endA);
                d2.attachPort(endB);
                d1.attachPort(cap1);
                d2.attachPort(cap2);
                h2.addPacketHandler(0x0800, (skb, dev) -> {
                    byte[] b = skb.head();
                    int o = skb.dataOffset() + 20 + 8 + 4; // IPv4, UDP, pktgen magic: the sequence number
                    seqs.add(((b[o] & 0xff) << 24) | ((b[o + 1] & 0xff) << 16) | ((b[o + 2] & 0xff) << 8) | (b[o + 3] & 0xff));
                    times.add(skb.tstamp);
                    dev.host().allocator().free(skb);
                });
                return null;
            });
            PktgenService.Generator g = emu.call(() -> pktgen.start(d1, "g", Map.of("count", Integer.toString(FRAMES),
                    "pkt_size", "1000", "dst_mac", "02:00:00:00:00:02", "src", "198.18.0.1", "dst", "198.18.0.2",
                    "flows", "8")));
            emu.runUntil(1_000 * MS);
            return emu.call(() -> {
                assertTrue(g.done());
                Map<String, Long> w = endA.stats();
                return new Result(g.stats().get("sofar"), List.copyOf(seqs), List.copyOf(times), w.get("tx_lost"),
                        w.get("tx_delivered"), d2.stats().get("rx_packets"), pcap1, pcap2);
            });
        }
    }

    /** The timestamp (ns) of the first record of a little-endian nanosecond pcap. */
    static long firstTimestamp(Path pcap) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(pcap)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0xa1b23c4d, b.getInt(0), "nanosecond pcap");
        return (b.getInt(24) & 0xffffffffL) * 1_000_000_000L + (b.getInt(28) & 0xffffffffL);
    }

    @Test
    void tenThousandFramesCrossTheWireIntact() throws Exception {
        Path dir = Files.createTempDirectory("nicemu-wire");
        Result r = run("wire-clean", 5, Map.of("name", "wire-clean", "rate", "1gbit", "delay", "5ms"), dir);
        assertEquals(FRAMES, r.sent());
        assertEquals(FRAMES, r.seqs().size(), "no loss configured: every frame arrives");
        for (int i = 0; i < FRAMES; i++) assertEquals(i + 1, r.seqs().get(i), "in order");
        assertEquals(FRAMES, r.wireDelivered());
        assertEquals(FRAMES, r.h2RxPackets());
        long departure = firstTimestamp(r.pcap1());
        assertEquals(0, departure);
        assertEquals(departure + 8_000 + 5 * MS, r.times().get(0), "departure + 1000 B at 1 Gbit/s + 5 ms");
        assertEquals(r.times().get(0), firstTimestamp(r.pcap2()), "h2's capture stamps the arrival");
        Tshark.Report t1 = Tshark.read(r.pcap1());
        Tshark.Report t2 = Tshark.read(r.pcap2());
        assertEquals(FRAMES, t1.frames(), t1.toString());
        assertEquals(FRAMES, t2.frames(), t2.toString());
        assertTrue(t1.clean() && t2.clean(), t1 + " " + t2);
        assertEquals(FRAMES, t2.udp());
    }

    @Test
    void onePercentLossIsExactlyWhatTheWireCountsAndRepeatsWithTheSeed() throws Exception {
        Path dir = Files.createTempDirectory("nicemu-wire-loss");
        // the wire's random stream is named after the wire: the same name in every run
        Map<String, String> wire = Map.of("name", "lossy", "rate", "1gbit", "delay", "5ms", "loss", "1%");
        Result a = run("wire-loss-a", 5, wire, dir);
        Result b = run("wire-loss-b", 5, wire, dir);
        assertTrue(a.wireLost() > 50 && a.wireLost() < 150, "about 1 %: " + a.wireLost());
        assertEquals(FRAMES - a.wireLost(), a.seqs().size(), "the handler counts sent - lost");
        assertEquals(FRAMES - a.wireLost(), a.h2RxPackets());
        assertEquals(a.seqs(), b.seqs(), "same seed: the same frames lost");
        assertEquals(a.times(), b.times());
        Tshark.Report t1 = Tshark.read(a.pcap1());
        Tshark.Report t2 = Tshark.read(a.pcap2());
        assertEquals(FRAMES, t1.frames());
        assertEquals(FRAMES - a.wireLost(), t2.frames());
        assertTrue(t1.clean() && t2.clean(), t1 + " " + t2);
        Result c = run("wire-loss-c", 6, wire, dir);
        assertNotEquals(a.seqs(), c.seqs(), "another seed loses other frames");
    }
}
