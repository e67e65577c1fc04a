package org.nicemu.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.nicemu.tcp.SackScoreboard.Seg;

class SackScoreboardTest {
    private static final int MSS = 1000;

    /** A scoreboard at {@code base} with {@code n} full segments sent at 0, 100, 200, ... µs. */
    private static SackScoreboard sent(int base, int n) {
        SackScoreboard sb = new SackScoreboard(MSS, base);
        for (int i = 0; i < n; i++) sb.tcpQueueRtx(base + i * MSS, base + (i + 1) * MSS, 100L * i, "seg" + i);
        return sb;
    }

    /** One ACK: cumulative {@code ack}, SACK blocks as (start, end) pairs; checks the counters after it. */
    private static int ack(SackScoreboard sb, int ack, int... edges) {
        int n = edges.length / 2;
        int[] s = new int[n];
        int[] e = new int[n];
        for (int i = 0; i < n; i++) {
            s[i] = edges[2 * i];
            e[i] = edges[2 * i + 1];
        }
        int flag = sb.tcpAck(ack, s, e, n);
        assertTrue(sb.countersConsistent(), sb.toString());
        return flag;
    }

    /** The queue as "start-end:marks" relative to {@code base}, marks S L R E, "xN" for pcount N > 1. */
    private static String layout(SackScoreboard sb, int base) {
        StringBuilder b = new StringBuilder();
        for (Seg s = sb.first(); s != null; s = sb.next(s)) {
            if (b.length() > 0) b.append(' ');
            b.append(s.seq() - base).append('-').append(s.endSeq() - base).append(':');
            if (s.isSacked()) b.append('S');
            if (s.isLost()) b.append('L');
            if (s.isRetransInFlight()) b.append('R');
            if (s.everRetrans()) b.append('E');
            if (s.pcount() > 1) b.append('x').append(s.pcount());
        }
        return b.toString();
    }

    private static void assertCounters(SackScoreboard sb, int packetsOut, int sackedOut, int lostOut, int retransOut,
            int inFlight) {
        assertEquals(packetsOut, sb.packetsOut(), "packets_out");
        assertEquals(sackedOut, sb.sackedOut(), "sacked_out");
        assertEquals(lostOut, sb.lostOut(), "lost_out");
        assertEquals(retransOut, sb.retransOut(), "retrans_out");
        assertEquals(inFlight, sb.tcpPacketsInFlight(), "tcp_packets_in_flight");
    }

