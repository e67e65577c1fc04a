package org.nicemu.port.pcap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapngWriterTest {
    @TempDir
    Path dir;

    @Test
    void sectionAndInterfaceBlocksExactBytes() throws IOException {
        Path f = dir.resolve("hdr.pcapng");
        new PcapngWriter(f, "eth0", 1, 65_535).close();
        String hex = HexFormat.of().formatHex(Files.readAllBytes(f));
        String shb = "0a0d0d0a" + "2c000000" + "4d3c2b1a" + "0100" + "0000" + "ffffffffffffffff"
                + "0400" + "0600" + "6e6963656d750000" // shb_userappl "nicemu" + 2 bytes padding
                + "00000000" + "2c000000";
        String idb = "01000000" + "2c000000" + "0100" + "0000" + "ffff0000"
                + "0200" + "0800" + "657468302d747830" // if_name "eth0-tx0"
                + "0900" + "0100" + "09000000"         // if_tsresol 9
                + "00000000" + "2c000000";
        String isb = "05000000" + "40000000" + "00000000" + "00000000" + "00000000"
                + "0400" + "0800" + "0000000000000000"  // isb_ifrecv 0
                + "0500" + "0800" + "0000000000000000"  // isb_ifdrop 0
                + "0700" + "0800" + "0000000000000000"  // isb_osdrop 0
                + "00000000" + "40000000";
        assertEquals(shb + idb + isb, hex);
    }

    @Test
    void blockStructureInterfacesPacketsAndStatistics() throws IOException {
        Path f = dir.resolve("q.pcapng");
        int queues = 3;
        List<long[]> sent = new ArrayList<>(); // {ts, queue, len}
        try (PcapngWriter w = new PcapngWriter(f, "veth-a", queues, 262_144)) {
            for (int i = 0; i < 40; i++) {
                int q = (i * 7) % queues;
                int len = 60 + i;          // every padding 0..3
                long ts = 5_000_000_000L * (i % 2 == 0 ? 1 : 1000) + i; // high word used for odd i
                byte[] fr = TestFrames.udp(len, i);
                w.write(ts, q, fr, 0, len);
                sent.add(new long[] {ts, q, len});
            }
            w.addDrops(0, 3);
            w.addDrops(0, 2);
            w.addDrops(2, 11);
            w.addOsDrops(1, 4);
        }
        List<CaptureReader.Block> blocks = CaptureReader.readBlocks(f);
        assertEquals(1 + queues + 40 + queues, blocks.size());

        CaptureReader.Block shb = blocks.get(0);
        assertEquals(PcapngWriter.BT_SHB, shb.type());
        ByteBuffer sb = shb.body().duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(0x1A2B3C4D, sb.getInt());
        assertEquals(1, sb.getShort());
        assertEquals(0, sb.getShort());
        assertEquals(-1L, sb.getLong());
        assertEquals("nicemu", CaptureReader.options(sb).get(4).get(0).text());

        for (int q = 0; q < queues; q++) {
            CaptureReader.Block idb = blocks.get(1 + q);
            assertEquals(PcapngWriter.BT_IDB, idb.type());
            ByteBuffer b = idb.body().duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN);
            assertEquals(1, b.getShort(), "LINKTYPE_ETHERNET");
            assertEquals(0, b.getShort());
            assertEquals(262_144, b.getInt());
            Map<Integer, List<CaptureReader.Option>> o = CaptureReader.options(b);
            assertEquals("veth-a-tx" + q, o.get(2).get(0).text());
            assertArrayEquals(new byte[] {9}, o.get(9).get(0).value());
        }

        long maxTs = sent.stream().mapToLong(s -> s[0]).max().orElseThrow();
        long[] perQueue = new long[queues];
        long[] first = new long[queues];
        long[] last = new long[queues];
        for (int i = 0; i < 40; i++) {
            CaptureReader.Epb e = CaptureReader.epb(blocks.get(1 + queues + i));
            long[] s = sent.get(i);
            assertEquals(s[1], e.interfaceId());
            assertEquals(s[0], e.timestamp());
            assertEquals(s[2], e.capturedLength());
            assertEquals(s[2], e.originalLength());
            assertArrayEquals(TestFrames.udp((int) s[2], i), e.data());
            int q = (int) s[1];
            if (perQueue[q]++ == 0) {
                first[q] = s[0];
            }
            last[q] = s[0];
        }

        long[] ifdrop = {5, 0, 11};
        long[] osdrop = {0, 4, 0};
        for (int q = 0; q < queues; q++) {
            CaptureReader.Block isb = blocks.get(1 + queues + 40 + q);
            assertEquals(PcapngWriter.BT_ISB, isb.type());
            ByteBuffer b = isb.body().duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN);
            assertEquals(q, b.getInt());
            long ts = ((b.getInt() & 0xffffffffL) << 32) | (b.getInt() & 0xffffffffL);
            assertEquals(maxTs, ts);
            Map<Integer, List<CaptureReader.Option>> o = CaptureReader.options(b);
            assertEquals(first[q], o.get(2).get(0).timestamp(), "isb_starttime");
            assertEquals(last[q], o.get(3).get(0).timestamp(), "isb_endtime");
            assertEquals(perQueue[q], o.get(4).get(0).u64(), "isb_ifrecv");
            assertEquals(ifdrop[q], o.get(5).get(0).u64(), "isb_ifdrop");
            assertEquals(osdrop[q], o.get(7).get(0).u64(), "isb_osdrop");
        }
    }

    @Test
    void snaplenTruncatesWithOriginalLengthKept() throws IOException {
        Path f = dir.resolve("snap.pcapng");
        byte[] fr = TestFrames.udp(1514, 3);
        try (PcapngWriter w = new PcapngWriter(f, "eth1", 2, 97)) {
            w.write(10, 1, fr, 0, fr.length);
        }
        List<CaptureReader.Block> blocks = CaptureReader.readBlocks(f);
        CaptureReader.Epb e = CaptureReader.epb(blocks.get(3));
        assertEquals(97, e.capturedLength());
        assertEquals(1514, e.originalLength());
        assertEquals(32 + 100, blocks.get(3).totalLength());
    }

    @Test
    void queueOutOfRangeAndBadArgumentsAreRejected() {
        Path f = dir.resolve("bad.pcapng");
        assertThrows(IllegalArgumentException.class, () -> new PcapngWriter(f, "eth0", 0, 100));
        assertThrows(IllegalArgumentException.class, () -> new PcapngWriter(f, "eth0", 1, 262_145));
        try (PcapngWriter w = new PcapngWriter(f, "eth0", 2, 1000)) {
            assertThrows(IndexOutOfBoundsException.class, () -> w.write(0, 2, new byte[60], 0, 60));
            assertThrows(IndexOutOfBoundsException.class, () -> w.addDrops(-1, 1));
        }
    }

    @Test
    void closeIsIdempotentAndStatisticsAreWrittenOnce() throws IOException {
        Path f = dir.resolve("once.pcapng");
        PcapngWriter w = new PcapngWriter(f, "eth0", 2, 1000);
        w.write(1, 0, new byte[60], 0, 60);
        w.close();
        long size = Files.size(f);
        w.close();
        w.write(2, 0, new byte[60], 0, 60);
        assertTrue(w.isClosed());
        assertEquals(size, Files.size(f));
        assertEquals(1 + 2 + 1 + 2, CaptureReader.readBlocks(f).size());
    }

    @Test
    void shutdownRegistryClosesOpenWriters() throws IOException {
        Path f = dir.resolve("hook.pcapng");
        int before = OpenWriters.openCount();
        PcapngWriter w = new PcapngWriter(f, "eth0", 1, 1000);
        w.write(1, 0, new byte[60], 0, 60);
        assertEquals(before + 1, OpenWriters.openCount());
        OpenWriters.closeAll(); // what the JVM shutdown hook runs
        assertTrue(w.isClosed());
        assertEquals(0, OpenWriters.openCount());
        List<CaptureReader.Block> blocks = CaptureReader.readBlocks(f);
        assertEquals(PcapngWriter.BT_ISB, blocks.get(blocks.size() - 1).type());
    }
}
