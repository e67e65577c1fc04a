package org.nicemu.mptcp;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.nicemu.api.emu.Device;
import org.nicemu.api.emu.DeviceSpec;
import org.nicemu.api.emu.Host;
import org.nicemu.api.inet.InetAddr;
import org.nicemu.api.inet.Route;
import org.nicemu.api.mptcp.pm.MptcpEndpoint;
import org.nicemu.api.nic.NicConfig;
import org.nicemu.api.nic.NicHardware;
import org.nicemu.api.nic.NicPort;
import org.nicemu.api.sock.Proto;
import org.nicemu.api.sock.Sock;
import org.nicemu.api.sock.SockConst;
import org.nicemu.core.testing.DeviceHarness;
import org.nicemu.core.testing.ProtoFlows;
import org.nicemu.driver.generic.GenericDriverFactory;
import org.nicemu.ip.Ipv4Component;
import org.nicemu.mptcp.sched.blest.BlestFactory;
import org.nicemu.mptcp.sched.default_.DefaultSchedFactory;
import org.nicemu.mptcp.sched.ecf.EcfFactory;
import org.nicemu.mptcp.sched.redundant.RedundantFactory;
import org.nicemu.mptcp.sched.roundrobin.RoundRobinFactory;
import org.nicemu.nic.EmulatedNicFactory;
import org.nicemu.port.pcap.PcapPortFactory;
import org.nicemu.port.wire.WirePortFactory;
import org.nicemu.tcp.TcpComponent;
import org.nicemu.tcp.cc.cubic.CubicFactory;

/**
 * Two emulated hosts joined by two paths, as the MPTCP acceptance asks: h1 (client) and h2 (server)
 * each have eth0 on 198.18.1.0/24 and eth1 on 198.18.2.0/24; wire 0 joins the eth0s, wire 1 the
 * eth1s. Real NIC, generic driver, IPv4, TCP with CUBIC and this MPTCP with every scheduler bundle's
 * factory, in virtual time. h2 announces 198.18.2.2 (a {@code signal} endpoint) and h1 accepts one
 * ADD_ADDR, as in the Linux reference capture. Bulk sender and sink talk to {@link Proto} 262.
 */
final class MptcpBed {
    static final int A1 = 0xc6120101, A2 = 0xc6120201, B1 = 0xc6120102, B2 = 0xc6120202;
    static final long MS = 1_000_000L, S = 1_000_000_000L;

    final DeviceHarness h = new DeviceHarness(11).nic(new EmulatedNicFactory()).driver(new GenericDriverFactory()).ccName("cubic").ccName("lia");
    final TcpComponent tcp = new TcpComponent();
    final MptcpComponent mptcp = new MptcpComponent();
    final Map<String, org.nicemu.api.mptcp.sched.MptcpSchedulerFactory> scheds = new HashMap<>();
    Host h1, h2;
    Device d10, d11, d20, d21;
    final List<Path> pcaps = new ArrayList<>();
    final List<NicPort> caps = new ArrayList<>();
    final List<NicPort> wires = new ArrayList<>();

    MptcpBed(Map<String, String> wire0, Map<String, String> wire1, Path captureDir) {
        this(wire0, wire1, captureDir, null);
    }

