package org.nicemu.port.pcap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test support: a minimal, strict reader of the files this module writes (little-endian classic
 * nanosecond pcap and pcapng). It checks the structure as it goes and throws AssertionError on
 * anything unexpected, so tests can compare what was written byte for byte.
 */
public final class CaptureReader {
    private CaptureReader() {
    }

    /** The 24-byte classic pcap global header. */
    public record PcapHeader(int magic, int major, int minor, int thiszone, int sigfigs, int snaplen, int network) {
    }

    /** One record of a classic pcap file. */
    public record PcapRecord(long tsSec, long tsNsec, int inclLen, int origLen, byte[] data) {
        /** Timestamp in nanoseconds. */
        public long timestampNanos() {
            return tsSec * 1_000_000_000L + tsNsec;
        }
    }

    /** A classic pcap file. */
    public record Pcap(PcapHeader header, List<PcapRecord> records) {
    }

    /** Reads a classic pcap file; fails on a truncated record or trailing garbage. */
    public static Pcap readPcap(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        check(b.remaining() >= 24, "file shorter than the pcap global header");
        PcapHeader h = new PcapHeader(b.getInt(), b.getShort() & 0xffff, b.getShort() & 0xffff,
                b.getInt(), b.getInt(), b.getInt(), b.getInt());
        List<PcapRecord> records = new ArrayList<>();
        while (b.hasRemaining()) {
            check(b.remaining() >= 16, "truncated record header at " + b.position());
            long sec = b.getInt() & 0xffffffffL;
            long nsec = b.getInt() & 0xffffffffL;
            int incl = b.getInt();
            int orig = b.getInt();
            check(nsec < 1_000_000_000L, "ts_nsec " + nsec + " >= 1e9");
            check(incl >= 0 && incl <= orig && incl <= h.snaplen(), "bad incl_len " + incl + " orig " + orig);
            check(b.remaining() >= incl, "truncated record data at " + b.position());
            byte[] data = new byte[incl];
            b.get(data);
            records.add(new PcapRecord(sec, nsec, incl, orig, data));
        }
        return new Pcap(h, records);
    }

    /** One pcapng block: type, body (without type, the two lengths) and total length. */
    public record Block(int type, int totalLength, ByteBuffer body) {
    }

    /** One option of a pcapng block. */
    public record Option(int code, byte[] value) {
        /** The value as an unsigned little-endian 64-bit number. */
        public long u64() {
            check(value.length == 8, "option " + code + " is not 8 bytes");
            return ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).getLong();
        }

        /** The value as a pcapng timestamp (high word first) in the interface's units. */
        public long timestamp() {
            check(value.length == 8, "option " + code + " is not 8 bytes");
            ByteBuffer v = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
            return ((v.getInt() & 0xffffffffL) << 32) | (v.getInt() & 0xffffffffL);
        }

        /** The value as UTF-8 text. */
        public String text() {
            return new String(value, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /**
     * Splits a pcapng file into blocks, checking that every total length is a multiple of 4,
     * repeated at the end of its block, and that the file ends exactly after the last block.
     */
    public static List<Block> readBlocks(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        List<Block> blocks = new ArrayList<>();
        while (b.hasRemaining()) {
            int start = b.position();
            check(b.remaining() >= 12, "truncated block at " + start);
            int type = b.getInt();
            int total = b.getInt();
            check(total >= 12 && total % 4 == 0, "block at " + start + ": total length " + total);
            check(b.remaining() >= total - 8, "block at " + start + " truncated");
            ByteBuffer body = b.slice(start + 8, total - 12).order(ByteOrder.LITTLE_ENDIAN);
            b.position(start + total - 4);
            int trailer = b.getInt();
            check(trailer == total, "block at " + start + ": trailing length " + trailer + " != " + total);
            blocks.add(new Block(type, total, body));
        }
        return blocks;
    }

    /**
     * Parses the options at the current position of {@code body} up to opt_endofopt, checking the
     * 32-bit padding is zero and that the block ends right after opt_endofopt.
     */
    public static Map<Integer, List<Option>> options(ByteBuffer body) {
        Map<Integer, List<Option>> opts = new LinkedHashMap<>();
        while (true) {
            check(body.remaining() >= 4, "options without opt_endofopt");
            int code = body.getShort() & 0xffff;
            int len = body.getShort() & 0xffff;
            if (code == 0) {
                check(len == 0, "opt_endofopt with length " + len);
                check(!body.hasRemaining(), body.remaining() + " bytes after opt_endofopt");
                return opts;
            }
            byte[] v = new byte[len];
            body.get(v);
            int pad = (4 - len % 4) % 4;
            for (int i = 0; i < pad; i++) {
                check(body.get() == 0, "non-zero option padding");
            }
            opts.computeIfAbsent(code, k -> new ArrayList<>()).add(new Option(code, v));
        }
    }

    /** An Enhanced Packet Block, parsed. */
    public record Epb(int interfaceId, long timestamp, int capturedLength, int originalLength, byte[] data) {
    }

    /** Parses an EPB body, checking zero padding and the absence of options. */
    public static Epb epb(Block blk) {
        check(blk.type() == PcapngWriter.BT_EPB, "not an EPB: " + blk.type());
        ByteBuffer b = blk.body().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int ifId = b.getInt();
        long ts = ((b.getInt() & 0xffffffffL) << 32) | (b.getInt() & 0xffffffffL);
        int cap = b.getInt();
        int orig = b.getInt();
        byte[] data = new byte[cap];
        b.get(data);
        while (b.hasRemaining()) {
            check(b.get() == 0, "non-zero packet padding");
        }
        check(blk.totalLength() == 32 + ((cap + 3) & ~3), "EPB total length " + blk.totalLength() + " for caplen " + cap);
        return new Epb(ifId, ts, cap, orig, data);
    }

    static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError("capture format: " + what);
        }
    }

    /** Convenience for messages. */
    static String hex(byte[] b) {
        return Arrays.toString(b);
    }
}
