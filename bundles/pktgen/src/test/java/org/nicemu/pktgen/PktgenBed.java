package org.nicemu.pktgen;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.nicemu.api.driver.DriverFactory;
import org.nicemu.api.driver.NetDevice;
import org.nicemu.api.driver.NetDriver;
import org.nicemu.api.driver.NetdevFeatures;
import org.nicemu.api.emu.Device;
import org.nicemu.api.emu.DeviceSpec;
import org.nicemu.api.emu.Host;
import org.nicemu.api.emu.PktgenService;
import org.nicemu.api.exec.EventLoop;
import org.nicemu.api.nic.Nic;
import org.nicemu.api.nic.NicConfig;
import org.nicemu.api.nic.NicFactory;
import org.nicemu.api.nic.NicPort;
import org.nicemu.api.nic.NicHardware;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.stats.CostCounters;
import org.nicemu.core.dev.EmulationImpl;
import org.nicemu.core.dev.Plugins;

/**
 * A real emulation (core device layer, qdisc, softirqs) without OSGi, with a recording driver in
 * place of a NIC model: the driver notes each frame's bytes, metadata and the emulated time it was
 * handed over, then completes it at once through dev_consume_skb_any().
 */
final class PktgenBed {
    /** What the driver saw of one frame. */
    record Sent(long timeNanos, int queue, byte[] frame, int headroom, int macOffset, int networkOffset,
            int transportOffset, int protocol, byte ipSummed, int csumStartFromData, int csumOffset, int priority,
            int senderCpu, int hash) {
    }

    final Plugins plugins = new Plugins();
    final EmulationImpl emu;
    final Host host;
    final Device dev;
    final RecordingDriver driver;
    final PktgenComponent pktgen = new PktgenComponent();

    PktgenBed() {
        this(1, 1_000_000_000L, false, false, 2);
    }

    /**
     * @param queues        TX queues of the NIC
     * @param rate          NIC line rate, bit/s
     * @param preambleIfg   the NIC counts preamble, FCS and IFG
     * @param csumOffload   the driver advertises NETIF_F_IP_CSUM
     * @param cpus          emulated CPUs of the host
     */
    PktgenBed(int queues, long rate, boolean preambleIfg, boolean csumOffload, int cpus) {
        RecordingDriver[] made = new RecordingDriver[1];
        plugins.setNicFactory(new StubNicFactory());
        plugins.addDriver(new DriverFactory() {
            @Override public String kind() { return "recording"; }
            @Override public NetDriver create(Map<String, String> params) { return made[0] = new RecordingDriver(csumOffload); }
            @Override public String usage() { return ""; }
        });
        emu = new EmulationImpl("t", 7, true, plugins, false);
        host = emu.addHost("h1", cpus);
        NicConfig cfg = new NicConfig(queues, 256, rate, 1500, new byte[] {2, 0, 0, 0, 0, 1}, 0,
                NicConfig.Arbitration.ROUND_ROBIN, preambleIfg, 0, 0);
        dev = host.addDevice(new DeviceSpec("eth0", cfg, "recording", Map.of(), null));
        driver = made[0];
    }

    /** Starts a generator on the loop (as an event at the current time) and returns it. */
    PktgenService.Generator start(String name, Map<String, String> params) {
        PktgenService.Generator[] g = new PktgenService.Generator[1];
        RuntimeException[] err = new RuntimeException[1];
        emu.loop().post(() -> {
            try {
                g[0] = pktgen.start(dev, name, params);
            } catch (RuntimeException e) {
                err[0] = e;
            }
        });
        emu.loopImpl().runPosted();
        if (err[0] != null) throw err[0];
        return g[0];
    }

    /** Runs the loop up to and including emulated time {@code t}. */
    void runUntil(long t) {
        emu.loopImpl().runUntil(t);
    }

    /** Runs {@code r} on the loop as an event at the current time. */
    void inLoop(Runnable r) {
        emu.loop().post(r);
        emu.loopImpl().runUntil(emu.loop().now());
    }

    List<Sent> sent() {
        return driver.sent;
    }

    /** Records and completes every frame. */
    static final class RecordingDriver implements NetDriver {
        final boolean csumOffload;
        final List<Sent> sent = new ArrayList<>();
        NetDevice dev;

        RecordingDriver(boolean csumOffload) {
            this.csumOffload = csumOffload;
        }

        @Override public String kind() { return "recording"; }

        @Override
        public void probe(NetDevice d, NicHardware hw) {
            dev = d;
            d.setRealNumTxQueues(hw.config().numTxQueues());
            d.setFeatures(NetdevFeatures.NETIF_F_SG | (csumOffload ? NetdevFeatures.NETIF_F_IP_CSUM : 0));
        }

        @Override public void ndoOpen() { for (int q = 0; q < dev.realNumTxQueues(); q++) dev.netifTxWakeQueue(q); }

        @Override public void ndoStop() { }

        @Override
        public int ndoStartXmit(SkBuff skb, int queue, boolean more) {
            byte[] f = new byte[skb.len()];
            skb.copyBits(0, f, 0, f.length);
            int data = skb.dataOffset();
            sent.add(new Sent(dev.loop().now(), queue, f, skb.headroom(), skb.macHeader - data, skb.networkOffset(),
                    skb.transportOffset(), skb.protocol, skb.ipSummed, skb.csumStart - data, skb.csumOffset, skb.priority,
                    skb.senderCpu, skb.hash));
            dev.devConsumeSkbAny(skb);
            return NETDEV_TX_OK;
        }

        @Override public int napiPoll(int budget) { dev.napiCompleteDone(0); return 0; }

        @Override public void remove() { }

        @Override public Map<String, Long> ethtoolStats() { return new HashMap<>(); }
    }

    /** A NIC that only carries its configuration (the recording driver never posts descriptors). */
    static final class StubNicFactory implements NicFactory {
        @Override
        public Nic create(String name, NicConfig config, EventLoop loop, CostCounters counters) {
            return new Nic() {
                @Override public NicConfig config() { return config; }
                @Override public int txRingFree(int q) { return 0; }
                @Override public boolean txPost(int q, SkBuff skb) { return false; }
                @Override public void txDoorbell(int q) { }
                @Override public SkBuff txReclaim(int q) { return null; }
                @Override public void txFlush(int q, Consumer<SkBuff> sink) { }
                @Override public void requestIrq(Runnable h) { }
                @Override public void freeIrq() { }
                @Override public void irqEnable() { }
                @Override public void irqDisable() { }
                @Override public void setTxCoalesce(long u, int f) { }
                @Override public boolean linkUp() { return true; }
                @Override public Map<String, Long> ethtoolStats() { return new HashMap<>(); }
                @Override public void attachPort(NicPort p) { }
                @Override public void detachPort(NicPort p) { }
                @Override public void setLink(boolean up) { }
                @Override public void setRate(long bps) { }
            };
        }
    }
}
