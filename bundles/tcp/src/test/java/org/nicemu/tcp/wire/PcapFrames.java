package org.nicemu.tcp.wire;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A tiny reader of classic pcap files (LINKTYPE_ETHERNET, either byte order, µs or ns) that finds
 * the TCP options of every IPv4/TCP frame, for comparing the codec with what Linux put on the wire.
 */
public final class PcapFrames {

    /** One IPv4/TCP frame: its number (1-based, as tshark counts), the frame and where the options are. */
    public record TcpFrame(int number, byte[] frame, int tcpOff, int flags, int optOff, int optLen) {
        public boolean syn() { return (flags & 0x02) != 0; }

        public boolean ack() { return (flags & 0x10) != 0; }

        /** TCP payload length (IPv4 total length minus headers). */
        public int payloadLen() {
            int totLen = (frame[16] & 0xff) << 8 | (frame[17] & 0xff);
            return 14 + totLen - (optOff + optLen);
        }

        public long tcpSeq() {
            return ((frame[tcpOff + 4] & 0xffL) << 24) | ((frame[tcpOff + 5] & 0xff) << 16) | ((frame[tcpOff + 6] & 0xff) << 8)
                    | (frame[tcpOff + 7] & 0xff);
        }

        public int srcPort() { return (frame[tcpOff] & 0xff) << 8 | (frame[tcpOff + 1] & 0xff); }

        public byte[] options() {
            byte[] o = new byte[optLen];
            System.arraycopy(frame, optOff, o, 0, optLen);
            return o;
        }
    }

    private PcapFrames() {
    }

    public static List<TcpFrame> readTcp(String resource) throws IOException {
        byte[] file;
        try (InputStream in = PcapFrames.class.getResourceAsStream("/" + resource)) {
            if (in == null) throw new IOException("missing test resource " + resource);
            file = in.readAllBytes();
        }
        return parseTcp(file);
    }

    /** The IPv4/TCP frames of a capture file (e.g. one a test bed's pcap port wrote). */
    public static List<TcpFrame> readTcp(java.nio.file.Path file) throws IOException {
        return parseTcp(java.nio.file.Files.readAllBytes(file));
    }

    private static List<TcpFrame> parseTcp(byte[] file) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(file);
        int magic = bb.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d) bb.order(ByteOrder.LITTLE_ENDIAN);
        else bb.order(ByteOrder.BIG_ENDIAN);
        int m = bb.getInt(0);
        if (m != 0xa1b2c3d4 && m != 0xa1b23c4d) throw new IOException("not a classic pcap: " + Integer.toHexString(magic));
        if (bb.getInt(20) != 1) throw new IOException("link type " + bb.getInt(20) + " is not Ethernet");
        List<TcpFrame> out = new ArrayList<>();
        int p = 24;
        int number = 0;
        while (p + 16 <= file.length) {
            int inclLen = bb.getInt(p + 8);
            p += 16;
            number++;
            byte[] frame = new byte[inclLen];
            System.arraycopy(file, p, frame, 0, inclLen);
            p += inclLen;
            if (inclLen < 14 + 20 + 20) continue;
            int etherType = (frame[12] & 0xff) << 8 | (frame[13] & 0xff);
            if (etherType != 0x0800) continue;
            int ihl = (frame[14] & 0x0f) * 4;
            if ((frame[14 + 9] & 0xff) != 6) continue;
            int tcpOff = 14 + ihl;
            int doff = ((frame[tcpOff + 12] & 0xff) >>> 4) * 4;
            out.add(new TcpFrame(number, frame, tcpOff, frame[tcpOff + 13] & 0xff, tcpOff + 20, doff - 20));
        }
        return out;
    }
}