    @Test
    void fastRetransmitAfterThreeSackedSegmentsAcrossTheSequenceWrap() {
        int b = -2000; // segment 2 is [0, 1000): the queue spans 2^32
        SackScoreboard sb = sent(b, 10);
        assertCounters(sb, 10, 0, 0, 0, 10);

        // first dupack with SACK of segment 1
        int flag = ack(sb, b, b + 1000, b + 2000);
        assertEquals(SackScoreboard.FLAG_DATA_SACKED, flag);
        assertCounters(sb, 10, 1, 0, 0, 9);
        assertEquals(b + 2000, sb.highestSackSeq());
        assertEquals(100, sb.firstSacktUs());
        assertEquals(1, sb.sackDelivered());
        assertFalse(sb.reorderingSeen());
        assertEquals(0, sb.markLostRfc6675());

        ack(sb, b, b + 1000, b + 3000);
        assertEquals(1, sb.sackDelivered());
        assertEquals(0, sb.markLostRfc6675());
        assertFalse(sb.isLost(sb.first()));

        // the third SACKed segment makes segment 0 lost (DupThresh 3)
        ack(sb, b, b + 1000, b + 4000);
        assertTrue(sb.isLost(sb.first()));
        assertEquals(1, sb.markLostRfc6675());
        assertEquals(0, sb.markLostRfc6675(), "marking is idempotent");
        assertCounters(sb, 10, 3, 1, 0, 6);
        assertEquals(6000, sb.pipeBytes());
        assertEquals("0-1000:L 1000-2000:S 2000-3000:S 3000-4000:S 4000-5000: 5000-6000: 6000-7000: 7000-8000: "
                + "8000-9000: 9000-10000:", layout(sb, b));
        Seg rtx = sb.nextSegmentToRetransmit();
        assertSame(sb.first(), rtx);
        assertFalse(sb.isLost(sb.find(b + 4500)));

        sb.tcpRetransmitted(rtx, 5_000);
        assertCounters(sb, 10, 3, 1, 1, 7);
        assertEquals(7000, sb.pipeBytes());
        assertEquals(1, sb.totalRetrans());
        assertEquals(5_000, rtx.xmitTimeUs());
        assertNull(sb.nextSegmentToRetransmit(), "retrans_out >= lost_out");
        assertNull(sb.nextSegRule3(), "nothing un-SACKed and not retransmitted below the highest SACK");

        // a hole at segment 4 with segment 5 SACKed: not lost yet, but rule (3) offers it
        ack(sb, b, b + 1000, b + 4000, b + 5000, b + 6000);
        assertCounters(sb, 10, 4, 1, 1, 6);
        assertEquals(0, sb.markLostRfc6675());
        assertSame(sb.find(b + 4000), sb.nextSegRule3());
        assertFalse(sb.reorderingSeen());

        // segment 4 arrives late: SACKed below the highest SACK, never retransmitted -> reordering
        ack(sb, b, b + 1000, b + 6000);
        assertTrue(sb.reorderingSeen());
        assertEquals(b + 4000, sb.reordSeq());
        assertEquals(400, sb.firstSacktUs());
        assertCounters(sb, 10, 5, 1, 1, 5);

        // the retransmission arrives: cumulative ACK of 0..5
        flag = ack(sb, b + 6000);
        assertEquals(SackScoreboard.FLAG_DATA_ACKED | SackScoreboard.FLAG_RETRANS_DATA_ACKED
                | SackScoreboard.FLAG_SND_UNA_ADVANCED, flag);
        assertEquals(6, sb.pktsAcked());
        assertEquals(-1, sb.firstAcktUs(), "Karn: retransmitted or SACKed, no RTT sample");
        assertCounters(sb, 4, 0, 0, 0, 4);
        assertEquals(b + 6000, sb.sndUna());
        assertEquals(b + 6000, sb.highestSackSeq());
        assertEquals(4, sb.size());

        flag = ack(sb, b + 7000);
        assertEquals(SackScoreboard.FLAG_DATA_ACKED | SackScoreboard.FLAG_SND_UNA_ADVANCED, flag);
        assertEquals(600, sb.firstAcktUs());
        assertEquals(600, sb.lastAcktUs());
    }

    @Test
    void partialSacksSplitTsoEntriesOnMssBoundaries() {
        int b = -2500; // the SACKed piece [2000, 3000) is [-500, 500): it contains sequence 0
        SackScoreboard sb = new SackScoreboard(MSS, b);
        List<String> splits = new ArrayList<>();
        sb.setTagSplitter((tag, headLen) -> {
            splits.add(tag + "@" + headLen);
            return tag + "'";
        });
        sb.tcpQueueRtx(b, b + 5000, 0, "tso");
        sb.tcpQueueRtx(b + 5000, b + 6000, 10, "a");
        sb.tcpQueueRtx(b + 6000, b + 7000, 20, "b");
        assertCounters(sb, 7, 0, 0, 0, 7);
        assertEquals(5, sb.first().pcount());

        // [2000, 3500): split at 2000 (start), then at 3000 (end rounded down to the MSS)
        int flag = ack(sb, b, b + 2000, b + 3500);
        assertEquals(SackScoreboard.FLAG_DATA_SACKED, flag);
        assertEquals("0-2000:x2 2000-3000:S 3000-5000:x2 5000-6000: 6000-7000:", layout(sb, b));
        assertEquals(List.of("tso@2000", "tso'@1000"), splits);
        assertEquals("tso''", sb.find(b + 4000).tag());
        assertCounters(sb, 7, 1, 0, 0, 6);
        assertEquals(0, sb.firstSacktUs(), "split parts keep the transmission time");

        // a block starting mid-MSS rounds the split up: [3500, 7000) tags [4000, 5000) and the singles
        ack(sb, b, b + 2000, b + 3500, b + 3500, b + 7000);
        assertEquals("0-2000:x2 2000-3000:S 3000-4000: 4000-5000:S 5000-6000:S 6000-7000:S", layout(sb, b));
        assertCounters(sb, 7, 4, 0, 0, 3);

        // RFC 6675: the head pair has 4 SACKed segments above it, [3000, 4000) too
        assertEquals(3, sb.markLostRfc6675());
        assertEquals("0-2000:Lx2 2000-3000:S 3000-4000:L 4000-5000:S 5000-6000:S 6000-7000:S", layout(sb, b));
        assertCounters(sb, 7, 4, 3, 0, 0);

        // cwnd allows one segment: split the lost pair like tcp_fragment() and retransmit its head
        Seg head = sb.nextSegmentToRetransmit();
        Seg tail = sb.tcpFragment(head, MSS);
        assertEquals("0-1000:L 1000-2000:L 2000-3000:S 3000-4000:L 4000-5000:S 5000-6000:S 6000-7000:S", layout(sb, b));
        assertCounters(sb, 7, 4, 3, 0, 0);
        sb.tcpRetransmitted(head, 1_000);
        assertCounters(sb, 7, 4, 3, 1, 1);
        assertSame(tail, sb.nextSegmentToRetransmit());
        sb.tcpRetransmitted(tail, 1_010);
        assertSame(sb.find(b + 3000), sb.nextSegmentToRetransmit());
        sb.tcpRetransmitted(sb.find(b + 3000), 1_020);
        assertNull(sb.nextSegmentToRetransmit());
        assertCounters(sb, 7, 4, 3, 3, 3);

        // everything acked
        int f = ack(sb, b + 7000);
        assertTrue((f & SackScoreboard.FLAG_RETRANS_DATA_ACKED) != 0);
        assertEquals(7, sb.pktsAcked());
        assertCounters(sb, 0, 0, 0, 0, 0);
        assertTrue(sb.isEmpty());
    }

