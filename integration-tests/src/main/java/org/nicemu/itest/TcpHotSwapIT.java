package org.nicemu.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nicemu.api.emu.Device;
import org.nicemu.api.emu.DeviceSpec;
import org.nicemu.api.emu.Emulation;
import org.nicemu.api.emu.Emulations;
import org.nicemu.api.emu.Host;
import org.nicemu.api.emu.TcRequest;
import org.nicemu.api.inet.InetAddr;
import org.nicemu.api.inet.Route;
import org.nicemu.api.nic.NicConfig;
import org.nicemu.api.nic.NicHardware;
import org.nicemu.api.nic.NicPortFactory;
import org.nicemu.api.qdisc.QdiscParams;
import org.nicemu.api.sock.Proto;
import org.nicemu.api.sock.Sock;
import org.nicemu.api.sock.SockConst;
import org.nicemu.api.sock.SocketLayer;
import org.nicemu.apps.BulkSender;
import org.nicemu.apps.FlowResult;
import org.nicemu.apps.Sink;
import org.nicemu.apps.TcpOptions;
import org.nicemu.core.testing.Tshark;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * Hot swaps on a live 200 MB TCP transfer (h1 → h2, 1 Gbit/s wire, 5 ms): the root qdisc of h1 is
 * replaced 10 times, the connection's congestion control switched CUBIC ↔ Reno 5 times
 * (TCP_CONGESTION on the live socket), the CUBIC bundle stopped (the socket falls back to the
 * default, built-in Reno here) and started again (the socket gets CUBIC back), and the IPv4 bundle
 * updated once. The stream must arrive byte-exact (SHA-256 at both ends) with no connection reset,
 * and the sender's capture must be clean in tshark.
 */
class TcpHotSwapIT {
    static final long MS = 1_000_000L;
    static final int IP1 = 0xc6120001, IP2 = 0xc6120002;
    static final long BYTES = 200_000_000L;
    static final String[] ROOTS = {"pfifo limit 3000", "bfifo limit 4mb", "prio", "tbf rate 900mbit burst 256kb latency 20ms",
        "pfifo_fast", "pfifo limit 2000", "prio bands 3", "tbf rate 950mbit burst 512kb limit 4mb", "mq", "pfifo_fast"};

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
    void twoHundredMegabytesSurviveQdiscCcAndIpSwaps() throws Exception {
        Path dir = Files.createTempDirectory("nicemu-tcp-hotswap");
        Path pcap = dir.resolve("h1-eth0.pcap");
        Bundle ip = bundle("org.nicemu.ip");
        Bundle cubic = bundle("org.nicemu.tcp.cc.cubic");
        long wall = System.nanoTime();
        Emulation emu = emulations.create("tcp-hotswap", 3, true);
        try {
            Host h1 = emu.addHost("h1", 2);
            Host h2 = emu.addHost("h2", 2);
            Device d1 = emu.call(() -> device(h1, 1, IP1));
            emu.call(() -> device(h2, 2, IP2));
            emu.call(() -> {
                d1.attachPort(pcaps.open("eth0", 4, Map.of("file", pcap.toString())));
                return null;
            });
            Sink sink = emu.call(() -> new Sink(layer, h2, "sink", 0, IP2, 5001).maxConnections(1));
            BulkSender bulk = emu.call(() -> new BulkSender(layer, h1, "bulk", 0, IP2, 5001, BYTES, 99)
                    .options(new TcpOptions("cubic", null, null, null)));
            emu.call(() -> {
                sink.start();
                bulk.start();
                return null;
            });
            long t = 0;
            int qdiscSwaps = 0, ccSwaps = 0;
            boolean ipUpdated = false, cubicBounced = false;
            for (int k = 0; k < 2000 && !(bulk.done() && sink.done()); k++) {
                t += 50 * MS;
                emu.runUntil(t);
                if (bulk.done()) continue;
                if (k >= 2 && k < 12) {
                    replaceRoot(emu, d1, ROOTS[k - 2]);
                    qdiscSwaps++;
                } else if (k >= 13 && k < 18) {
                    String cc = ccSwaps % 2 == 0 ? "reno" : "cubic";
                    assertEquals(cc, emu.call(() -> setCc(h1, cc)));
                    ccSwaps++;
                } else if (k == 12) {
                    assertEquals("cubic", emu.call(() -> ccOf(h1)));
                    cubic.stop(); // the socket runs cubic now: it must fall back without breaking
                    assertEquals("reno", emu.call(() -> ccOf(h1)));
                    emu.runUntil(t + 20 * MS);
                    cubic.start();
                    for (int i = 0; i < 100 && !"cubic".equals(emu.call(() -> ccOf(h1))); i++) Thread.sleep(20);
                    assertEquals("cubic", emu.call(() -> ccOf(h1)), "the wanted algorithm comes back with its bundle");
                    cubicBounced = true;
                } else if (k == 18) {
                    ip.update();
                    for (int i = 0; i < 100 && emu.call(() -> h1.ipv4() == null || h2.ipv4() == null); i++) Thread.sleep(20);
                    assertNotNull(emu.call(() -> h1.ipv4()), "the updated IPv4 bundle is bound again");
                    ipUpdated = true;
                }
            }
            emu.runUntil(t + 200 * MS);
            assertEquals(10, qdiscSwaps);
            assertEquals(5, ccSwaps);
            assertTrue(cubicBounced && ipUpdated, "all swaps happened while the transfer ran");
            assertTrue(bulk.done() && sink.done(), "transfer finished");
            assertNull(bulk.error(), "sender: " + bulk.error());
            List<FlowResult> got = sink.results();
            assertEquals(1, got.size());
            assertNull(got.get(0).error(), got.get(0).toString());
            assertEquals(BYTES, bulk.bytesSent());
            assertEquals(BYTES, got.get(0).bytes());
            assertEquals(bulk.sha256(), got.get(0).sha256(), "byte-exact at both ends");
            long resets = emu.call(() -> h1.inet().tcp.estabResets + h2.inet().tcp.estabResets + h1.inet().tcp.outRsts
                    + h2.inet().tcp.outRsts);
            assertEquals(0, resets, "no connection reset");
            System.out.printf("tcp hotswap: %d bytes in %d ms emulated, wall %d ms, retrans %d, %s%n", BYTES,
                    emu.loop().now() / MS, (System.nanoTime() - wall) / 1_000_000, emu.call(() -> h1.inet().tcp.retransSegs),
                    bulk.results().get(0).tcpInfo() == null ? "" : bulk.results().get(0).tcpInfo().ssLine().replace('\n', ' '));
        } finally {
            if (ip.getState() != Bundle.ACTIVE) ip.start();
            if (cubic.getState() != Bundle.ACTIVE) cubic.start();
            emu.close();
        }
        Tshark.Report r = Tshark.read(pcap);
        System.out.println("tcp hotswap: tshark " + r);
        assertTrue(r.frames() > 100_000, r.toString());
        assertTrue(r.clean() && r.badTcp() == 0, r.toString());
        Files.deleteIfExists(pcap);
        Files.deleteIfExists(dir);
    }

