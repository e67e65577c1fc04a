package org.nicemu.port.pcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nicemu.api.exec.EventLoop;
import org.nicemu.api.nic.FrameReceiver;
import org.nicemu.api.nic.NicConfig;
import org.nicemu.api.nic.NicPort;
import org.nicemu.api.nic.PortBinding;

/** Received frames in the capture ports: merged pcap in time order, pcapng RX interfaces after the TX ones. */
class ReceivedFramesTest {
    @TempDir
    Path dir;

    /** What a NIC with {@code rxQueues} RX queues would tell a port at attach. */
    static PortBinding binding(int txQueues, int rxQueues) {
        NicConfig cfg = new NicConfig(txQueues, 64, 1_000_000_000L, 1500, new byte[] {2, 0, 0, 0, 0, 1}, 0,
                NicConfig.Arbitration.ROUND_ROBIN, false, 0, 0, rxQueues, 64);
        return new PortBinding() {
            @Override public String nicName() { return "h1/eth0"; }
            @Override public FrameReceiver receiver() { return (t, f, o, l) -> { }; }
            @Override public EventLoop loop() { return null; }
            @Override public NicConfig config() { return cfg; }
            @Override public long serializationNanos(int len) { return len * 8L; }
        };
    }

    @Test
    void mergedPcapHoldsBothDirectionsInTimeOrder() throws Exception {
        Path f = dir.resolve("h2-eth0.pcap");
        NicPort port = new PcapPortFactory().open("eth0", 2, Map.of("file", f.toString()));
        byte[] a = TestFrames.udp(100, 1);
        byte[] b = TestFrames.tcp(200, 2);
        byte[] c = TestFrames.udp(300, 3);
        port.transmit(1_000, 1, a, 0, a.length);
        port.received(2_500, 0, b, 0, b.length);
        port.transmit(3_000, 0, c, 0, c.length);
        port.close();
        CaptureReader.Pcap p = CaptureReader.readPcap(f);
        assertEquals(3, p.records().size());
        assertEquals(List.of(1_000L, 2_500L, 3_000L), p.records().stream().map(CaptureReader.PcapRecord::timestampNanos).toList());
        assertEquals(List.of(100, 200, 300), p.records().stream().map(CaptureReader.PcapRecord::origLen).toList());
        Tshark.assertClean(f, 3);
    }

    @Test
    void perQueuePcapFilesKeepOnlyTheTxQueues() throws Exception {
        Path f = dir.resolve("h2-eth0.pcap");
        NicPort port = new PcapPortFactory().open("eth0", 2, Map.of("file", f.toString(), "perQueue", "true"));
        byte[] a = TestFrames.udp(100, 1);
        port.transmit(1_000, 1, a, 0, a.length);
        port.received(2_000, 0, a, 0, a.length);
        port.close();
        assertEquals(0, CaptureReader.readPcap(dir.resolve("h2-eth0-tx0.pcap")).records().size());
        assertEquals(1, CaptureReader.readPcap(dir.resolve("h2-eth0-tx1.pcap")).records().size());
    }

    @Test
    void pcapngNamesRxQueuesAfterTheTxQueues() {
        Path f = dir.resolve("h2-eth0.pcapng");
        PcapngPort port = (PcapngPort) new PcapngPortFactory().open("eth0", 2, Map.of("file", f.toString()));
        port.bind(binding(2, 3));
        assertEquals(2, port.rxInterfaceBase());
        byte[] a = TestFrames.udp(100, 1);
        byte[] b = TestFrames.tcp(200, 2);
        port.transmit(1_000, 1, a, 0, a.length);
        port.received(2_000, 2, b, 0, b.length);
        port.received(3_000, 0, a, 0, a.length);
        assertTrue(port.describe().endsWith("3 RX queues as eth0-rx0..eth0-rx2)"), port.describe());
        port.close();
        Tshark.assertClean(f, 3);
        assertEquals(List.of(List.of("1", "eth0-tx1"), List.of("4", "eth0-rx2"), List.of("2", "eth0-rx0")),
                Tshark.fields(f, "frame.interface_id", "frame.interface_name"));
    }

    @Test
    void anUnboundPcapngPortGetsAsManyRxInterfacesAsTxQueues() {
        Path f = dir.resolve("x.pcapng");
        PcapngPort port = (PcapngPort) new PcapngPortFactory().open("eth1", 2, Map.of("file", f.toString()));
        byte[] a = TestFrames.udp(100, 1);
        port.transmit(1_000, 0, a, 0, a.length);
        port.received(2_000, 1, a, 0, a.length);
        port.close();
        assertEquals(List.of(List.of("0", "eth1-tx0"), List.of("3", "eth1-rx1")),
                Tshark.fields(f, "frame.interface_id", "frame.interface_name"));
    }
}
