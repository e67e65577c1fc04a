package org.nicemu.pktgen;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.nicemu.api.driver.NetDevice;
import org.nicemu.api.driver.NetDriver;
import org.nicemu.api.driver.NetdevFeatures;
import org.nicemu.api.emu.Device;
import org.nicemu.api.emu.DeviceSpec;
import org.nicemu.api.emu.Host;
import org.nicemu.api.emu.PktgenService;
import org.nicemu.api.nic.NicConfig;
import org.nicemu.api.nic.NicHardware;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.core.dev.EmulationImpl;
import org.nicemu.core.testing.DeviceHarness;

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

    final DeviceHarness harness;
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
        NicConfig cfg = DeviceHarness.nicConfig(queues, 256, rate, 0, NicConfig.Arbitration.ROUND_ROBIN, preambleIfg, 0, 0);
        harness = new DeviceHarness(7)
                .nic(new DeviceHarness.StubNicFactory())
                .driver(DeviceHarness.driverFactory("recording", p -> made[0] = new RecordingDriver(csumOffload)))
                .oneDevice(cpus, new DeviceSpec("eth0", cfg, "recording", Map.of(), null));
        emu = (EmulationImpl) harness.emulation();
        host = harness.host();
        dev = harness.dev();
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
        harness.runPosted();
        if (err[0] != null) throw err[0];
        return g[0];
    }

    /** Runs the loop up to and including emulated time {@code t}. */
    void runUntil(long t) {
        harness.runUntil(t);
    }

    /** Runs {@code r} on the loop as an event at the current time. */
    void inLoop(Runnable r) {
        harness.inLoop(r);
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
}
