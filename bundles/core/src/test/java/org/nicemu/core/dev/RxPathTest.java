package org.nicemu.core.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nicemu.api.driver.NetDevice;
import org.nicemu.api.emu.Device;
import org.nicemu.api.net.PacketHandler;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.stats.DropReason;
import org.nicemu.api.wire.EthernetHeader;

/** The receive path of the device layer: eth_type_trans, __netif_receive_skb_core, netif_rx and its backlog. */
class RxPathTest {
    static final long OURS = 0x020000000001L;

    final TestBed b = new TestBed(1, null);
    final List<String> seen = new ArrayList<>();

    /** A frame of {@code len} bytes to {@code dst} with EtherType/length {@code type}, byte 14 = id. */
    SkBuff frame(long dst, int type, int len, int id) {
        SkBuff s = b.host.allocator().allocSkb(len + 66);
        s.reserve(66);
        int d = s.put(len);
        EthernetHeader.write(s.head(), d, dst, 0x020000000002L, type);
        if (len > 14) s.head()[d + 14] = (byte) id;
        return s;
    }

    /** A handler that notes what it got and frees the skb. */
    PacketHandler recorder(String tag) {
        return (skb, dev) -> {
            seen.add(tag + ":" + (skb.head()[skb.dataOffset()] & 0xff) + ":type" + skb.pktType + ":proto" + skb.protocol
                    + ":mac" + (skb.dataOffset() - skb.macHeader) + ":net" + (skb.networkHeader - skb.dataOffset())
                    + ":" + dev.name());
            dev.host().allocator().free(skb);
        };
    }

    void receive(SkBuff... skbs) {
        b.harness.inLoop(() -> {
            for (SkBuff s : skbs) b.dev.netifReceiveSkb(s);
        });
    }

    @Test
    void ethTypeTransClassifiesByDestinationAndEtherType() {
        b.host.addPacketHandler(0x0800, recorder("ip"));
        b.host.addPacketHandler(0x0001, recorder("802.3"));
        b.host.addPacketHandler(0x0004, recorder("802.2"));
        SkBuff raw = frame(OURS, 46, 60, 0xff);
        raw.head()[raw.dataOffset() + 15] = (byte) 0xff; // payload starts with 0xFFFF: raw 802.3 (IPX)
        receive(frame(OURS, 0x0800, 100, 1),
                frame(0xffffffffffffL, 0x0800, 100, 2),
                frame(0x01005e000001L, 0x0800, 100, 3),
                frame(0x020000000099L, 0x0800, 100, 4),
                raw,
                frame(OURS, 46, 60, 6),
                frame(OURS, 0x86dd, 100, 7));
        assertEquals(List.of(
                "ip:1:type0:proto2048:mac14:net0:eth0",
                "ip:2:type1:proto2048:mac14:net0:eth0",
                "ip:3:type2:proto2048:mac14:net0:eth0",
                "802.3:255:type0:proto1:mac14:net0:eth0",
                "802.2:6:type0:proto4:mac14:net0:eth0"), seen);
        Map<String, Long> st = b.dev.stats();
        assertEquals(7, st.get("rx_packets"));
        assertEquals(100 * 5 + 60 * 2, st.get("rx_bytes"), "whole frames, Ethernet header included");
        assertEquals(2, st.get("rx_dropped"), "the other host's frame and the IPv6 frame nobody handles");
        assertEquals(1, st.get("rx_nohandler"));
        assertEquals(1, b.dev.drops().packets(DropReason.OTHERHOST));
        assertEquals(1, b.dev.drops().packets(DropReason.UNHANDLED_PROTO));
        assertEquals(86, b.dev.drops().bytes(DropReason.UNHANDLED_PROTO), "counted after the pull");
        assertEquals(0, b.host.allocator().inUse());
        assertEquals(7, b.host.counters().netifReceiveSkbPackets);
        assertEquals(5, b.host.counters().ptypeDeliver);
    }

    @Test
    void aFrameShorterThanAnEthernetHeaderIsDropped() {
        receive(frame(OURS, 0, 10, 0));
        assertEquals(1, b.dev.drops().packets(DropReason.PKT_TOO_SMALL));
        assertEquals(1, b.dev.stats().get("rx_dropped"));
        assertEquals(0, b.host.allocator().inUse());
    }