    @Test
    void aBlockEndingLessThanOneMssIntoAnEntryStopsTheWalk() {
        SackScoreboard sb = new SackScoreboard(MSS, 0);
        sb.tcpQueueRtx(0, 1000, 0, null);
        sb.tcpQueueRtx(1000, 4000, 0, null); // 3 segments
        // [1000, 1500): covers the start of the TSO entry but less than one MSS: nothing tagged
        assertEquals(0, ack(sb, 0, 1000, 1500));
        assertEquals("0-1000: 1000-4000:x3", layout(sb, 0));
        // [1000, 2999): the first MSS only
        assertEquals(SackScoreboard.FLAG_DATA_SACKED, ack(sb, 0, 1000, 2999));
        assertEquals("0-1000: 1000-2000:S 2000-4000:x2", layout(sb, 0));
        // a block starting mid-MSS splits at the MSS boundary above its start: [2500, 4000) tags [3000, 4000)
        ack(sb, 0, 2500, 4000);
        assertEquals("0-1000: 1000-2000:S 2000-3000: 3000-4000:S", layout(sb, 0));
    }

    @Test
    void partialCumulativeAcksTrimTsoEntries() {
        SackScoreboard sb = new SackScoreboard(MSS, 0);
        sb.tcpQueueRtx(0, 5000, 0, null);
        sb.tcpQueueRtx(5000, 6000, 50, null);
        int flag = ack(sb, 2500);
        assertEquals(SackScoreboard.FLAG_DATA_ACKED | SackScoreboard.FLAG_SND_UNA_ADVANCED, flag);
        assertEquals(2, sb.pktsAcked());
        assertEquals("2500-5000:x3", layout(sb, 0).substring(0, 12));
        assertCounters(sb, 4, 0, 0, 0, 4);
        assertEquals(0, sb.firstAcktUs());
        // 100 more bytes: trimmed, but still 3 segments' worth: nothing acked in packets
        assertEquals(SackScoreboard.FLAG_SND_UNA_ADVANCED, ack(sb, 2600));
        assertEquals(0, sb.pktsAcked());
        assertEquals("2600-5000:x3 5000-6000:", layout(sb, 0));
        // a single-segment entry stays whole under a partial ACK
        ack(sb, 5500);
        assertEquals("5000-6000:", layout(sb, 0));
        assertEquals(5500, sb.sndUna());
        assertCounters(sb, 1, 0, 0, 0, 1);
        ack(sb, 6000);
        assertTrue(sb.isEmpty());
        // ACKs that do not advance, or acknowledge unsent data, change nothing
        sb.tcpQueueRtx(6000, 7000, 60, null);
        assertEquals(0, ack(sb, 6000));
        assertEquals(0, ack(sb, 9000));
        assertEquals(0, ack(sb, 5000));
        assertCounters(sb, 1, 0, 0, 0, 1);
    }

