package org.nicemu.core.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToIntFunction;

import org.nicemu.api.driver.DriverFactory;
import org.nicemu.api.driver.NetDriver;
import org.nicemu.api.emu.Device;
import org.nicemu.api.emu.DeviceSpec;
import org.nicemu.api.emu.Emulation;
import org.nicemu.api.emu.Host;
import org.nicemu.api.exec.EventLoop;
import org.nicemu.api.nic.Nic;
import org.nicemu.api.nic.NicConfig;
import org.nicemu.api.nic.NicFactory;
import org.nicemu.api.nic.NicPort;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.skb.SkbAllocator;
import org.nicemu.api.stats.CostCounters;
import org.nicemu.api.wire.EthernetHeader;
import org.nicemu.api.wire.Ipv4Header;
import org.nicemu.api.wire.TcpHeader;
import org.nicemu.api.wire.UdpHeader;
import org.nicemu.core.dev.EmulationImpl;
import org.nicemu.core.dev.Plugins;

/**
 * Runs a whole emulation in virtual time for driver, NIC and traffic-source tests, without OSGi:
 * a real {@link EmulationImpl} driven on the caller's thread (no loop thread of its own), with its
 * own {@link Plugins} registry to which the caller adds the NIC factory and the driver factories it
 * wants (the core cannot depend on the bundles that provide them). Hosts and devices are made
 * through the real device layer; frames come from {@link #udpFrame} and {@link #tcpTsoFrame};
 * a {@link RecordingPort} keeps what reaches the wire.
 *
 * <p>The usual bed is one host with one device: {@link #oneDevice} adds host {@code h1} and device
 * {@code eth0}, which {@link #host()}, {@link #dev()}, {@link #send}, {@link #stat} and the other
 * instance shorthands then work on.
 */
public final class DeviceHarness {
    /** 1 Gbit/s. */
    public static final long GBIT = 1_000_000_000L;
    /** The NIC's MAC address in {@link #nicConfig}. */
    private static final byte[] MAC = {2, 0, 0, 0, 0, 1};
    /** Source and destination IPv4 addresses of the built frames: 198.18.0.1 and 198.18.0.2. */
    public static final int SRC_IP = 0xc6120001, DST_IP = 0xc6120002;

    private final Plugins plugins = new Plugins();
    private final EmulationImpl emu;
    private Host host;
    private Device dev;
    private RecordingPort port;

    /** An emulation named {@code t} in virtual time whose random streams derive from {@code seed}. */
    public DeviceHarness(long seed) {
        emu = new EmulationImpl("t", seed, true, plugins, false);
    }

    /** Registers the NIC model devices are built on. */
    public DeviceHarness nic(NicFactory factory) {
        plugins.setNicFactory(factory);
        return this;
    }

    /** Registers a driver model. */
    public DeviceHarness driver(DriverFactory factory) {
        plugins.addDriver(factory);
        return this;
    }


    /**
     * Registers the IPv4 layer factory (as the core's DS component does for the net.layer=ipv4
     * service): hosts that exist get a layer now, hosts added later when they are made.
     */
    public DeviceHarness ipv4(org.nicemu.api.inet.Ipv4LayerFactory factory) {
        plugins.setIpv4Factory(factory);
        emu.loop().post(() -> emu.ipv4Bound(factory));
        emu.loopImpl().runPosted();
        return this;
    }

    /** Unregisters the IPv4 layer factory {@code factory} (its bundle stopped): hosts lose their layer, keep their state. */
    public DeviceHarness noIpv4(org.nicemu.api.inet.Ipv4LayerFactory factory) {
        if (plugins.unsetIpv4Factory(factory)) {
            emu.loop().post(() -> emu.ipv4Gone(factory));
            emu.loopImpl().runPosted();
        }
        return this;
    }

    /** Registers a transport (as the core does for a net.proto service): every host gets an instance. */
    public DeviceHarness transport(org.nicemu.api.sock.TransportFactory factory) {
        plugins.setTransport(factory);
        emu.loop().post(() -> emu.transportBound(factory));
        emu.loopImpl().runPosted();
        return this;
    }

