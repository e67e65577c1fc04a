package org.nicemu.ip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nicemu.api.emu.Device;
import org.nicemu.api.emu.DeviceSpec;
import org.nicemu.api.emu.Host;
import org.nicemu.api.exec.Timer;
import org.nicemu.api.inet.Flowi4;
import org.nicemu.api.inet.NudState;
import org.nicemu.api.nic.NicPort;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.wire.Ipv4Header;
import org.nicemu.api.wire.UdpHeader;
import org.nicemu.core.testing.DeviceHarness;
import org.nicemu.driver.generic.GenericDriverFactory;
import org.nicemu.nic.EmulatedNicFactory;
import org.nicemu.port.wire.WirePortFactory;

/**
 * DESIGN §1.9 for the IPv4 layer: once ARP has resolved, UDP over IPv4 from h1 to h2 — the
 * transport skb built from the pool, ip_queue_xmit, ip_output, neigh_output, the device, the wire,
 * h2's NIC, NAPI, ip_rcv, ip_local_deliver, the UDP handler — allocates nothing per packet.
 * Measured with the JVM's per-thread allocation counter (the loop runs on the test's thread), as
 * emulated-nic/port-wire's SteadyStateAllocationTest does.
 */
class Ipv4SteadyStateAllocationTest {
    static final int IP1 = Ipv4LayerTest.IP1, IP2 = Ipv4LayerTest.IP2;
    static final int PAYLOAD = 100;
    /** One packet every 2 µs (~130 B frames take ~1 µs at 1 Gbit/s): no queue builds up. */
    static final long GAP = 2_000;
    static final int N = 10_000;

    final DeviceHarness h = new DeviceHarness(1).nic(new EmulatedNicFactory()).driver(new GenericDriverFactory());
    Host h1, h2;
    Device d1, d2;
    final long[] received = new long[1];
    final long[] sent = new long[1];
    long budget;
    final Flowi4 fl = new Flowi4(0, IP2, Ipv4Header.IPPROTO_UDP, 0, 0, true);
    Timer sender;

    void sendOne() {
        SkBuff s = h1.allocator().allocSkb(64 + 8 + PAYLOAD);
        s.reserve(64);
        int d = s.put(8 + PAYLOAD);
        byte[] b = s.head();
        for (int i = 0; i < PAYLOAD; i++) b[d + 8 + i] = (byte) i;
        UdpHeader.write(b, d, 1000, 2000, 8 + PAYLOAD);
        UdpHeader.setChecksum(b, d, IP1, IP2, 8 + PAYLOAD);
        s.setTransportHeader(0);
        h1.ipv4().ipQueueXmit(s, fl);
        sent[0]++;
        if (--budget > 0) sender.arm(h1.loop().now() + GAP);
    }

    /** Sends {@code n} packets GAP apart and runs until they all arrived. */
    void burst(int n) {
        budget = n;
        h.inLoop(() -> sender.arm(h1.loop().now()));
        h.runUntil(h.now() + n * GAP + 10_000_000L);
    }

    @Test
    void udpOverIpv4AllocatesNothingPerPacketOnceArpResolved() {
        h.ipv4(new Ipv4Component());
        h1 = h.addHost("h1", 1);
        h2 = h.addHost("h2", 1);
        h.inLoop(() -> {
            d1 = h1.addDevice(new DeviceSpec("eth0", Ipv4LayerTest.nic(1), "generic", Map.of(), null));
            d2 = h2.addDevice(new DeviceSpec("eth0", Ipv4LayerTest.nic(2), "generic", Map.of(), null));
            WirePortFactory wires = new WirePortFactory();
            NicPort a = wires.open("eth0", 1, Map.of("name", "w", "rate", "1gbit", "delay", "1ms"));
            NicPort b = wires.open("eth0", 1, Map.of("name", "w", "rate", "1gbit", "delay", "1ms"));
            d1.attachPort(a);
            d2.attachPort(b);
            Ipv4LayerTest.addr(h1, IP1);
            Ipv4LayerTest.addr(h2, IP2);
            h2.addInetProtocol(Ipv4Header.IPPROTO_UDP, skb -> {
                received[0]++;
                skb.allocator().free(skb);
            });
            sender = h1.loop().newTimer("udp sender", this::sendOne);
        });
        // ARP resolution, then warm-up (JIT, pools, rings) twice over
        burst(1);
        assertEquals(NudState.REACHABLE, h1.inet().neigh.lookup("eth0", IP2).state);
        burst(N);
        burst(N);
        assertEquals(1 + 2 * N, received[0]);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long r0 = received[0];
        long b0 = mx.getThreadAllocatedBytes(tid);
        burst(N);
        long b1 = mx.getThreadAllocatedBytes(tid);
        long packets = received[0] - r0;
        assertEquals(N, packets, "every packet arrived");
        long bytes = b1 - b0;
        System.out.println("IPv4 steady state: " + bytes + " bytes allocated for " + packets + " packets ("
                + (double) bytes / packets + " B/packet)");
        // a burst itself (inLoop's posted Runnable, runUntil bookkeeping) may cost a few hundred bytes once
        assertEquals(0, bytes / packets, bytes + " bytes allocated for " + packets + " packets");
        assertEquals(0, h1.inet().counters.outDiscards + h1.inet().counters.arpUnresolvedDrops);
    }
}