    @Test
    void dsackBelowTheAckReportsASpuriousRetransmission() {
        SackScoreboard sb = sent(1000, 4);
        assertFalse(sb.tcpEnterLoss());
        assertEquals("0-1000:L 1000-2000:L 2000-3000:L 3000-4000:L", layout(sb, 1000));
        assertCounters(sb, 4, 0, 4, 0, 0);
        sb.tcpRetransmitted(sb.first(), 1_000);
        assertCounters(sb, 4, 0, 4, 1, 1);

        int flag = ack(sb, 2000);
        assertEquals(SackScoreboard.FLAG_DATA_ACKED | SackScoreboard.FLAG_RETRANS_DATA_ACKED
                | SackScoreboard.FLAG_SND_UNA_ADVANCED, flag);
        assertCounters(sb, 3, 0, 3, 0, 0);

        // the original arrived too: D-SACK [1000, 2000) below the ACK
        flag = ack(sb, 2000, 1000, 2000);
        assertEquals(SackScoreboard.FLAG_DSACKING_ACK, flag);
        assertEquals(1, sb.dsackSegs());
        assertEquals(1, sb.dsackDups());
        assertEquals(0, sb.discardedBlocks());
        assertCounters(sb, 3, 0, 3, 0, 0);

        // the same D-SACK again: more duplicates than retransmissions -> dubious, and as a plain
        // SACK block it starts below snd_una -> discarded
        flag = ack(sb, 2000, 1000, 2000);
        assertEquals(0, flag);
        assertEquals(0, sb.dsackSegs());
        assertEquals(1, sb.discardedBlocks());
    }

    @Test
    void dsackInsideTheFollowingSackBlockEndsTheRetransmissionInFlight() {
        SackScoreboard sb = sent(1000, 6);
        ack(sb, 1000, 3000, 4000);
        Seg s1 = sb.find(2000);
        sb.tcpRetransmitted(s1, 700); // a probe, not a lost segment
        assertCounters(sb, 6, 1, 0, 1, 6);

        // D-SACK [2000, 3000) first, inside [2000, 4000): both copies of segment 1 arrived
        int flag = ack(sb, 1000, 2000, 3000, 2000, 4000);
        assertEquals(SackScoreboard.FLAG_DATA_SACKED | SackScoreboard.FLAG_DSACKING_ACK, flag);
        assertEquals(1, sb.dsackSegs());
        assertEquals("0-1000: 1000-2000:SE 2000-3000:S 3000-4000: 4000-5000: 5000-6000:", layout(sb, 1000));
        assertCounters(sb, 6, 2, 0, 0, 4);
        assertFalse(sb.reorderingSeen(), "a retransmitted segment SACKed is no reordering evidence");
        assertEquals(-1, sb.firstSacktUs(), "no SACK RTT from a retransmitted segment");
    }

    @Test
    void dsackSortedAfterItsBlockIsReorderingEvidenceLikeLinux() {
        SackScoreboard sb = sent(1000, 6);
        Seg s2 = sb.find(3000);
        sb.tcpRetransmitted(s2, 700);
        // D-SACK [3000, 4000) inside SACK [2000, 5000): the SACK block sorts first and treats
        // [3000, 4000) as next_dup; the D-SACK block then revisits the now SACKed retransmission
        int flag = ack(sb, 1000, 3000, 4000, 2000, 5000);
        assertEquals(SackScoreboard.FLAG_DATA_SACKED | SackScoreboard.FLAG_DSACKING_ACK, flag);
        assertEquals("0-1000: 1000-2000:S 2000-3000:SE 3000-4000:S 4000-5000: 5000-6000:", layout(sb, 1000));
        assertCounters(sb, 6, 3, 0, 0, 3);
        assertTrue(sb.reorderingSeen());
        assertEquals(3000, sb.reordSeq());
        assertEquals(100, sb.firstSacktUs());
        assertEquals(300, sb.lastSacktUs());
        assertEquals(3, sb.sackDelivered());
    }

