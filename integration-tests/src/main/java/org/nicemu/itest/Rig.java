package org.nicemu.itest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.nicemu.api.emu.Device;
import org.nicemu.api.emu.DeviceSpec;
import org.nicemu.api.emu.Emulation;
import org.nicemu.api.emu.Emulations;
import org.nicemu.api.emu.Host;
import org.nicemu.api.emu.PktgenService;
import org.nicemu.api.emu.TcRequest;
import org.nicemu.api.nic.NicConfig;
import org.nicemu.api.nic.NicHardware;
import org.nicemu.api.nic.NicPortFactory;
import org.nicemu.api.qdisc.QdiscParams;

/**
 * One emulated host with a 4-queue 10 Gbit/s NIC, a pcap capture and pktgen generators, driven
 * through the public services only, as a user's program would.
 */
final class Rig implements AutoCloseable {
    final Emulation emu;
    final Host host;
    final Device dev;
    final Path pcap;
    final List<PktgenService.Generator> gens = new ArrayList<>();

    Rig(Emulations emulations, String name, long seed, NicPortFactory pcapPorts, Path pcap) throws Exception {
        this.emu = emulations.create(name, seed, true);
        this.pcap = pcap;
        this.host = emu.addHost("h1", 4);
        NicConfig cfg = new NicConfig(4, 256, 10_000_000_000L, 1500, new byte[] {2, 0, 0, 0, 0, 1},
                NicHardware.CAP_SG | NicHardware.CAP_CSUM | NicHardware.CAP_TSO, NicConfig.Arbitration.ROUND_ROBIN, true, 0, 0);
        this.dev = emu.call(() -> host.addDevice(new DeviceSpec("eth0", cfg, "generic", Map.of(), null)));
        emu.call(() -> {
            dev.attachPort(pcapPorts.open("eth0", 4, Map.of("file", pcap.toString())));
            return null;
        });
    }

    void generator(PktgenService pktgen, String name, Map<String, String> params) throws Exception {
        gens.add(emu.call(() -> pktgen.start(dev, name, params)));
    }

    /** tc qdisc replace dev eth0 root KIND PARAMS (migrate). */
    void replaceRoot(String kindAndParams) throws Exception {
        String[] w = kindAndParams.trim().split("\\s+");
        QdiscParams p = QdiscParams.parse(List.of(w).subList(1, w.length), java.util.Set.of());
        emu.call(() -> {
            dev.tc(new TcRequest(TcRequest.Op.REPLACE, "root", null, w[0], p, true));
            return null;
        });
    }

    long generated() {
        long n = 0;
        for (PktgenService.Generator g : gens) {
            Map<String, Long> s = g.stats();
            n += s.getOrDefault("sofar", 0L) + s.getOrDefault("errors", 0L);
        }
        return n;
    }

    boolean gensDone() {
        for (PktgenService.Generator g : gens) if (!g.done()) return false;
        return true;
    }

    <T> T onLoop(java.util.concurrent.Callable<T> c) throws Exception {
        return emu.call(c);
    }

    @Override
    public void close() {
        emu.close();
    }
}