    /** Unregisters a transport (its bundle stopped): its connections are aborted. */
    public DeviceHarness noTransport(org.nicemu.api.sock.TransportFactory factory) {
        if (plugins.unsetTransport(factory)) {
            emu.loop().post(() -> emu.transportGone(factory));
            emu.loopImpl().runPosted();
        }
        return this;
    }

    /** Makes congestion control name {@code name} known to sysctl checks (a tcp.cc service is there). */
    public DeviceHarness ccName(String name) {
        plugins.addCcName(name);
        return this;
    }

    /** Makes MPTCP scheduler name {@code name} known to sysctl checks (an mptcp.scheduler service is there). */
    public DeviceHarness mptcpSchedulerName(String name) {
        plugins.addMptcpSchedulerName(name);
        return this;
    }

    /** Registers a POST_ROUTING hook with {@code priority} (nf_register_net_hook). */
    public DeviceHarness nfHook(org.nicemu.api.inet.NfHook hook, int priority) {
        plugins.addNfHook(hook, priority);
        return this;
    }

    /**
     * Adds host {@code h1} with {@code cpus} CPUs and on it the device {@code spec}; they become
     * {@link #host()} and {@link #dev()}.
     */
    public DeviceHarness oneDevice(int cpus, DeviceSpec spec) {
        if (host != null) throw new IllegalStateException("oneDevice() was called already");
        host = addHost("h1", cpus);
        dev = host.addDevice(spec);
        return this;
    }

    /** Attaches a new {@link RecordingPort} to {@link #dev()}; it becomes {@link #port()}. */
    public DeviceHarness recording() {
        port = new RecordingPort();
        dev().attachPort(port);
        return this;
    }

    /** The emulation; it is an {@link EmulationImpl}, to which a test that needs the loop itself may cast. */
    public Emulation emulation() { return emu; }

    /** Adds a host with {@code cpus} CPUs. */
    public Host addHost(String name, int cpus) { return emu.addHost(name, cpus); }

    /** The host of {@link #oneDevice}. */
    public Host host() { return required(host); }

    /** The device of {@link #oneDevice}. */
    public Device dev() { return required(dev); }

    /** The port of {@link #recording}. */
    public RecordingPort port() { return required(port); }

    private static <T> T required(T t) {
        if (t == null) throw new IllegalStateException("not set up: call oneDevice() (and recording() for the port) first");
        return t;
    }

    /**
     * A NIC configuration with MTU 1500 and MAC 02:00:00:00:00:01.
     *
     * @param queues      TX queues
     * @param ring        descriptors per TX ring
     * @param rate        line rate, bit/s
     * @param caps        {@code NicHardware.CAP_*} offloads
     * @param arb         how the NIC chooses among rings
     * @param preambleIfg the wire time counts preamble, FCS and inter-frame gap
     * @param usecs       TX interrupt coalescing time, µs (0 = none)
     * @param frames      TX interrupt coalescing count (0 = none)
     */
    public static NicConfig nicConfig(int queues, int ring, long rate, long caps, NicConfig.Arbitration arb,
            boolean preambleIfg, long usecs, int frames) {
        return new NicConfig(queues, ring, rate, 1500, MAC.clone(), caps, arb, preambleIfg, usecs, frames);
    }

    /**
     * A {@link #nicConfig(int, int, long, long, NicConfig.Arbitration, boolean, long, int) NIC configuration}
     * at 1 Gbit/s, round robin, with preamble and IFG counted.
     */
    public static NicConfig nicConfig(int queues, int ring, long caps, long usecs, int frames) {
        return nicConfig(queues, ring, GBIT, caps, NicConfig.Arbitration.ROUND_ROBIN, true, usecs, frames);
    }

    // ---------------------------------------------------------------- the loop

    /** Runs {@code r} as one event on the loop at the current time, then the softirqs it raised. */
    public void inLoop(Runnable r) {
        emu.loop().post(r);
        run();
    }

    /** Runs {@code r} on the loop at emulated time {@code t}. */
    public void at(long t, Runnable r) {
        emu.loop().newTimer("test", r).arm(t);
    }

    /** Runs the loop up to and including emulated time {@code t}. */
    public void runUntil(long t) {
        emu.loopImpl().runUntil(t);
    }

