package org.nicemu.core.dev;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.nicemu.api.driver.NetDevice;
import org.nicemu.api.driver.NetDriver;
import org.nicemu.api.emu.DeviceSpec;
import org.nicemu.api.nic.NicConfig;
import org.nicemu.api.nic.NicHardware;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.core.testing.DeviceHarness;

/**
 * A device-layer test bed: a real emulation, host and device, with a scripted driver that records
 * what it is given (no NIC timing), so dev.c / sch_generic.c behaviour can be asserted exactly.
 */
final class TestBed {
    final DeviceHarness harness;
    final HostImpl host;
    final NetDeviceImpl dev;
    final ScriptedDriver driver;

    TestBed(int queues, int[] xps) {
        this(queues, xps, 2);
    }

    TestBed(int queues, int[] xps, int cpus) {
        ScriptedDriver[] made = new ScriptedDriver[1];
        NicConfig cfg = DeviceHarness.nicConfig(queues, 256, 0, 0, 0);
        harness = new DeviceHarness(42)
                .nic(new DeviceHarness.StubNicFactory())
                .driver(DeviceHarness.driverFactory("scripted", p -> made[0] = new ScriptedDriver()))
                .oneDevice(cpus, new DeviceSpec("eth0", cfg, "scripted", Map.of(), xps));
        host = (HostImpl) harness.host();
        dev = (NetDeviceImpl) harness.dev();
        driver = made[0];
    }

    /** A 100-byte Ethernet/IPv4/UDP-looking frame with the given priority and hash. */
    SkBuff frame(int id, int priority, int hash) {
        SkBuff s = host.allocator().allocSkb(128);
        s.reserve(16);
        int off = s.put(100);
        byte[] b = s.head();
        b[off + 12] = 0x08;
        b[off + 13] = 0;
        b[off + 14] = 0x45;
        b[off + 23] = 17;
        b[off + 99] = (byte) id;
        s.mark = id;
        s.priority = priority;
        s.hash = hash;
        s.protocol = 0x0800;
        return s;
    }

    void run() { harness.run(); }

    /** The driver the tests script: records accepted skbs' marks, may refuse or stop the queue. */
    static final class ScriptedDriver implements NetDriver {
        NetDevice dev;
        final List<Integer> sent = new ArrayList<>();
        final List<Integer> sentQueues = new ArrayList<>();
        final List<Boolean> xmitMore = new ArrayList<>();
        int busyOnCall = -1;
        int calls;
        int selectQueue = -1;
        boolean stopAfterEach;

        @Override public String kind() { return "scripted"; }
        @Override public void probe(NetDevice d, NicHardware hw) { dev = d; d.setRealNumTxQueues(hw.config().numTxQueues()); }
        @Override public void ndoOpen() { for (int q = 0; q < dev.realNumTxQueues(); q++) dev.netifTxWakeQueue(q); }
        @Override public void ndoStop() { }

        @Override
        public int ndoStartXmit(SkBuff skb, int queue, boolean more) {
            calls++;
            if (calls == busyOnCall) return NETDEV_TX_BUSY;
            sent.add(skb.mark);
            sentQueues.add(queue);
            xmitMore.add(more);
            dev.devConsumeSkbAny(skb);
            if (stopAfterEach) dev.netifTxStopQueue(queue);
            return NETDEV_TX_OK;
        }

        @Override public int ndoSelectQueue(SkBuff skb, int n) { return selectQueue; }
        @Override public int napiPoll(int budget) { dev.napiCompleteDone(0); return 0; }
        @Override public void remove() { }
        @Override public Map<String, Long> ethtoolStats() { return new HashMap<>(); }
    }
}
