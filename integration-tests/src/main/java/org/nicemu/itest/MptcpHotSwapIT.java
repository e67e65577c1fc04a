package org.nicemu.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.nicemu.api.inet.InetAddr;
import org.nicemu.api.inet.Route;
import org.nicemu.api.mptcp.info.MptcpInfo;
import org.nicemu.api.mptcp.info.MptcpInfoSource;
import org.nicemu.api.mptcp.pm.MptcpEndpoint;
import org.nicemu.api.nic.NicConfig;
import org.nicemu.api.nic.NicHardware;
import org.nicemu.api.nic.NicPortFactory;
import org.nicemu.api.sock.Proto;
import org.nicemu.api.sock.Sock;
import org.nicemu.api.sock.SockConst;
import org.nicemu.api.sock.SocketLayer;
import org.nicemu.apps.BulkSender;
import org.nicemu.apps.FlowResult;
import org.nicemu.apps.Sink;
import org.nicemu.core.testing.Tshark;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * Scheduler hot swaps on a live 100 MB MPTCP transfer inside Felix, over two paths (100 Mbit/s
 * 10 ms, 50 Mbit/s 40 ms): the connection's scheduler is set 10 times across the five scheduler
 * bundles (MPTCP_SCHEDULER on the live socket), then the bundle of the scheduler in use is stopped
 * (the connection moves to {@code default}) and started again (the wanted scheduler comes back).
 * The stream must arrive byte-exact over two subflows with no reset, the data-level counters must
 * reconcile, and h1's captures must read clean in tshark with MPTCP analysis.
 */
class MptcpHotSwapIT {
    static final long MS = 1_000_000L;
    static final int A1 = 0xc6120101, A2 = 0xc6120201, B1 = 0xc6120102, B2 = 0xc6120202;
    static final long BYTES = 100_000_000L;
    static final String[] ORDER = {"roundrobin", "blest", "redundant", "ecf", "default", "redundant", "blest", "ecf", "default", "roundrobin"};

    @InjectService(timeout = 10_000)
    Emulations emulations;
    @InjectService(timeout = 10_000)
    SocketLayer layer;
    @InjectService(timeout = 10_000, filter = "(port.kind=wire)")
    NicPortFactory wires;
    @InjectService(timeout = 10_000, filter = "(port.kind=pcap)")
    NicPortFactory pcaps;
    @InjectBundleContext
    BundleContext context;

    @Test
    void hundredMegabytesSurviveTenSchedulerSwapsAndABundleStop() throws Exception {
        Path dir = Files.createTempDirectory("nicemu-mptcp-hotswap");
        Bundle rr = bundle("org.nicemu.mptcp.sched.roundrobin");
        long wall = System.nanoTime();
        Emulation emu = emulations.create("mptcp-hotswap", 5, true);
        try {
            Host h1 = emu.addHost("h1", 2);
            Host h2 = emu.addHost("h2", 2);
            emu.call(() -> {
                device(h1, "eth0", 0x10, A1, Map.of("name", "mp-w0", "rate", "100mbit", "delay", "10ms"), dir.resolve("h1-eth0.pcap"));
                device(h1, "eth1", 0x11, A2, Map.of("name", "mp-w1", "rate", "50mbit", "delay", "40ms"), dir.resolve("h1-eth1.pcap"));
                device(h2, "eth0", 0x20, B1, Map.of("name", "mp-w0", "rate", "100mbit", "delay", "10ms"), null);
                device(h2, "eth1", 0x21, B2, Map.of("name", "mp-w1", "rate", "50mbit", "delay", "40ms"), null);
                h2.inet().mptcp.addEndpoint(2, B2, 0, "eth1", MptcpEndpoint.SIGNAL);
                h1.inet().mptcp.setLimits(2, 1);
                return null;
            });
            // the listener stays open (no maxConnections) so that the MP_JOIN can reach it
            Sink sink = emu.call(() -> new Sink(layer, h2, "sink", 0, 0, 5001));
            BulkSender bulk = emu.call(() -> new BulkSender(layer, h1, "bulk", 0, B1, 5001, BYTES, 17));
            emu.call(() -> {
                sink.protocol(SockConst.IPPROTO_MPTCP);
                bulk.protocol(SockConst.IPPROTO_MPTCP);
                sink.start();
                bulk.start();
                return null;
            });
            long t = 0;
            List<String> seen = new ArrayList<>();
            boolean bounced = false;
            int swaps = 0;
            MptcpInfo last = null;
            for (int k = 0; k < 4000 && !bulk.done(); k++) {
                t += 50 * MS;
                emu.runUntil(t);
                if (bulk.done() || k < 10) continue;
                last = emu.call(() -> infoOrNull(h1));
                if (swaps < ORDER.length && k % 5 == 0) {
                    String want = ORDER[swaps++];
                    seen.add(emu.call(() -> setScheduler(h1, want)));
                } else if (swaps == ORDER.length && !bounced) {
                    // roundrobin is in use: its bundle goes away, the connection moves to default
                    assertEquals("roundrobin", emu.call(() -> schedulerOf(h1)));
                    rr.stop();
                    assertEquals("default", emu.call(() -> schedulerOf(h1)), "moved to default when the bundle stopped");
                    emu.runUntil(t + 20 * MS);
                    rr.start();
                    for (int i = 0; i < 100 && !"roundrobin".equals(emu.call(() -> schedulerOf(h1))); i++) Thread.sleep(20);
                    assertEquals("roundrobin", emu.call(() -> schedulerOf(h1)), "the wanted scheduler comes back with its bundle");
                    bounced = true;
                }
            }
            assertEquals(List.of(ORDER), seen, "each swap read back through getsockopt");
            assertTrue(bounced, "the bundle was stopped and started during the transfer");
            long resetsDuringTransfer = emu.call(() -> h1.inet().tcp.outRsts + h2.inet().tcp.outRsts + h1.inet().tcp.estabResets
                    + h2.inet().tcp.estabResets);
            emu.runUntil(t + 2000 * MS);
            assertTrue(bulk.done(), "transfer finished");
            assertNull(bulk.error(), "sender: " + bulk.error());
            List<FlowResult> got = sink.results();
            assertEquals(1, got.size(), "one connection (the join is a subflow, not a connection): " + got);
            assertNull(got.get(0).error(), got.get(0).toString());
            assertEquals(BYTES, got.get(0).bytes());
            assertEquals(bulk.sha256(), got.get(0).sha256(), "byte-exact at both ends");
            assertEquals(0, resetsDuringTransfer, "no reset while the data flowed");
            // the last view of the connection while it carried data: the books balance at any time
            MptcpInfo client = last;
            assertTrue(client != null, "the connection was seen");
            assertTrue(client.bytesSent() > BYTES / 2, "seen late in the transfer: " + client.bytesSent());
            assertEquals(2, client.subflows().size(), "two subflows: " + client.subflows());
            long carried = 0;
            for (MptcpInfo.Subflow s : client.subflows()) {
                assertTrue(s.schedBytes() > 1_000_000, "subflow " + s.pathIndex() + " carried data: " + s.ssLine());
                carried += s.schedBytes() - s.reinjectBytes();
            }
            assertEquals(client.bytesSent(), carried, "new data over the subflows adds up to the data sent");
            assertEquals(1 + ORDER.length + 2, client.schedulerChanges(), "first assignment, 10 swaps, bundle stop, bundle back");
            System.out.printf("mptcp hotswap: %d bytes in %d ms emulated, wall %d ms%n%s", BYTES, emu.loop().now() / MS,
                    (System.nanoTime() - wall) / 1_000_000, client.ssLines());
        } finally {
            if (rr.getState() != Bundle.ACTIVE) rr.start();
            emu.close();
        }
        for (String f : List.of("h1-eth0.pcap", "h1-eth1.pcap")) {
            Tshark.Report r = Tshark.readMptcp(dir.resolve(f));
            System.out.println("mptcp hotswap: tshark " + f + " " + r);
            assertTrue(r.frames() > 10_000, r.toString());
            assertTrue(r.clean() && r.badTcp() == 0, r.toString());
            Files.deleteIfExists(dir.resolve(f));
        }
        Files.deleteIfExists(dir);
    }