    /** Runs what is due now (posted work, timers at the current time, softirqs). */
    public void run() {
        runUntil(now());
    }

    /** Runs only the work posted to the loop. */
    public void runPosted() {
        emu.loopImpl().runPosted();
    }

    public long now() { return emu.loop().now(); }

    // ---------------------------------------------------------------- traffic

    /** An Ethernet/IPv4/UDP frame from {@link #host()}'s allocator: see {@link #udpFrame}. */
    public SkBuff udp(int id, int len, int hash) {
        return udpFrame(host().allocator(), id, len, hash);
    }

    /** A TCP TSO skb from {@link #host()}'s allocator: see {@link #tcpTsoFrame}. */
    public SkBuff tcpTso() {
        return tcpTsoFrame(host().allocator());
    }

    /**
     * Sends {@code n} UDP frames of {@code len} bytes with IP ids from {@code first} on {@link #dev()},
     * in one event; frame {@code i} is hashed to TX queue {@code i % queues}.
     */
    public void send(int first, int n, int len, int queues) {
        Device d = dev();
        inLoop(() -> {
            for (int i = first; i < first + n; i++) d.devQueueXmit(udp(i, len, hashFor(i % queues, queues)));
        });
    }

    /**
     * Receive buffers the NIC of {@code d} holds in its RX rings (posted empty ones and filled ones
     * not yet reclaimed), from its {@code rx_queue_N_empty} and {@code rx_queue_N_filled} counters.
     */
    public static long rxRingSkbs(Device d) {
        long n = 0;
        for (Map.Entry<String, Long> e : d.nic().ethtoolStats().entrySet()) {
            String k = e.getKey();
            if (k.startsWith("rx_queue_") && (k.endsWith("_empty") || k.endsWith("_filled"))) n += e.getValue();
        }
        return n;
    }

    /**
     * skbs of {@link #host()}'s allocator in use that are not receive buffers held by the RX rings
     * of its devices: 0 when every skb the stack made was freed (the leak check of driver tests;
     * a driver posts its RX buffers at ndo_open and keeps them while the device is up).
     */
    public long skbsInUse() {
        long n = host().allocator().inUse();
        for (Device d : host().devices()) n -= rxRingSkbs(d);
        return n;
    }

    /** The ethtool counter {@code key} of {@link #dev()}; a missing counter fails the test. */
    public long stat(String key) {
        Long v = dev().ethtoolStats().get(key);
        if (v == null) throw new AssertionError("no ethtool counter " + key + " in " + dev().ethtoolStats().keySet());
        return v;
    }

    /**
     * An Ethernet/IPv4/UDP frame of {@code len} bytes ({@code len >= 46}, 64 bytes of headroom) with
     * IP id {@code id}, DF, a complete UDP checksum and the headers set; {@code hash} picks the TX
     * queue (see {@link #hashFor}).
     */
    public static SkBuff udpFrame(SkbAllocator alloc, int id, int len, int hash) {
        SkBuff s = alloc.allocSkb(len + 64);
        s.reserve(64);
        int d = s.put(len);
        byte[] h = s.head();
        EthernetHeader.write(h, d, 0x020000000002L, 0x020000000001L, EthernetHeader.ETH_P_IP);
        Ipv4Header.write(h, d + 14, 0, len - 14, id & 0xffff, Ipv4Header.IP_DF, 64, Ipv4Header.IPPROTO_UDP, SRC_IP, DST_IP);
        UdpHeader.write(h, d + 34, 1000, 2000, len - 34);
        UdpHeader.setChecksum(h, d + 34, SRC_IP, DST_IP, len - 34);
        s.resetMacHeader();
        s.setNetworkHeader(14);
        s.setTransportHeader(34);
        s.protocol = EthernetHeader.ETH_P_IP;
        s.hash = hash;
        return s;
    }

