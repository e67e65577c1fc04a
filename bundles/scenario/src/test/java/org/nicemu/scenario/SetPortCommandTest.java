package org.nicemu.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nicemu.api.emu.DeviceSpec;
import org.nicemu.api.emu.Host;
import org.nicemu.api.nic.NicConfig;
import org.nicemu.api.nic.NicPort;
import org.nicemu.api.nic.NicPortFactory;
import org.nicemu.api.nic.PortBinding;
import org.nicemu.core.dev.EmulationImpl;
import org.nicemu.core.dev.Plugins;
import org.nicemu.driver.generic.GenericDriverFactory;
import org.nicemu.nic.EmulatedNicFactory;

/** {@code ip link set DEV port live IF | none} on a real emulation, with a stand-in for the live port factory. */
class SetPortCommandTest {
    /** A port that behaves like the live port towards the NIC: refuses virtual time, has counters. */
    static final class StandIn implements NicPort {
        final String ifname;
        boolean closed, bound;

        StandIn(String ifname) { this.ifname = ifname; }

        @Override public void bind(PortBinding b) {
            if (b.loop().clock().isVirtual()) throw new IllegalStateException("live ports need real time: set \"virtualTime\": false");
            bound = true;
        }
        @Override public void unbind() { bound = false; }
        @Override public void transmit(long ts, int q, byte[] f, int off, int len) { }
        @Override public void flush() { }
        @Override public void close() { closed = true; }
        @Override public String describe() { return "live " + ifname + " (stand-in)"; }
        @Override public Map<String, Long> stats() { return Map.of("rx_frames", 3L, "rx_overruns", 1L); }
    }

    final List<StandIn> opened = new java.util.ArrayList<>();

    CommandEngine engine() {
        PortFactories ports = new PortFactories();
        ports.add(new NicPortFactory() {
            @Override public String kind() { return "live"; }
            @Override public NicPort open(String dev, int q, Map<String, String> p) {
                StandIn s = new StandIn(p.get("ifname"));
                opened.add(s);
                return s;
            }
            @Override public String usage() { return "live"; }
        }, Map.of(NicPortFactory.KIND, "live"));
        return new CommandEngine(null, null, ports);
    }

    static EmulationImpl emulation(boolean virtualTime) throws Exception {
        Plugins plugins = new Plugins();
        plugins.setNicFactory(new EmulatedNicFactory());
        plugins.addDriver(new GenericDriverFactory());
        EmulationImpl emu = new EmulationImpl("t", 1, virtualTime, plugins, true);
        Host h = emu.addHost("h1", 1);
        NicConfig cfg = new NicConfig(1, 256, 1_000_000_000L, 1500, new byte[] {2, 0, 0, 0, 1, 1}, 0, NicConfig.Arbitration.ROUND_ROBIN, true, 0, 0);
        emu.call(() -> h.addDevice(new DeviceSpec("eth0", cfg, "generic", Map.of(), null)));
        return emu;
    }

    @Test
    void portLiveAttachesShowsCountersAndPortNoneDetaches() throws Exception {
        CommandEngine ce = engine();
        EmulationImpl emu = emulation(false);
        try {
            assertEquals("eth0: live veth-emu0 (stand-in)\n", ce.execute(emu, "h1", "ip link set eth0 port live veth-emu0 rxBacklog 64"));
            StandIn p = opened.get(0);
            assertTrue(p.bound);
            assertEquals(List.of(p), emu.call(() -> emu.host("h1").device("eth0").ports()));
            String eth = ce.execute(emu, "h1", "ethtool -S eth0");
            assertTrue(eth.contains("     live_rx_frames: 3\n") && eth.contains("     live_rx_overruns: 1\n"), eth);
            // a second one replaces the first
            ce.execute(emu, "h1", "ip link set dev eth0 port live veth-emu1");
            assertTrue(p.closed);
            assertEquals(List.of(opened.get(1)), emu.call(() -> emu.host("h1").device("eth0").ports()));
            assertEquals("eth0: port live veth-emu1 (stand-in) removed\n", ce.execute(emu, "h1", "ip link set eth0 port none"));
            assertTrue(opened.get(1).closed);
            assertTrue(!opened.get(1).bound);
            assertEquals(List.of(), emu.call(() -> emu.host("h1").device("eth0").ports()));
            assertEquals("eth0: no port set with 'ip link set eth0 port' to remove\n", ce.execute(emu, "h1", "ip link set eth0 port none"));
            assertEquals("host h1 has no device 'eth9'; devices: eth0",
                    assertThrows(IllegalArgumentException.class, () -> ce.execute(emu, "h1", "ip link set eth9 port live v0")).getMessage());
        } finally {
            emu.close();
        }
    }

    @Test
    void virtualTimeIsRefusedBeforeAnythingIsOpened() throws Exception {
        CommandEngine ce = engine();
        EmulationImpl emu = emulation(true);
        try {
            assertEquals("live ports need real time: set \"virtualTime\": false",
                    assertThrows(IllegalArgumentException.class, () -> ce.execute(emu, "h1", "ip link set eth0 port live veth-emu0")).getMessage());
            assertTrue(opened.isEmpty());
            Map<String, Long> none = new LinkedHashMap<>();
            CommandEngine.portStats(emu.call(() -> emu.host("h1").device("eth0")), none);
            assertTrue(none.isEmpty());
        } finally {
            emu.close();
        }
    }
}