    private Device device(Host h, int n, int addr) {
        NicConfig cfg = new NicConfig(4, 256, 1_000_000_000L, 1500, new byte[] {2, 0, 0, 0, 0, (byte) n},
                NicHardware.CAP_SG | NicHardware.CAP_CSUM | NicHardware.CAP_TSO, NicConfig.Arbitration.ROUND_ROBIN, true, 0, 0);
        Device d = h.addDevice(new DeviceSpec("eth0", cfg, "generic", Map.of(), null));
        d.attachPort(wires.open("eth0", 4, Map.of("name", "tcp-hotswap-w", "rate", "1gbit", "delay", "5ms")));
        h.inet().addrs.add(new InetAddr("eth0", addr, 24));
        h.inet().fib.add(new Route(addr & 0xffffff00, 24, 0, "eth0", addr, 0, Route.Type.UNICAST));
        return d;
    }

    private static void replaceRoot(Emulation emu, Device d, String kindAndParams) throws Exception {
        String[] w = kindAndParams.trim().split("\\s+");
        QdiscParams p = QdiscParams.parse(List.of(w).subList(1, w.length), java.util.Set.of());
        emu.call(() -> {
            d.tc(new TcRequest(TcRequest.Op.REPLACE, "root", null, w[0], p, true));
            return null;
        });
    }

    /** TCP_CONGESTION on h1's established connection; returns what getsockopt reads back. */
    private static String setCc(Host h, String cc) {
        Proto p = h.proto(SockConst.IPPROTO_TCP);
        for (Sock sk : p.sockets()) {
            if (sk.skState != SockConst.TCP_ESTABLISHED) continue;
            int r = p.setsockopt(sk, SockConst.IPPROTO_TCP, SockConst.TCP_CONGESTION, cc);
            if (r != 0) return SockConst.errnoName(r);
            return p.getsockoptString(sk, SockConst.IPPROTO_TCP, SockConst.TCP_CONGESTION);
        }
        return "no established socket";
    }

    private static String ccOf(Host h) {
        Proto p = h.proto(SockConst.IPPROTO_TCP);
        for (Sock sk : p.sockets()) {
            if (sk.skState == SockConst.TCP_ESTABLISHED) return p.info(sk).cc();
        }
        return "no established socket";
    }

    private Bundle bundle(String bsn) {
        for (Bundle b : context.getBundles()) if (bsn.equals(b.getSymbolicName())) return b;
        throw new AssertionError("bundle " + bsn + " not installed");
    }
}