    /**
     * A TCP TSO skb: 4096 zero payload bytes after a 66-byte header (TCP with 12 option bytes), IP id
     * 100, sequence 1000, MSS 1448, {@code CHECKSUM_PARTIAL}; 3 wire frames (1514, 1514, 1266 bytes).
     * The partial checksum covers only the pseudo header, so the payload may be filled in afterwards.
     */
    public static SkBuff tcpTsoFrame(SkbAllocator alloc) {
        int hdr = 14 + 20 + 32;
        SkBuff skb = alloc.allocSkb(64 + hdr + 4096);
        skb.reserve(64);
        int d = skb.put(hdr + 4096);
        byte[] h = skb.head();
        EthernetHeader.write(h, d, 0x020000000002L, 0x020000000001L, EthernetHeader.ETH_P_IP);
        Ipv4Header.write(h, d + 14, 0, 20 + 32 + 4096, 100, Ipv4Header.IP_DF, 64, Ipv4Header.IPPROTO_TCP, SRC_IP, DST_IP);
        TcpHeader.write(h, d + 34, 40000, 5201, 1000, 2000, 32, TcpHeader.ACK | TcpHeader.PSH, 502);
        h[d + 54] = 1;
        h[d + 55] = 1;
        h[d + 56] = 8;
        h[d + 57] = 10;
        skb.resetMacHeader();
        skb.setNetworkHeader(14);
        skb.setTransportHeader(34);
        skb.protocol = EthernetHeader.ETH_P_IP;
        TcpHeader.setPartialChecksum(h, d + 34, SRC_IP, DST_IP, 32 + 4096);
        skb.ipSummed = SkBuff.CHECKSUM_PARTIAL;
        skb.csumStart = skb.transportHeader;
        skb.csumOffset = TcpHeader.CHECK;
        skb.setGso(1448, 3, SkBuff.SKB_GSO_TCPV4);
        return skb;
    }

    /**
     * The bytes of an Ethernet/IPv4/UDP frame of {@code len} bytes ({@code len >= 42}) as it would
     * arrive from a wire: destination and source MAC (48-bit values), IPv4 addresses, UDP ports,
     * IP id {@code id}, DF, TTL 64, complete IPv4 and UDP checksums, zero payload.
     */
    public static byte[] udpBytes(long dstMac, long srcMac, int srcIp, int dstIp, int srcPort, int dstPort, int len, int id) {
        byte[] f = new byte[len];
        EthernetHeader.write(f, 0, dstMac, srcMac, EthernetHeader.ETH_P_IP);
        Ipv4Header.write(f, 14, 0, len - 14, id & 0xffff, Ipv4Header.IP_DF, 64, Ipv4Header.IPPROTO_UDP, srcIp, dstIp);
        UdpHeader.write(f, 34, srcPort, dstPort, len - 34);
        UdpHeader.setChecksum(f, 34, srcIp, dstIp, len - 34);
        return f;
    }

    /** A hash that netdev_pick_tx() maps to queue {@code q} of {@code n}. */
    public static int hashFor(int q, int n) {
        return (int) ((((long) q << 32) + (1L << 32) / (2L * n)) / n);
    }

    // ---------------------------------------------------------------- stand-ins

    /** A driver factory of {@code kind} that makes its drivers with {@code maker}; no usage text. */
    public static DriverFactory driverFactory(String kind, Function<Map<String, String>, NetDriver> maker) {
        return new DriverFactory() {
            @Override public String kind() { return kind; }
            @Override public NetDriver create(Map<String, String> params) { return maker.apply(params); }
            @Override public String usage() { return ""; }
        };
    }