    private Device device(Host h, String name, int mac, int addr, Map<String, String> wire, Path pcap) {
        NicConfig cfg = new NicConfig(1, 256, 1_000_000_000L, 1500, new byte[] {2, 0, 0, 0, 0, (byte) mac},
                NicHardware.CAP_SG | NicHardware.CAP_CSUM | NicHardware.CAP_TSO, NicConfig.Arbitration.ROUND_ROBIN, true, 0, 0);
        Device d = h.addDevice(new DeviceSpec(name, cfg, "generic", Map.of(), null));
        d.attachPort(wires.open(name, 1, wire));
        if (pcap != null) d.attachPort(pcaps.open(name, 1, Map.of("file", pcap.toString())));
        h.inet().addrs.add(new InetAddr(name, addr, 24));
        h.inet().fib.add(new Route(addr & 0xffffff00, 24, 0, name, addr, 0, Route.Type.UNICAST));
        return d;
    }

    private static Sock connection(Host h) {
        for (Sock sk : h.proto(SockConst.IPPROTO_MPTCP).sockets()) if (sk.skState != SockConst.TCP_LISTEN) return sk;
        throw new AssertionError("no MPTCP connection on " + h.name());
    }

    /** MPTCP_SCHEDULER on h1's connection; returns what getsockopt reads back. */
    private static String setScheduler(Host h, String name) {
        Proto p = h.proto(SockConst.IPPROTO_MPTCP);
        Sock sk = connection(h);
        int r = p.setsockopt(sk, SockConst.SOL_TCP, SockConst.MPTCP_SCHEDULER, name);
        if (r != 0) return SockConst.errnoName(r);
        return p.getsockoptString(sk, SockConst.SOL_TCP, SockConst.MPTCP_SCHEDULER);
    }

    private static String schedulerOf(Host h) {
        return info(h).scheduler();
    }

    private static MptcpInfo infoOrNull(Host h) {
        for (Sock sk : h.proto(SockConst.IPPROTO_MPTCP).sockets()) {
            if (sk.skState != SockConst.TCP_LISTEN) return ((MptcpInfoSource) h.proto(SockConst.IPPROTO_MPTCP)).mptcpInfo(sk);
        }
        return null;
    }

    private static MptcpInfo info(Host h) {
        Proto p = h.proto(SockConst.IPPROTO_MPTCP);
        return ((MptcpInfoSource) p).mptcpInfo(connection(h));
    }

    private Bundle bundle(String bsn) {
        for (Bundle b : context.getBundles()) if (bsn.equals(b.getSymbolicName())) return b;
        throw new AssertionError("bundle " + bsn + " not installed");
    }
}
