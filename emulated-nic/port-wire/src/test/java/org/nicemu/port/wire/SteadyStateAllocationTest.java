package org.nicemu.port.wire;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nicemu.api.emu.Device;
import org.nicemu.api.emu.DeviceSpec;
import org.nicemu.api.emu.Host;
import org.nicemu.api.nic.NicPort;
import org.nicemu.core.testing.DeviceHarness;
import org.nicemu.driver.generic.GenericDriverFactory;
import org.nicemu.nic.EmulatedNicFactory;
import org.nicemu.pktgen.PktgenComponent;

/**
 * DESIGN §1.9: in steady state the whole path — pktgen, qdisc, driver, NIC TX, the wire with loss
 * and jitter, NIC RX, NAPI, netif_receive_skb, the packet handler — allocates nothing per frame.
 * Measured with the JVM's per-thread allocation counter over the second emulated second of a
 * 1 Gbit/s stream (the loop runs on the test's thread).
 */
class SteadyStateAllocationTest {
    @Test
    void theReceivePathAllocatesNothingPerFrame() {
        DeviceHarness h = new DeviceHarness(1).nic(new EmulatedNicFactory()).driver(new GenericDriverFactory());
        Host h1 = h.addHost("h1", 2);
        Host h2 = h.addHost("h2", 2);
        Device d1 = h1.addDevice(new DeviceSpec("eth0", TwoHostsTest.nic(TwoHostsTest.MAC1), "generic", Map.of(), null));
        Device d2 = h2.addDevice(new DeviceSpec("eth0", TwoHostsTest.nic(TwoHostsTest.MAC2), "generic", Map.of(), null));
        WirePortFactory wires = new WirePortFactory();
        Map<String, String> p = Map.of("name", "w", "rate", "1gbit", "delay", "5ms", "jitter", "100us", "loss", "1%");
        NicPort a = wires.open("eth0", 4, p);
        NicPort b = wires.open("eth0", 4, p);
        long[] n = new long[1];
        h.inLoop(() -> {
            d1.attachPort(a);
            d2.attachPort(b);
            h2.addPacketHandler(0x0800, (skb, dev) -> { n[0]++; dev.host().allocator().free(skb); });
        });
        h.inLoop(() -> new PktgenComponent().start(d1, "g", Map.of("count", "400000", "pkt_size", "1000",
                "dst_mac", "02:00:00:00:00:02", "flows", "8")));
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        h.runUntil(1_000_000_000L);
        long n0 = n[0];
        long b0 = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
        h.runUntil(2_000_000_000L);
        long b1 = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
        long frames = n[0] - n0;
        assertTrue(frames > 100_000, "frames in the measured second: " + frames);
        assertTrue(b1 - b0 < frames, (b1 - b0) + " bytes allocated for " + frames + " frames");
    }
}