    /**
     * A NIC that only carries its configuration, for drivers that complete frames themselves and
     * never post descriptors: no ring space (TX or RX), posts refused, nothing reclaimed, link up;
     * received frames are only shown to the attached ports (RX queue 0) and go nowhere else.
     */
    public static final class StubNicFactory implements NicFactory {
        @Override
        public Nic create(String name, NicConfig config, EventLoop loop, CostCounters counters) {
            return new Nic() {
                private NicPort[] ports = new NicPort[0];
                @Override public NicConfig config() { return config; }
                @Override public int txRingFree(int q) { return 0; }
                @Override public boolean txPost(int q, SkBuff skb) { return false; }
                @Override public void txDoorbell(int q) { }
                @Override public SkBuff txReclaim(int q) { return null; }
                @Override public void txFlush(int q, Consumer<SkBuff> sink) { }
                @Override public int rxRingFree(int q) { return 0; }
                @Override public boolean rxPost(int q, SkBuff skb) { return false; }
                @Override public SkBuff rxReclaim(int q) { return null; }
                @Override public void rxFlush(int q, Consumer<SkBuff> sink) { }
                @Override public void setRxCoalesce(long u, int f) { }
                @Override public void setRssQueues(int n) { }
                @Override public void receive(long ts, byte[] f, int off, int len) {
                    for (NicPort p : ports) p.received(ts, 0, f, off, len);
                }
                @Override public void requestIrq(Runnable h) { }
                @Override public void freeIrq() { }
                @Override public void irqEnable() { }
                @Override public void irqDisable() { }
                @Override public void setTxCoalesce(long u, int f) { }
                @Override public boolean linkUp() { return true; }
                @Override public Map<String, Long> ethtoolStats() { return new HashMap<>(); }
                @Override public void attachPort(NicPort p) {
                    p.bind(this::receive);
                    ports = Arrays.copyOf(ports, ports.length + 1);
                    ports[ports.length - 1] = p;
                }
                @Override public void detachPort(NicPort p) {
                    List<NicPort> l = new ArrayList<>(Arrays.asList(ports));
                    if (l.remove(p)) p.unbind();
                    ports = l.toArray(new NicPort[0]);
                }
                @Override public void setLink(boolean up) { }
                @Override public void setRate(long bps) { }
            };
        }
    }

    /**
     * A port that keeps a copy of every frame with its timestamp and TX queue, in the order they
     * reached the wire, and separately every frame the NIC received ({@link #received}) with its
     * timestamp and RX queue. Frame ids for {@link #ids} are read with the function given at
     * construction (by default the IPv4 id of an Ethernet/IPv4 frame).
     */
    public static final class RecordingPort implements NicPort {
        private final List<byte[]> frames = new ArrayList<>();
        private final List<Long> times = new ArrayList<>();
        private final List<Integer> queues = new ArrayList<>();
        private final List<byte[]> rxFrames = new ArrayList<>();
        private final List<Long> rxTimes = new ArrayList<>();
        private final List<Integer> rxQueues = new ArrayList<>();
        private final ToIntFunction<byte[]> id;

        /** Ids are the IPv4 id at offset 14. */
        public RecordingPort() {
            this(f -> Ipv4Header.id(f, 14));
        }

        /** Ids are what {@code id} reads from a frame. */
        public RecordingPort(ToIntFunction<byte[]> id) {
            this.id = id;
        }

        @Override
        public void transmit(long ts, int q, byte[] f, int off, int len) {
            frames.add(Arrays.copyOfRange(f, off, off + len));
            times.add(ts);
            queues.add(q);
        }

        @Override
        public void received(long ts, int q, byte[] f, int off, int len) {
            rxFrames.add(Arrays.copyOfRange(f, off, off + len));
            rxTimes.add(ts);
            rxQueues.add(q);
        }

        @Override public void flush() { }
        @Override public void close() { }
        @Override public String describe() { return "test"; }

        /** The received frames' bytes, in arrival order. */
        public List<byte[]> rxFrames() { return Collections.unmodifiableList(rxFrames); }

        /** The received frames' arrival times, ns. */
        public List<Long> rxTimes() { return Collections.unmodifiableList(rxTimes); }

        /** The RX queue RSS chose for each received frame. */
        public List<Integer> rxQueues() { return Collections.unmodifiableList(rxQueues); }

        /** The frames' bytes. */
        public List<byte[]> frames() { return Collections.unmodifiableList(frames); }

        /** The frames' timestamps (their first bit on the wire), ns. */
        public List<Long> times() { return Collections.unmodifiableList(times); }

        /** The TX queue each frame came from. */
        public List<Integer> queues() { return Collections.unmodifiableList(queues); }

        /** The id of every frame. */
        public List<Integer> ids() {
            List<Integer> l = new ArrayList<>();
            for (byte[] f : frames) l.add(id.applyAsInt(f));
            return l;
        }

        /** The ids of the frames from TX queue {@code q}. */
        public List<Integer> idsOfQueue(int q) {
            List<Integer> l = new ArrayList<>();
            for (int i = 0; i < frames.size(); i++) if (queues.get(i) == q) l.add(id.applyAsInt(frames.get(i)));
            return l;
        }
    }
}
