package org.nicemu.apps;

import java.util.HashMap;
import java.util.Map;

import org.nicemu.api.emu.DeviceSpec;
import org.nicemu.api.emu.Host;
import org.nicemu.api.inet.InetAddr;
import org.nicemu.api.inet.Route;
import org.nicemu.api.nic.NicConfig;
import org.nicemu.api.nic.NicHardware;
import org.nicemu.api.sock.SocketLayer;
import org.nicemu.core.testing.DeviceHarness;
import org.nicemu.driver.generic.GenericDriverFactory;
import org.nicemu.ip.Ipv4Component;
import org.nicemu.nic.EmulatedNicFactory;
import org.nicemu.port.wire.WirePortFactory;
import org.nicemu.socket.SocketLayerComponent;
import org.nicemu.tcp.TcpComponent;
import org.nicemu.tcp.cc.cubic.CubicFactory;
import org.nicemu.tcp.cc.reno.RenoFactory;

/**
 * The application contract on the real stack: two hosts joined by a 1 Gbit/s, 1 ms virtual wire,
 * with the emulated NIC, the generic driver, the IPv4 layer, TCP (CUBIC and Reno available) and the
 * socket layer, all in virtual time without OSGi.
 */
class AppsOverTcpTest extends AppsContract {
    static final int A1 = 0xc6120101, A2 = 0xc6120102;

    @Override
    Stack stack() {
        DeviceHarness h = new DeviceHarness(5).nic(new EmulatedNicFactory()).driver(new GenericDriverFactory())
                .ccName("cubic").ccName("reno");
        h.ipv4(new Ipv4Component());
        TcpComponent tcp = new TcpComponent();
        tcp.addCc(new CubicFactory());
        tcp.addCc(new RenoFactory());
        h.transport(tcp);
        Host h1 = h.addHost("h1", 2);
        Host h2 = h.addHost("h2", 2);
        h.inLoop(() -> {
            WirePortFactory wires = new WirePortFactory();
            Map<String, String> p = new HashMap<>(Map.of("rate", "1gbit", "delay", "1ms"));
            p.put("name", "apps-" + System.identityHashCode(h));
            device(h1, 1, A1).attachPort(wires.open("eth0", 1, p));
            device(h2, 2, A2).attachPort(wires.open("eth0", 1, p));
            if (gro()) {
                h1.device("eth0").setGro(true);
                h2.device("eth0").setGro(true);
            }
        });
        SocketLayer layer = new SocketLayerComponent();
        return new Stack() {
            @Override public SocketLayer layer() { return layer; }
            @Override public Host h1() { return h1; }
            @Override public Host h2() { return h2; }
            @Override public int addr1() { return A1; }
            @Override public int addr2() { return A2; }
            @Override public void runUntil(long ns) { h.runUntil(ns); }
            @Override public long now() { return h.now(); }
        };
    }

    /** GRO on both devices (with RX interrupt coalescing, so that a NAPI poll has frames to merge). */
    boolean gro() {
        return false;
    }

    private org.nicemu.api.emu.Device device(Host host, int n, int ip) {
        NicConfig cfg = new NicConfig(1, 512, 1_000_000_000L, 1500, new byte[] {2, 0, 0, 0, 1, (byte) n},
                NicHardware.CAP_SG | NicHardware.CAP_CSUM | NicHardware.CAP_TSO, NicConfig.Arbitration.ROUND_ROBIN, true, 0, 0);
        Map<String, String> params = gro() ? Map.of("rxCoalesceUsecs", "50", "txCoalesceUsecs", "50") : Map.of();
        org.nicemu.api.emu.Device d = host.addDevice(new DeviceSpec("eth0", cfg, "generic", params, null));
        host.inet().addrs.add(new InetAddr("eth0", ip, 24));
        host.inet().fib.add(new Route(ip & 0xffffff00, 24, 0, "eth0", ip, 0, Route.Type.UNICAST));
        return d;
    }
}
