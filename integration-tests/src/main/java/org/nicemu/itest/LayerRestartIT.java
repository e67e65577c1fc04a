package org.nicemu.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nicemu.api.emu.DeviceSpec;
import org.nicemu.api.emu.Emulation;
import org.nicemu.api.emu.Emulations;
import org.nicemu.api.emu.Host;
import org.nicemu.api.inet.InetAddr;
import org.nicemu.api.inet.Route;
import org.nicemu.api.nic.NicConfig;
import org.nicemu.api.nic.NicHardware;
import org.nicemu.api.nic.NicPortFactory;
import org.nicemu.api.sock.SockConst;
import org.nicemu.api.sock.SocketLayer;
import org.nicemu.apps.BulkSender;
import org.nicemu.apps.Sink;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * Layer bundles with connection state restarted under a live transfer (DESIGN §6): stopping the
 * socket layer bundle, then the TCP bundle, then the MPTCP bundle (with an MPTCP transfer) aborts the connection cleanly — the peer gets a RST,
 * the application's call completes with an error, nothing throws into the framework — and after
 * the bundle starts again a new connection delivers byte-exact.
 */
class LayerRestartIT {
    static final long MS = 1_000_000L;
    static final int IP1 = 0xc6120001, IP2 = 0xc6120002;

    @InjectService(timeout = 10_000)
    Emulations emulations;
    @InjectService(timeout = 10_000, filter = "(port.kind=wire)")
    NicPortFactory wires;
    @InjectBundleContext
    BundleContext context;

    @Test
    void stoppingSocketOrTcpAbortsWithRstAndRestartedBundlesServeNewConnections() throws Exception {
        for (String bsn : new String[] {"org.nicemu.socket", "org.nicemu.tcp", "org.nicemu.mptcp"}) {
            boolean mptcp = bsn.equals("org.nicemu.mptcp");
            int proto = mptcp ? SockConst.IPPROTO_MPTCP : SockConst.IPPROTO_TCP;
            Bundle b = bundle(bsn);
            Emulation emu = emulations.create("restart-" + bsn, 4, true);
            try {
                Host h1 = emu.addHost("h1", 1);
                Host h2 = emu.addHost("h2", 1);
                emu.call(() -> {
                    device(h1, 1, IP1, bsn);
                    device(h2, 2, IP2, bsn);
                    return null;
                });
                SocketLayer layer = layer();
                Sink sink = new Sink(layer, h2, "sink", 0, IP2, 5001);
                BulkSender bulk = new BulkSender(layer, h1, "bulk", 0, IP2, 5001, 50_000_000L, 1);
                sink.protocol(proto);
                bulk.protocol(proto);
                emu.call(() -> {
                    sink.start();
                    bulk.start();
                    return null;
                });
                emu.runUntil(100 * MS);
                assertTrue(emu.call(() -> bulk.bytesSent()) > 1_000_000L, "data flows before the restart");
                long rstsBefore = emu.call(() -> h1.inet().tcp.outRsts);
                b.stop();
                emu.runUntil(200 * MS);
                assertTrue(emu.call(() -> bulk.done()), bsn + ": the sender's pending call completed");
                String err = emu.call(() -> bulk.error());
                assertTrue(err != null && err.contains("ECONNABORTED"), bsn + ": and reported ECONNABORTED: " + err);
                assertTrue(emu.call(() -> h1.inet().tcp.outRsts) > rstsBefore, bsn + ": h1 sent a RST to its peer");
                if (bsn.equals("org.nicemu.socket")) {
                    assertEquals(0L, emu.call(() -> h2.proto(6).sockets().stream().filter(x -> x.skState == SockConst.TCP_ESTABLISHED).count()),
                            bsn + ": no connection is left established on h2");
                }
                b.start();
                SocketLayer again = null;
                for (int i = 0; i < 100 && (again = layer()) == null; i++) Thread.sleep(20);
                for (int i = 0; i < 100 && emu.call(() -> h1.proto(proto) == null || h2.proto(proto) == null); i++) Thread.sleep(20);
                assertNotNull(again, "the socket layer is back");
                SocketLayer l2 = again;
                Sink sink2 = new Sink(l2, h2, "sink2", 0, IP2, 5002);
                BulkSender bulk2 = new BulkSender(l2, h1, "bulk2", 0, IP2, 5002, 5_000_000L, 2);
                sink2.protocol(proto);
                bulk2.protocol(proto);
                emu.call(() -> {
                    sink2.start();
                    bulk2.start();
                    return null;
                });
                long t = emu.loop().now();
                for (int i = 0; i < 100 && !(bulk2.done() && sink2.done()); i++) emu.runUntil(t += 50 * MS);
                assertTrue(bulk2.done(), bsn + ": the new transfer finished");
                assertNull(bulk2.error(), bsn + ": " + bulk2.error());
                assertEquals(5_000_000L, sink2.results().get(0).bytes());
                assertEquals(bulk2.sha256(), sink2.results().get(0).sha256(), bsn + ": byte-exact after the restart");
                System.out.println("restart " + bsn + ": first transfer ended with '" + bulk.error() + "', new transfer byte-exact");
            } finally {
                if (b.getState() != Bundle.ACTIVE) b.start();
                emu.close();
            }
        }
    }

    private SocketLayer layer() {
        ServiceReference<SocketLayer> r = context.getServiceReference(SocketLayer.class);
        return r == null ? null : context.getService(r);
    }

    private void device(Host h, int n, int addr, String tag) {
        NicConfig cfg = new NicConfig(1, 256, 1_000_000_000L, 1500, new byte[] {2, 0, 0, 0, 0, (byte) n},
                NicHardware.CAP_SG | NicHardware.CAP_CSUM | NicHardware.CAP_TSO, NicConfig.Arbitration.ROUND_ROBIN, true, 0, 0);
        var d = h.addDevice(new DeviceSpec("eth0", cfg, "generic", Map.of(), null));
        d.attachPort(wires.open("eth0", 1, Map.of("name", "restart-" + tag, "rate", "1gbit", "delay", "1ms")));
        h.inet().addrs.add(new InetAddr("eth0", addr, 24));
        h.inet().fib.add(new Route(addr & 0xffffff00, 24, 0, "eth0", addr, 0, Route.Type.UNICAST));
    }

    private Bundle bundle(String bsn) {
        for (Bundle b : context.getBundles()) if (bsn.equals(b.getSymbolicName())) return b;
        throw new AssertionError("bundle " + bsn + " not installed");
    }
}
