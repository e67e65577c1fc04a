package org.nicemu.tcp;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;

import org.nicemu.api.emu.Device;
import org.nicemu.api.emu.DeviceSpec;
import org.nicemu.api.emu.Host;
import org.nicemu.api.inet.InetAddr;
import org.nicemu.api.inet.Route;
import org.nicemu.api.nic.NicConfig;
import org.nicemu.api.nic.NicHardware;
import org.nicemu.api.nic.NicPort;
import org.nicemu.api.sock.Proto;
import org.nicemu.api.sock.SockConst;
import org.nicemu.core.testing.DeviceHarness;
import org.nicemu.core.testing.ProtoFlows;
import org.nicemu.driver.generic.GenericDriverFactory;
import org.nicemu.ip.Ipv4Component;
import org.nicemu.nic.EmulatedNicFactory;
import org.nicemu.port.pcap.PcapPortFactory;
import org.nicemu.port.wire.WirePortFactory;
import org.nicemu.tcp.cc.cubic.CubicFactory;
import org.nicemu.tcp.cc.reno.RenoFactory;

/**
 * Two emulated hosts h1 (198.18.0.1) and h2 (198.18.0.2) on a virtual wire, with the real NIC,
 * generic driver, IPv4 layer and this TCP, driven in virtual time; plus a bulk sender / sink that
 * talk to {@link Proto} directly (the socket layer is another bundle) and check SHA-256 at both ends.
 */
final class TcpBed {
    static final int IP1 = 0xc6120001, IP2 = 0xc6120002;
    static final long MS = 1_000_000L, S = 1_000_000_000L;

    final DeviceHarness h = new DeviceHarness(7).nic(new EmulatedNicFactory()).driver(new GenericDriverFactory()).ccName("cubic").ccName("reno");
    final TcpComponent tcp = new TcpComponent();
    final CubicFactory cubic = new CubicFactory();
    final RenoFactory reno = new RenoFactory();
    Host h1, h2;
    Device d1, d2;
    /** With a capture directory: the pcap files of h1's and h2's eth0 (both directions each) and their ports. */
    Path pcap1, pcap2;
    NicPort cap1, cap2;
    /** The two wire ends. */
    NicPort w1, w2;
    /** With {@link #recorded}: every frame h1's NIC sends and receives, with its time; else null. */
    DeviceHarness.RecordingPort rec;

    /** A bed whose h1 device also has a {@link DeviceHarness.RecordingPort} ({@link #rec}). */
    static TcpBed recorded(Map<String, String> wire) {
        return recorded(wire, 1_000_000_000L, false);
    }

    static TcpBed recorded(Map<String, String> wire, long rate, boolean tso) {
        return new TcpBed(wire, rate, tso, null, true);
    }

    TcpBed(Map<String, String> wire) {
        this(wire, 1_000_000_000L, false);
    }

    TcpBed(Map<String, String> wire, long rate, boolean tso) {
        this(wire, rate, tso, null);
    }

    /**
     * As above; when {@code captureDir} is not null, a pcap port ({@code port.kind=pcap}) is attached
     * to each eth0 next to its wire end and records what the NIC sends and receives into
     * {@code captureDir/h1-eth0.pcap} and {@code captureDir/h2-eth0.pcap}. Call {@link #closeCaptures()}
     * when done to flush and close them.
     */
    TcpBed(Map<String, String> wire, long rate, boolean tso, Path captureDir) {
        this(wire, rate, tso, captureDir, false);
    }

    private TcpBed(Map<String, String> wire, long rate, boolean tso, Path captureDir, boolean record) {
        if (record) rec = new DeviceHarness.RecordingPort();
        h.ipv4(new Ipv4Component());
        tcp.addCc(cubic);
        tcp.addCc(reno);
        h.transport(tcp);
        h1 = h.addHost("h1", 2);
        h2 = h.addHost("h2", 2);
        h.inLoop(() -> {
            d1 = h1.addDevice(new DeviceSpec("eth0", nic(1, rate, tso), "generic", Map.of(), null));
            d2 = h2.addDevice(new DeviceSpec("eth0", nic(2, rate, tso), "generic", Map.of(), null));
            WirePortFactory wires = new WirePortFactory();
            Map<String, String> p = new HashMap<>(wire);
            p.put("name", "w" + System.identityHashCode(this));
            NicPort a = wires.open("eth0", 1, p);
            NicPort b = wires.open("eth0", 1, p);
            w1 = a;
            w2 = b;
            d1.attachPort(a);
            d2.attachPort(b);
            if (rec != null) d1.attachPort(rec);
            if (captureDir != null) {
                PcapPortFactory pcaps = new PcapPortFactory();
                pcap1 = captureDir.resolve("h1-eth0.pcap");
                pcap2 = captureDir.resolve("h2-eth0.pcap");
                cap1 = pcaps.open("eth0", 1, Map.of("file", pcap1.toString()));
                cap2 = pcaps.open("eth0", 1, Map.of("file", pcap2.toString()));
                d1.attachPort(cap1);
                d2.attachPort(cap2);
            }
            addr(h1, IP1);
            addr(h2, IP2);
        });
    }

    /** Flushes and closes the capture ports, if any (idempotent). */
    void closeCaptures() {
        if (cap1 != null) cap1.close();
        if (cap2 != null) cap2.close();
    }

    static NicConfig nic(int last, long rate, boolean tso) {
        long caps = NicHardware.CAP_SG | NicHardware.CAP_CSUM | (tso ? NicHardware.CAP_TSO : 0);
        return new NicConfig(1, 1024, rate, 1500, new byte[] {2, 0, 0, 0, 0, (byte) last}, caps,
                NicConfig.Arbitration.ROUND_ROBIN, true, 0, 0);
    }

    static void addr(Host host, int ip) {
        host.inet().addrs.add(new InetAddr("eth0", ip, 24));
        host.inet().fib.add(new Route(ip & 0xffffff00, 24, 0, "eth0", ip, 0, Route.Type.UNICAST));
    }

    /** A sink on h2:port (TCP) counting bytes and hashing them until EOF. */
    final class Sink extends ProtoFlows.Sink {
        Sink(int port) {
            super(h2, 6, port);
        }
    }

    /** A bulk sender on h1 (TCP): N bytes of a seeded stream, then close. */
    final class Bulk extends ProtoFlows.Bulk {
        Bulk(int dport, long total, String cc, long seed) {
            super(h1, 6, IP2, dport, total, seed,
                    sk -> { if (cc != null) h1.proto(6).setsockopt(sk, SockConst.IPPROTO_TCP, SockConst.TCP_CONGESTION, cc); });
        }
    }

    static MessageDigest sha() {
        return ProtoFlows.sha();
    }

    static String hex(byte[] d) {
        return ProtoFlows.hex(d);
    }
}
