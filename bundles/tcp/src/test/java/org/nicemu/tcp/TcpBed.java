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
import org.nicemu.api.sock.Sock;
import org.nicemu.api.sock.SockCallbacks;
import org.nicemu.api.sock.SockConst;
import org.nicemu.core.testing.DeviceHarness;
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

    /** A sink on h2:port counting bytes and hashing them until EOF. */
    final class Sink implements SockCallbacks {
        final Proto p = h2.proto(6);
        final Sock listener;
        Sock conn;
        long bytes;
        boolean eof;
        final MessageDigest sha = sha();
        final byte[] buf = new byte[65536];

        Sink(int port) {
            listener = p.create(0);
            listener.callbacks = this;
            if (p.bind(listener, 0, port) != 0 || p.listen(listener, 16) != 0) throw new IllegalStateException("listen");
        }

        @Override
        public void dataReady(Sock sk) {
            h2.loop().post(this::drain);
        }

        @Override
        public void stateChange(Sock sk) {
            h2.loop().post(this::drain);
        }

        void drain() {
            if (conn == null) {
                conn = p.accept(listener);
                if (conn == null) return;
                conn.callbacks = this;
            }
            while (!eof) {
                int r = p.recvmsg(conn, buf, 0, buf.length, 0);
                if (r == -SockConst.EAGAIN) return;
                if (r <= 0) {
                    eof = true;
                    p.close(conn);
                    return;
                }
                bytes += r;
                sha.update(buf, 0, r);
            }
        }
    }

    /** A bulk sender on h1: N bytes of a seeded stream, then close. */
    final class Bulk implements SockCallbacks {
        final Proto p = h1.proto(6);
        final Sock sk;
        final long total;
        long sent;
        boolean connected, closed;
        int err;
        final MessageDigest sha = sha();
        final java.util.SplittableRandom rnd;
        final byte[] buf = new byte[65536];
        int bufOff, bufLen;

        Bulk(int dport, long total, String cc, long seed) {
            this.total = total;
            this.rnd = new java.util.SplittableRandom(seed);
            sk = p.create(0);
            sk.callbacks = this;
            if (cc != null) p.setsockopt(sk, SockConst.IPPROTO_TCP, SockConst.TCP_CONGESTION, cc);
            int r = p.connect(sk, IP2, dport);
            if (r != -SockConst.EINPROGRESS) throw new IllegalStateException("connect " + r);
        }

        @Override
        public void stateChange(Sock s) {
            if (s.skErr != 0) err = s.skErr;
            h1.loop().post(this::pump);
        }

        @Override
        public void writeSpace(Sock s) {
            h1.loop().post(this::pump);
        }

        void pump() {
            if (closed || sk.skState == SockConst.TCP_SYN_SENT) return;
            if (sk.skErr != 0) {
                err = sk.skErr;
                return;
            }
            while (sent < total) {
                if (bufOff == bufLen) {
                    int n = (int) Math.min(buf.length, total - sent);
                    for (int i = 0; i < n; i += 8) {
                        long v = rnd.nextLong();
                        for (int j = 0; j < 8 && i + j < n; j++) buf[i + j] = (byte) (v >>> (8 * j));
                    }
                    sha.update(buf, 0, n);
                    bufOff = 0;
                    bufLen = n;
                }
                sk.ownedByUser = true;
                int r = p.sendmsgLocked(sk, buf, bufOff, bufLen - bufOff, 0);
                sk.ownedByUser = false;
                p.releaseCb(sk);
                if (r < 0) {
                    if (r != -SockConst.EAGAIN) err = -r;
                    return;
                }
                bufOff += r;
                sent += r;
            }
            closed = true;
            p.close(sk);
        }
    }

    static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] d) {
        StringBuilder b = new StringBuilder();
        for (byte x : d) b.append(String.format("%02x", x));
        return b.toString();
    }
}
