package org.nicemu.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nicemu.api.emu.Commands;
import org.nicemu.api.emu.Device;
import org.nicemu.api.emu.DeviceSpec;
import org.nicemu.api.emu.Emulation;
import org.nicemu.api.emu.Emulations;
import org.nicemu.api.emu.Host;
import org.nicemu.api.nic.NicPort;
import org.nicemu.api.nic.NicPortFactory;
import org.nicemu.core.testing.Tshark;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * Two hosts on the wire (1 Gbit/s, 1 ms) configured with {@code ip addr add} through the Commands
 * service; {@code ping -c 10} from h1 to h2, the IP bundle stopped and started, ping again: the
 * neighbour entry survived in InetNs (no new ARP request), and h1's pcap is clean for tshark.
 */
class PingIT {
    @InjectService(timeout = 10_000)
    Emulations emulations;
    @InjectService(timeout = 10_000)
    Commands commands;
    @InjectService(timeout = 10_000, filter = "(port.kind=pcap)")
    NicPortFactory pcapPorts;
    @InjectService(timeout = 10_000, filter = "(port.kind=wire)")
    NicPortFactory wirePorts;
    @InjectBundleContext
    BundleContext context;

    @Test
    void tenPingsThenTheIpBundleRestartsAndPingStillWorks() throws Exception {
        Path pcap = Files.createTempDirectory("nicemu-ping").resolve("h1-eth0.pcap");
        Bundle ip = null;
        for (Bundle b : context.getBundles()) if ("org.nicemu.ip".equals(b.getSymbolicName())) ip = b;
        assertNotNull(ip, "bundle org.nicemu.ip installed");
        try (Emulation emu = emulations.create("ping", 1, true)) {
            Host h1 = emu.addHost("h1", 1);
            Host h2 = emu.addHost("h2", 1);
            Device d1 = emu.call(() -> h1.addDevice(new DeviceSpec("eth0", TwoHostWireIT.nic(1), "generic", Map.of(), null)));
            Device d2 = emu.call(() -> h2.addDevice(new DeviceSpec("eth0", TwoHostWireIT.nic(2), "generic", Map.of(), null)));
            Map<String, String> wire = Map.of("name", "pw", "rate", "1gbit", "delay", "1ms");
            NicPort a = wirePorts.open("eth0", 4, wire);
            NicPort b = wirePorts.open("eth0", 4, wire);
            NicPort cap = pcapPorts.open("eth0", 4, Map.of("file", pcap.toString()));
            emu.call(() -> {
                d1.attachPort(a);
                d2.attachPort(b);
                d1.attachPort(cap);
                return null;
            });
            RuntimeException unreachable = assertThrows(RuntimeException.class, () -> commands.execute(emu, "h1", "ping -c 1 198.18.0.2"));
            assertTrue(unreachable.getMessage().startsWith("ping: connect: Network is unreachable: host h1 has no route to 198.18.0.2"), unreachable.getMessage());
            assertEquals(0L, emu.call(() -> h1.inet().counters.icmpOutEchos), "nothing sent without a route");
            commands.execute(emu, "h1", "ip addr add 198.18.0.1/24 dev eth0");
            commands.execute(emu, "h2", "ip addr add 198.18.0.2/24 dev eth0");
            assertTrue(commands.execute(emu, "h1", "ip route show").contains("198.18.0.0/24 dev eth0 proto kernel scope link src 198.18.0.1"));
            String out = commands.execute(emu, "h1", "ping -c 10 198.18.0.2");
            assertTrue(out.contains("10 packets transmitted, 10 received, 0% packet loss"), out);
            long requests = emu.call(() -> h1.inet().counters.arpRequestsOut);
            ip.stop();
            assertEquals(null, emu.call(() -> h1.ipv4()), "no IP layer while the bundle is stopped");
            ip.start();
            for (int i = 0; i < 100 && emu.call(() -> h1.ipv4()) == null; i++) Thread.sleep(20);
            assertNotNull(emu.call(() -> h1.ipv4()), "the IP layer is back");
            String again = commands.execute(emu, "h1", "ping -c 3 198.18.0.2");
            assertTrue(again.contains("3 packets transmitted, 3 received, 0% packet loss"), again);
            assertEquals(requests, emu.call(() -> h1.inet().counters.arpRequestsOut), "the neighbour entry survived: no new ARP request");
            assertTrue(commands.execute(emu, "h1", "ip neigh show").contains("198.18.0.2 dev eth0 lladdr 02:00:00:00:00:02"));

            // an on-link address nobody answers for: ARP fails after 3 requests, and the queued echo
            // requests come back as ICMP host unreachable (arp_error_report), as iputils prints them
            String none = commands.execute(emu, "h1", "ping -c 3 198.18.0.9");
            for (int seq = 1; seq <= 3; seq++) {
                assertTrue(none.contains("From 198.18.0.1 icmp_seq=" + seq + " Destination Host Unreachable"), none);
            }
            assertTrue(none.contains("3 packets transmitted, 0 received, +3 errors, 100% packet loss"), none);
            assertEquals(3L, emu.call(() -> h1.inet().counters.arpUnresolvedDrops), "the three queued echo requests");
            assertEquals(3L, emu.call(() -> h1.inet().counters.icmpOutDestUnreachs), "one host unreachable each");
            assertEquals(3L, emu.call(() -> h1.inet().counters.icmpInDestUnreachs), "received on the host itself");
            assertTrue(commands.execute(emu, "h1", "ip neigh show").contains("198.18.0.9 dev eth0 FAILED"));

            // its own address: through the host itself (Linux: lo), nothing on the wire
            long framesOut = emu.call(() -> h1.inet().counters.outFrames);
            String self = commands.execute(emu, "h1", "ping -c 2 198.18.0.1");
            assertTrue(self.contains("64 bytes from 198.18.0.1: icmp_seq=2 ttl=64 time=0.000 ms"), self);
            assertTrue(self.contains("2 packets transmitted, 2 received, 0% packet loss"), self);
            assertEquals(3L + 4L, emu.call(() -> h1.inet().counters.loopback), "three errors before, now two echoes and two replies");
            assertEquals(framesOut, emu.call(() -> h1.inet().counters.outFrames), "no frame for it");
        }
        Tshark.Report t = Tshark.read(pcap);
        assertTrue(t.clean(), t.toString());
        // at least: 2 ARP frames sent (gratuitous + request), 13 echo requests, the ARP reply, 13 echo replies
        assertTrue(t.frames() >= 2 + 13 + 1 + 13, t.toString());
    }
}