    @Test
    void invalidBlocksAreDiscarded() {
        SackScoreboard sb = sent(1000, 4); // snd_una 1000, snd_nxt 5000
        int flag = ack(sb, 1000,
                4000, 6000, // beyond snd_nxt
                3000, 2000, // reversed (not a D-SACK: it is not inside block 1... it is block 1)
                1000, 2000, // starts at snd_una: non-sensical
                5000, 5000); // empty at snd_nxt
        assertEquals(0, flag);
        assertEquals(4, sb.discardedBlocks());
        assertCounters(sb, 4, 0, 0, 0, 4);
        // an empty D-SACK candidate below the ACK is dubious
        assertEquals(0, ack(sb, 1000, 500, 500));
        assertEquals(0, sb.dsackSegs());
        // a SACK block below snd_una is no D-SACK unless it comes first: discarded
        ack(sb, 3000);
        assertEquals(0, ack(sb, 3000, 3500, 4000, 1000, 2000) & SackScoreboard.FLAG_DSACKING_ACK);
    }

    @Test
    void sackOfALostRetransmittedSegmentClearsBothMarks() {
        SackScoreboard sb = sent(1000, 8);
        ack(sb, 1000, 3000, 6000);
        assertEquals(2, sb.markLostRfc6675());
        assertEquals("0-1000:L 1000-2000:L 2000-3000:S 3000-4000:S 4000-5000:S 5000-6000: 6000-7000: 7000-8000:",
                layout(sb, 1000));
        sb.tcpRetransmitted(sb.find(2000), 2_000);
        assertCounters(sb, 8, 3, 2, 1, 4);
        int flag = ack(sb, 1000, 2000, 6000);
        assertEquals(SackScoreboard.FLAG_DATA_SACKED, flag);
        assertEquals("0-1000:L 1000-2000:SE 2000-3000:S 3000-4000:S 4000-5000:S 5000-6000: 6000-7000: 7000-8000:",
                layout(sb, 1000));
        assertCounters(sb, 8, 4, 1, 0, 3);
        assertFalse(sb.reorderingSeen());
        assertSame(sb.first(), sb.nextSegmentToRetransmit());
    }

    @Test
    void dupThreshCountsSegmentsNotBytes() {
        SackScoreboard sb = new SackScoreboard(MSS, 0);
        for (int i = 0; i < 5; i++) sb.tcpQueueRtx(i * 100, (i + 1) * 100, i, null);
        ack(sb, 0, 300, 500);
        assertEquals(0, sb.markLostRfc6675(), "2 small segments SACKed: 200 bytes, 2 < DupThresh");
        ack(sb, 0, 200, 500);
        assertEquals(2, sb.markLostRfc6675(), "3 SACKed segments above each of the first two");
        assertEquals("0-100:L 100-200:L 200-300:S 300-400:S 400-500:S", layout(sb, 0));
        // another DupThresh
        SackScoreboard sb2 = new SackScoreboard(MSS, 0, 1);
        sb2.tcpQueueRtx(0, 1000, 0, null);
        sb2.tcpQueueRtx(1000, 2000, 0, null);
        ack(sb2, 0, 1000, 2000);
        assertEquals(1, sb2.markLostRfc6675());
    }

    @Test
    void rtoMarksEverythingLostAndRetransmissionsInFlightLostAgain() {
        SackScoreboard sb = sent(1000, 5);
        ack(sb, 1000, 2000, 5000);
        sb.markLostRfc6675();
        sb.tcpRetransmitted(sb.first(), 1_000);
        assertEquals("0-1000:LRE 1000-2000:S 2000-3000:S 3000-4000:S 4000-5000:", layout(sb, 1000));
        assertCounters(sb, 5, 3, 1, 1, 2);
        assertFalse(sb.tcpEnterLoss());
        assertEquals("0-1000:LE 1000-2000:S 2000-3000:S 3000-4000:S 4000-5000:L", layout(sb, 1000));
        assertCounters(sb, 5, 3, 2, 0, 0);
        assertTrue(sb.countersConsistent());
        assertSame(sb.first(), sb.nextSegmentToRetransmit());
    }

    @Test
    void renegingReceiverLosesItsSacksOnRto() {
        SackScoreboard sb = sent(1000, 4);
        ack(sb, 1000, 2000, 3000);
        int flag = ack(sb, 2000);
        assertTrue((flag & SackScoreboard.FLAG_SACK_RENEGING) != 0, "snd_una advanced onto a SACKed segment");
        assertCounters(sb, 3, 1, 0, 0, 2);
        assertTrue(sb.tcpEnterLoss());
        assertEquals("0-1000:L 1000-2000:L 2000-3000:L", layout(sb, 2000));
        assertCounters(sb, 3, 0, 3, 0, 0);
        assertEquals(2000, sb.highestSackSeq());
    }

