package org.nicemu.driver.legacy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.nicemu.api.emu.Device;
import org.nicemu.api.emu.DeviceSpec;
import org.nicemu.api.emu.Host;
import org.nicemu.api.nic.NicConfig;
import org.nicemu.api.nic.NicPort;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.wire.EthernetHeader;
import org.nicemu.api.wire.Ipv4Header;
import org.nicemu.api.wire.TcpHeader;
import org.nicemu.api.wire.UdpHeader;
import org.nicemu.core.dev.EmulationImpl;
import org.nicemu.core.dev.Plugins;
import org.nicemu.nic.EmulatedNicFactory;

/** A real emulation with one host, one device on the emulated NIC, the legacy driver and a collecting port. */
final class Bed {
    static final long GBIT = 1_000_000_000L;
    static final int A = 0xc6120001, B = 0xc6120002;

    final Plugins plugins = new Plugins();
    final EmulationImpl emu;
    final Host host;
    final Device dev;
    final Port port = new Port();

    Bed(NicConfig cfg, Map<String, String> params) {
        plugins.setNicFactory(new EmulatedNicFactory());
        plugins.addDriver(new LegacyDriverFactory());
        emu = new EmulationImpl("t", 7, true, plugins, false);
        host = emu.addHost("h1", 2);
        dev = host.addDevice(new DeviceSpec("eth0", cfg, "legacy", params, null));
        dev.attachPort(port);
    }

    static NicConfig cfg(int queues, int ring, long caps, long usecs, int frames) {
        return new NicConfig(queues, ring, GBIT, 1500, new byte[] {2, 0, 0, 0, 0, 1}, caps,
                NicConfig.Arbitration.ROUND_ROBIN, true, usecs, frames);
    }

    /** Runs {@code r} as one event on the loop at the current time (then the softirqs it raised). */
    void inLoop(Runnable r) {
        emu.loop().post(r);
        emu.loopImpl().runUntil(emu.loop().now());
    }

    /** Runs {@code r} on the loop at emulated time {@code t}. */
    void at(long t, Runnable r) {
        emu.loop().newTimer("test", r).arm(t);
    }

    void runUntil(long t) {
        emu.loopImpl().runUntil(t);
    }

    long now() { return emu.loop().now(); }

    /** An Ethernet/IPv4/UDP frame of {@code len} bytes (len >= 46) whose IP id is {@code id}; hash picks the TX queue. */
    SkBuff udp(int id, int len, int hash) {
        SkBuff s = host.allocator().allocSkb(len + 64);
        s.reserve(64);
        int d = s.put(len);
        byte[] h = s.head();
        EthernetHeader.write(h, d, 0x020000000002L, 0x020000000001L, EthernetHeader.ETH_P_IP);
        Ipv4Header.write(h, d + 14, 0, len - 14, id & 0xffff, Ipv4Header.IP_DF, 64, Ipv4Header.IPPROTO_UDP, A, B);
        UdpHeader.write(h, d + 34, 1000, 2000, len - 34);
        UdpHeader.setChecksum(h, d + 34, A, B, len - 34);
        s.resetMacHeader();
        s.setNetworkHeader(14);
        s.setTransportHeader(34);
        s.protocol = EthernetHeader.ETH_P_IP;
        s.hash = hash;
        return s;
    }

    /** A hash that netdev_pick_tx maps to queue {@code q} of {@code n}. */
    static int hashFor(int q, int n) {
        return (int) ((((long) q << 32) + (1L << 32) / (2L * n)) / n);
    }

    /** A TCP TSO skb: 4096 payload bytes, MSS 1448, 32-byte TCP header; 3 wire frames. */
    SkBuff tcpTso() {
        int hdr = 14 + 20 + 32;
        SkBuff skb = host.allocator().allocSkb(64 + hdr + 4096);
        skb.reserve(64);
        int d = skb.put(hdr + 4096);
        byte[] h = skb.head();
        EthernetHeader.write(h, d, 0x020000000002L, 0x020000000001L, EthernetHeader.ETH_P_IP);
        Ipv4Header.write(h, d + 14, 0, 20 + 32 + 4096, 100, Ipv4Header.IP_DF, 64, Ipv4Header.IPPROTO_TCP, A, B);
        TcpHeader.write(h, d + 34, 40000, 5201, 1000, 2000, 32, TcpHeader.ACK | TcpHeader.PSH, 502);
        h[d + 54] = 1;
        h[d + 55] = 1;
        h[d + 56] = 8;
        h[d + 57] = 10;
        skb.resetMacHeader();
        skb.setNetworkHeader(14);
        skb.setTransportHeader(34);
        skb.protocol = EthernetHeader.ETH_P_IP;
        TcpHeader.setPartialChecksum(h, d + 34, A, B, 32 + 4096);
        skb.ipSummed = SkBuff.CHECKSUM_PARTIAL;
        skb.csumStart = skb.transportHeader;
        skb.csumOffset = TcpHeader.CHECK;
        skb.setGso(1448, 3, SkBuff.SKB_GSO_TCPV4);
        return skb;
    }

    /** Sends {@code n} UDP frames of {@code len} bytes with ids from {@code first}, in one event. */
    void send(int first, int n, int len, int queues) {
        inLoop(() -> {
            for (int i = first; i < first + n; i++) dev.devQueueXmit(udp(i, len, hashFor(i % queues, queues)));
        });
    }

    long stat(String key) {
        Long v = dev.ethtoolStats().get(key);
        if (v == null) throw new AssertionError("no ethtool counter " + key + " in " + dev.ethtoolStats().keySet());
        return v;
    }

    /** Collects frames: time, queue, IP id. */
    static final class Port implements NicPort {
        final List<byte[]> frames = new ArrayList<>();
        final List<Long> times = new ArrayList<>();
        final List<Integer> queues = new ArrayList<>();

        @Override
        public void transmit(long ts, int q, byte[] f, int off, int len) {
            frames.add(Arrays.copyOfRange(f, off, off + len));
            times.add(ts);
            queues.add(q);
        }

        @Override public void flush() { }
        @Override public void close() { }
        @Override public String describe() { return "test"; }

        List<Integer> ids() {
            List<Integer> l = new ArrayList<>();
            for (byte[] f : frames) l.add(Ipv4Header.id(f, 14));
            return l;
        }

        List<Integer> idsOfQueue(int q) {
            List<Integer> l = new ArrayList<>();
            for (int i = 0; i < frames.size(); i++) if (queues.get(i) == q) l.add(Ipv4Header.id(frames.get(i), 14));
            return l;
        }
    }
}