    @Test
    void everyHandlerOfAnEtherTypeGetsItsOwnReference() {
        List<Integer> users = new ArrayList<>();
        PacketHandler h1 = (skb, dev) -> {
            users.add(skb.users());
            dev.host().allocator().free(skb);
        };
        PacketHandler h2 = (skb, dev) -> {
            users.add(skb.users());
            dev.host().allocator().free(skb);
        };
        b.host.addPacketHandler(0x0806, h1);
        b.host.addPacketHandler(0x0806, h2);
        b.host.addPacketHandler(0x0806, h1); // once only
        receive(frame(0xffffffffffffL, 0x0806, 60, 1));
        assertEquals(List.of(2, 1), users, "deliver_skb takes a reference for all but the last");
        assertEquals(0, b.host.allocator().inUse());
        b.host.removePacketHandler(0x0806, h1);
        receive(frame(0xffffffffffffL, 0x0806, 60, 2));
        assertEquals(List.of(2, 1, 1), users);
        b.host.removePacketHandler(0x0806, h2);
        receive(frame(0xffffffffffffL, 0x0806, 60, 3));
        assertEquals(1, b.dev.drops().packets(DropReason.UNHANDLED_PROTO));
        assertThrows(IllegalArgumentException.class, () -> b.host.addPacketHandler(0x10000, h1));
    }

    @Test
    void aDownDeviceDropsWhatItReceives() {
        b.host.addPacketHandler(0x0800, recorder("ip"));
        b.harness.inLoop(() -> b.dev.setUp(false));
        receive(frame(OURS, 0x0800, 100, 1));
        assertEquals(List.of(), seen);
        assertEquals(1, b.dev.drops().packets(DropReason.DEV_READY));
        assertEquals(1, b.dev.stats().get("rx_dropped"));
    }

    @Test
    void netifRxQueuesToTheBacklogUpToNetdevMaxBacklogPlusOne() {
        int[] delivered = new int[1];
        b.host.addPacketHandler(0x0800, (skb, dev) -> {
            delivered[0]++;
            dev.host().allocator().free(skb);
        });
        int[] rc = new int[2];
        long rxActionsBefore = b.host.counters().softirqNetRx;
        b.harness.inLoop(() -> {
            b.host.setCurrentCpu(1);
            for (int i = 0; i < 1200; i++) rc[b.dev.netifRx(frame(OURS, 0x0800, 100, i))]++;
        });
        assertEquals(1001, rc[NetDevice.NET_RX_SUCCESS], "enqueue_to_backlog accepts while qlen <= 1000");
        assertEquals(199, rc[NetDevice.NET_RX_DROP]);
        assertEquals(1001, delivered[0], "process_backlog delivered every queued frame");
        assertEquals(199, b.dev.drops().packets(DropReason.CPU_BACKLOG));
        assertEquals(1200, b.dev.stats().get("rx_packets"));
        assertEquals(199, b.dev.stats().get("rx_dropped"));
        assertEquals(Map.of("processed", 1001L, "dropped", 199L, "backlog_len", 0L, "time_squeeze", 0L), b.host.softnetStat(1));
        assertEquals(1001, b.host.counters().rxBacklogEnqueue);
        assertEquals(199, b.host.counters().rxBacklogDrop);
        // weight 64 per net_rx_action: 15 full polls and one of 41; 10 softirq restarts, then ksoftirqd
        assertEquals(16, b.host.counters().softirqNetRx - rxActionsBefore);
        assertEquals(1, b.host.ksoftirqdRuns);
        assertEquals(0, b.host.allocator().inUse());
    }

    @Test
    void theBacklogLimitIsASysctl() {
        int[] delivered = new int[1];
        b.host.addPacketHandler(0x0800, (skb, dev) -> {
            delivered[0]++;
            dev.host().allocator().free(skb);
        });
        b.host.sysctl("net.core.netdev_max_backlog", "10");
        assertEquals("10", b.host.sysctls().get("net.core.netdev_max_backlog"));
        b.harness.inLoop(() -> {
            for (int i = 0; i < 20; i++) b.dev.netifRx(frame(OURS, 0x0800, 100, i));
        });
        assertEquals(11, delivered[0]);
        assertEquals(9, b.dev.drops().packets(DropReason.CPU_BACKLOG));
        assertThrows(IllegalArgumentException.class, () -> b.host.sysctl("net.core.netdev_max_backlog", "-1"));
    }

    @Test
    void handlersRunInTheNetRxSoftirqOfTheIrqCpuForNetifRx() {
        List<Integer> cpus = new ArrayList<>();
        b.host.addPacketHandler(0x0800, (skb, dev) -> {
            cpus.add(((HostImpl) dev.host()).currentCpu());
            dev.host().allocator().free(skb);
        });
        b.harness.inLoop(() -> {
            b.host.setCurrentCpu(1);
            b.dev.netifRx(frame(OURS, 0x0800, 100, 1));
            b.host.setCurrentCpu(0);
        });
        assertEquals(List.of(1), cpus, "the backlog of the CPU that called netif_rx");
        Device d = b.dev;
        assertEquals(1, d.stats().get("rx_packets"));
    }
}