    @Test
    void entriesAreRecycled() {
        SackScoreboard sb = new SackScoreboard(MSS, 0);
        Seg a = sb.tcpQueueRtx(0, 1000, 0, "a");
        ack(sb, 1000);
        Seg b = sb.tcpQueueRtx(1000, 2000, 0, "b");
        assertSame(a, b);
        assertEquals("b", b.tag());
        sb.reset(5000);
        Seg c = sb.tcpQueueRtx(5000, 6000, 0, "c");
        assertSame(a, c);
        assertEquals(1, sb.size());
        assertThrows(IllegalArgumentException.class, () -> sb.tcpQueueRtx(7000, 8000, 0, null), "not at snd_nxt");
        assertThrows(IllegalArgumentException.class, () -> sb.tcpQueueRtx(6000, 6000, 0, null), "empty");
        assertThrows(IllegalArgumentException.class, () -> sb.tcpFragment(c, 1000));
        assertNull(sb.find(6000));
        assertSame(c, sb.find(5999));
        assertSame(c, sb.last());
    }

    @Test
    void randomAckStreamsKeepTheCountersConsistent() {
        SplittableRandom rnd = new SplittableRandom(7);
        long sawSacked = 0, sawLost = 0, sawRetrans = 0, sawSplit = 0, sawDsack = 0;
        for (int run = 0; run < 50; run++) {
            int base = rnd.nextInt(); // anywhere in sequence space, wrap included
            SackScoreboard sb = new SackScoreboard(MSS, base);
            int nxt = base;
            long now = 0;
            for (int step = 0; step < 400; step++) {
                now += 10;
                int op = rnd.nextInt(10);
                if (op < 3 && sb.size() < 60) {
                    int len = 1 + rnd.nextInt(4 * MSS);
                    sb.tcpQueueRtx(nxt, nxt + len, now, null);
                    nxt += len;
                } else if (op < 7) {
                    int una = sb.sndUna();
                    int span = nxt - una;
                    int ackAt = span > 0 && rnd.nextInt(4) == 0 ? una + rnd.nextInt(span + 1) : una;
                    int n = rnd.nextInt(5);
                    int[] s = new int[n];
                    int[] e = new int[n];
                    for (int i = 0; i < n; i++) {
                        int a = una - 2 * MSS + rnd.nextInt(Math.max(span, 1) + 4 * MSS);
                        s[i] = a;
                        e[i] = a + rnd.nextInt(3 * MSS) - MSS / 2;
                    }
                    int before = sb.size();
                    int f = sb.tcpAck(ackAt, s, e, n);
                    if ((f & SackScoreboard.FLAG_DSACKING_ACK) != 0) sawDsack++;
                    if (sb.size() > before) sawSplit++;
                } else if (op == 7) {
                    sb.markLostRfc6675();
                    Seg r = sb.nextSegmentToRetransmit();
                    if (r == null) r = sb.nextSegRule3();
                    if (r != null) {
                        if (r.pcount() > 1 && rnd.nextBoolean()) sb.tcpFragment(r, r.mss());
                        sb.tcpRetransmitted(r, now);
                    }
                } else if (op == 8 && rnd.nextInt(10) == 0) {
                    sb.tcpEnterLoss();
                } else {
                    sb.markLostRfc6675();
                }
                assertTrue(sb.countersConsistent(), "run " + run + " step " + step + ": " + sb);
                assertTrue(sb.sackedOut() >= 0 && sb.lostOut() >= 0 && sb.retransOut() >= 0);
                assertTrue(sb.tcpPacketsInFlight() >= 0, sb.toString());
                if (sb.sackedOut() > 0) sawSacked++;
                if (sb.lostOut() > 0) sawLost++;
                if (sb.retransOut() > 0) sawRetrans++;
            }
        }
        // the walk went through every kind of state
        assertTrue(sawSacked > 1000 && sawLost > 1000 && sawRetrans > 500 && sawSplit > 100 && sawDsack > 10,
                sawSacked + " " + sawLost + " " + sawRetrans + " " + sawSplit + " " + sawDsack);
    }
}