    /** As above, with a POST_ROUTING hook on both hosts (a middlebox test). */
    MptcpBed(Map<String, String> wire0, Map<String, String> wire1, Path captureDir, org.nicemu.api.inet.NfHook hook) {
        if (hook != null) h.nfHook(hook, 0);
        h.ipv4(new Ipv4Component());
        tcp.addCc(new CubicFactory());
        tcp.addCc(new org.nicemu.tcp.cc.lia.LiaFactory());
        for (var f : List.of(new DefaultSchedFactory(), new RoundRobinFactory(), new RedundantFactory(), new BlestFactory(), new EcfFactory())) {
            scheds.put(f.name(), f);
            mptcp.addScheduler(f);
            h.mptcpSchedulerName(f.name());
        }
        h.transport(tcp);
        h.transport(mptcp);
        h1 = h.addHost("h1", 2);
        h2 = h.addHost("h2", 2);
        h.inLoop(() -> {
            d10 = h1.addDevice(new DeviceSpec("eth0", nic(0x10), "generic", Map.of(), null));
            d11 = h1.addDevice(new DeviceSpec("eth1", nic(0x11), "generic", Map.of(), null));
            d20 = h2.addDevice(new DeviceSpec("eth0", nic(0x20), "generic", Map.of(), null));
            d21 = h2.addDevice(new DeviceSpec("eth1", nic(0x21), "generic", Map.of(), null));
            join(d10, d20, wire0, "eth0");
            join(d11, d21, wire1, "eth1");
            if (captureDir != null) {
                capture(d10, captureDir.resolve("h1-eth0.pcap"));
                capture(d11, captureDir.resolve("h1-eth1.pcap"));
                capture(d20, captureDir.resolve("h2-eth0.pcap"));
                capture(d21, captureDir.resolve("h2-eth1.pcap"));
            }
            addr(h1, "eth0", A1);
            addr(h1, "eth1", A2);
            addr(h2, "eth0", B1);
            addr(h2, "eth1", B2);
            h2.inet().mptcp.addEndpoint(2, B2, 0, "eth1", MptcpEndpoint.SIGNAL);
            h1.inet().mptcp.setLimits(2, 1);
            h2.inet().mptcp.setLimits(2, 1);
        });
    }

    private void join(Device a, Device b, Map<String, String> params, String dev) {
        WirePortFactory f = new WirePortFactory();
        Map<String, String> p = new HashMap<>(params);
        p.put("name", dev + "-" + System.identityHashCode(this));
        NicPort x = f.open(dev, 1, p);
        NicPort y = f.open(dev, 1, p);
        a.attachPort(x);
        b.attachPort(y);
        wires.add(x);
        wires.add(y);
    }

    private void capture(Device d, Path file) {
        NicPort c = new PcapPortFactory().open(d.name(), 1, Map.of("file", file.toString()));
        d.attachPort(c);
        pcaps.add(file);
        caps.add(c);
    }

    void closeCaptures() {
        for (NicPort c : caps) c.close();
    }

    static NicConfig nic(int last) {
        long caps = NicHardware.CAP_SG | NicHardware.CAP_CSUM | NicHardware.CAP_TSO;
        return new NicConfig(1, 1024, 1_000_000_000L, 1500, new byte[] {2, 0, 0, 0, 0, (byte) last}, caps,
                NicConfig.Arbitration.ROUND_ROBIN, true, 0, 0);
    }

    static void addr(Host host, String dev, int ip) {
        host.inet().addrs.add(new InetAddr(dev, ip, 24));
        host.inet().fib.add(new Route(ip & 0xffffff00, 24, 0, dev, ip, 0, Route.Type.UNICAST));
    }

    /** The MPTCP connection behind a socket of this bed. */
    static MptcpSock msk(Sock s) {
        return (MptcpSock) s;
    }

    /** A sink on h2:port (MPTCP listener on 0.0.0.0) counting and hashing until end of stream. */
    final class Sink extends ProtoFlows.Sink {
        Sink(int port) {
            super(h2, SockConst.IPPROTO_MPTCP, port);
        }
    }

    /** A bulk sender on h1 to h2's eth0 address (or {@code daddr}): N bytes of a seeded stream, then close. */
    final class Bulk extends ProtoFlows.Bulk {
        Bulk(int dport, long total, String scheduler, long seed) {
            this(dport, total, scheduler, null, seed, B1);
        }

        Bulk(int dport, long total, String scheduler, long seed, int daddr) {
            this(dport, total, scheduler, null, seed, daddr);
        }

        Bulk(int dport, long total, String scheduler, String cc, long seed, int daddr) {
            super(h1, SockConst.IPPROTO_MPTCP, daddr, dport, total, seed, sk -> {
                Proto p = h1.proto(SockConst.IPPROTO_MPTCP);
                if (scheduler != null && p.setsockopt(sk, SockConst.SOL_TCP, SockConst.MPTCP_SCHEDULER, scheduler) != 0) {
                    throw new IllegalStateException("scheduler " + scheduler);
                }
                if (cc != null && p.setsockopt(sk, SockConst.SOL_TCP, SockConst.TCP_CONGESTION, cc) != 0) throw new IllegalStateException("cc " + cc);
            });
        }
    }

    static String hex(byte[] d) {
        return ProtoFlows.hex(d);
    }
}
