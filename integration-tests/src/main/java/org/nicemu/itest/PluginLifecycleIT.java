package org.nicemu.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.Test;
import org.nicemu.api.emu.Emulations;
import org.nicemu.api.emu.PktgenService;
import org.nicemu.api.nic.NicPortFactory;
import org.nicemu.api.stats.DropCounters;
import org.nicemu.api.stats.DropReason;
import org.nicemu.core.testing.Tshark;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;

/**
 * Plugin bundles in use are updated, uninstalled, reinstalled and stopped while traffic flows: the
 * devices fall back (default qdisc tree, generic driver) and get the configured choice back when
 * the bundle returns; no packet is lost to the swaps and no error reaches the framework.
 */
class PluginLifecycleIT {
    static final long MS = 1_000_000L;

    @InjectService(timeout = 10_000)
    Emulations emulations;
    @InjectService(timeout = 10_000)
    PktgenService pktgen;
    @InjectService(timeout = 10_000, filter = "(port.kind=pcap)")
    NicPortFactory pcapPorts;
    @InjectBundleContext
    BundleContext context;

    @Test
    void updateUninstallReinstallAndStopPluginsInUse() throws Exception {
        List<FrameworkEvent> errors = new ArrayList<>();
        FrameworkListener fl = e -> {
            if (e.getType() == FrameworkEvent.ERROR) errors.add(e);
        };
        context.addFrameworkListener(fl);
        Path dir = Files.createTempDirectory("nicemu-lifecycle");
        Path pcap = dir.resolve("h1-eth0.pcap");
        try (Rig rig = new Rig(emulations, "lifecycle", 5, pcapPorts, pcap)) {
            rig.onLoop(() -> {
                rig.dev.setTxQueueLen(20_000);
                return null;
            });
            rig.generator(pktgen, "g", Map.of("count", "200000", "pkt_size", "256", "rate", "9gbit", "flows", "8"));
            rig.replaceRoot("tbf rate 6gbit burst 64kb limit 1mb");
            rig.emu.runUntil(5 * MS);

            Bundle tbf = bundle("org.nicemu.qdisc.tbf");
            tbf.update();
            refresh(tbf);
            waitFor(() -> "tbf".equals(rootKind(rig)), "tbf is re-applied after the bundle update");
            rig.emu.runUntil(10 * MS);

            String location = tbf.getLocation();
            tbf.uninstall();
            refresh(tbf);
            waitFor(() -> "mq".equals(rootKind(rig)), "the default tree replaces tbf when its bundle is uninstalled");
            rig.emu.runUntil(15 * MS);
            // through the system bundle's context: osgi-test uninstalls what the injected context installs
            Bundle again = context.getBundle(0).getBundleContext().installBundle(location);
            again.start();
            waitFor(() -> "tbf".equals(rootKind(rig)), "tbf comes back with its bundle");
            rig.emu.runUntil(20 * MS);

            rig.onLoop(() -> {
                rig.dev.setDriver("legacy", Map.of());
                return null;
            });
            rig.emu.runUntil(25 * MS);
            Bundle legacy = bundle("org.nicemu.driver.legacy");
            legacy.stop();
            assertEquals("generic", rig.onLoop(() -> rig.dev.driverKind()), "devices fall back to the generic driver");
            rig.emu.runUntil(30 * MS);
            legacy.start();
            waitFor(() -> "legacy".equals(rig.onLoop(() -> rig.dev.driverKind())), "the legacy driver is bound again");

            for (int i = 0; i < 50 && !rig.gensDone(); i++) rig.emu.runUntil((40 + 10 * i) * MS);
            rig.emu.runUntil(rig.emu.loop().now() + 20 * MS);
            long nicTx = rig.onLoop(() -> rig.dev.ethtoolStats().get("tx_packets"));
            DropCounters d = rig.onLoop(() -> rig.dev.drops());
            System.out.printf("lifecycle: generated %d, nic tx %d, drops %s%n", rig.generated(), nicTx, d.snapshot());
            assertEquals(200_000, rig.generated());
            assertEquals(0, d.packets(DropReason.SWAP_FLUSH) + d.packets(DropReason.SWAP_OVERLIMIT), "the swaps migrated everything");
            assertEquals(rig.generated(), nicTx + d.totalPackets(), "every frame accounted for");
            assertEquals(0L, rig.onLoop(() -> rig.dev.stats().get("qdisc_backlog_packets")));
            rig.close();
            Tshark.Report r = Tshark.read(pcap);
            assertEquals(nicTx, r.frames());
            assertTrue(r.clean(), r.toString());
        } finally {
            context.removeFrameworkListener(fl);
        }
        assertEquals(List.of(), errors, "no error reached the framework");
        Files.deleteIfExists(pcap);
        Files.deleteIfExists(dir);
    }

    private static String rootKind(Rig rig) throws Exception {
        return rig.onLoop(() -> rig.dev.qdiscs().get(0).kind());
    }

    private void refresh(Bundle b) throws InterruptedException {
        FrameworkWiring fw = context.getBundle(0).adapt(FrameworkWiring.class);
        Object done = new Object();
        boolean[] ok = {false};
        fw.refreshBundles(List.of(b), e -> {
            synchronized (done) {
                ok[0] = true;
                done.notifyAll();
            }
        });
        synchronized (done) {
            long until = System.currentTimeMillis() + 10_000;
            while (!ok[0] && System.currentTimeMillis() < until) done.wait(100);
        }
    }

    private static void waitFor(Callable<Boolean> cond, String what) throws Exception {
        for (int i = 0; i < 200; i++) {
            if (cond.call()) return;
            Thread.sleep(25);
        }
        assertTrue(cond.call(), what);
    }

    private Bundle bundle(String bsn) {
        for (Bundle b : context.getBundles()) if (bsn.equals(b.getSymbolicName())) return b;
        throw new AssertionError("bundle " + bsn + " not installed");
    }
}
