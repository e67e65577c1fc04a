package org.nicemu.tcp;

/**
 * The sender's retransmit queue as a SACK scoreboard: the per-segment {@code TCP_SKB_CB(skb)->sacked}
 * bits and the socket counters {@code packets_out}, {@code sacked_out}, {@code lost_out},
 * {@code retrans_out} of Linux, updated as net/ipv4/tcp_input.c {@code tcp_sacktag_write_queue()}
 * (with {@code tcp_check_dsack()}, {@code tcp_is_sackblock_valid()}, {@code tcp_match_skb_to_sack()},
 * {@code tcp_sacktag_one()}) and {@code tcp_clean_rtx_queue()} update them, and
 * net/ipv4/tcp_output.c {@code tcp_fragment()} splits segments.
 *
 * <p><b>Loss detection is RFC 6675</b> ({@link #isLost}, {@link #markLostRfc6675}: a hole is lost
 * once DupThresh = 3 segments, or more than {@code (DupThresh - 1) * SMSS} bytes, above it have been
 * SACKed), the rule Linux used (as {@code tcp_mark_head_lost()} with {@code reordering = 3}) before
 * RACK-TLP became its default in 4.18. RACK's time-based marking ({@code tcp_rack_mark_lost()}) is
 * not modelled here; the scoreboard keeps the transmission times it would need. After an RTO,
 * {@link #tcpEnterLoss} marks everything un-SACKed lost, as {@code tcp_timeout_mark_lost()} does.
 *
 * <p>Simplifications, each documented where it applies: no {@code recv_sack_cache} (every block is
 * walked; the outcome is the same), no SACK shifting/merging ({@code tcp_shift_skb_data()}), no undo
 * bookkeeping ({@code undo_marker}/{@code undo_retrans}: the counts needed for it are reported), and
 * the D-SACK "dubious" test uses {@code max_window} only when set.
 *
 * <p>Entries ({@link Seg}) are pooled: the steady state allocates nothing. Sequence numbers wrap
 * (all comparisons go through {@link TcpSeq}). One instance per connection, confined to the
 * emulation loop thread.
 */
public final class SackScoreboard {
    /** {@code TCPCB_SACKED_ACKED}: SKB ACK'd by a SACK block. */
    public static final int TCPCB_SACKED_ACKED = 0x01;
    /** {@code TCPCB_SACKED_RETRANS}: retransmitted and the retransmission not yet (S)ACKed or lost. */
    public static final int TCPCB_SACKED_RETRANS = 0x02;
    /** {@code TCPCB_LOST}: considered lost. */
    public static final int TCPCB_LOST = 0x04;
    /** {@code TCPCB_TAGBITS}: the scoreboard bits. */
    public static final int TCPCB_TAGBITS = 0x07;
    /** {@code TCPCB_EVER_RETRANS}: retransmitted at least once. */
    public static final int TCPCB_EVER_RETRANS = 0x80;
    /** {@code TCPCB_RETRANS}. */
    public static final int TCPCB_RETRANS = TCPCB_SACKED_RETRANS | TCPCB_EVER_RETRANS;

    /** {@code FLAG_DATA_ACKED}: the ACK acknowledged new data. */
    public static final int FLAG_DATA_ACKED = 0x04;
    /** {@code FLAG_RETRANS_DATA_ACKED}: some of the newly acked data had been retransmitted (Karn). */
    public static final int FLAG_RETRANS_DATA_ACKED = 0x08;
    /** {@code FLAG_DATA_SACKED}: new SACK information. */
    public static final int FLAG_DATA_SACKED = 0x20;
    /** {@code FLAG_ORIG_SACK_ACKED}: never-retransmitted data at or below {@code high_seq} was SACKed. */
    public static final int FLAG_ORIG_SACK_ACKED = 0x200;
    /** {@code FLAG_SND_UNA_ADVANCED}. */
    public static final int FLAG_SND_UNA_ADVANCED = 0x400;
    /** {@code FLAG_DSACKING_ACK}: the SACK blocks carried a D-SACK (RFC 2883). */
    public static final int FLAG_DSACKING_ACK = 0x800;
    /** {@code FLAG_SACK_RENEGING}: snd_una advanced to a SACKed sequence. */
    public static final int FLAG_SACK_RENEGING = 0x2000;

    /** {@code TCP_FASTRETRANS_THRESH}: RFC 6675 DupThresh. */
    public static final int DUP_THRESH = 3;

    /**
     * Splits the caller's payload object (the skb) when the scoreboard splits an entry, as
     * {@code tcp_fragment()} splits the skb: returns the tag of the tail part.
     */
    @FunctionalInterface
    public interface TagSplitter {
        /** The tag for the part of {@code tag}'s segment that starts {@code headLen} bytes in. */
        Object splitTag(Object tag, int headLen);
    }

    /**
     * One retransmit-queue entry: {@code TCP_SKB_CB(skb)->seq}, {@code end_seq}, {@code sacked},
     * {@code tcp_skb_pcount(skb)}, {@code tcp_skb_mss(skb)} and {@code skb->skb_mstamp_ns} (µs here),
     * plus the caller's tag. Read-only for callers.
     */
    public static final class Seg {
        int seq;
        int endSeq;
        int pcount;
        int mss;
        int sacked;
        long xmitTimeUs;
        Object tag;
        Seg prev;
        Seg next;

        Seg() {
        }

        /** {@code TCP_SKB_CB(skb)->seq}. */
        public int seq() { return seq; }

        /** {@code TCP_SKB_CB(skb)->end_seq} (exclusive). */
        public int endSeq() { return endSeq; }

        /** Bytes of sequence space (payload, plus one for a FIN). */
        public int len() { return endSeq - seq; }

        /** {@code tcp_skb_pcount()}: segments on the wire. */
        public int pcount() { return pcount; }

        /** {@code tcp_skb_mss()}: the segment size it was (or will be) cut to. */
        public int mss() { return mss; }

        /** The {@code TCPCB_*} bits. */
        public int sacked() { return sacked; }

        /** Whether SACKed ({@link #TCPCB_SACKED_ACKED}). */
        public boolean isSacked() { return (sacked & TCPCB_SACKED_ACKED) != 0; }

        /** Whether marked lost ({@link #TCPCB_LOST}). */
        public boolean isLost() { return (sacked & TCPCB_LOST) != 0; }

        /** Whether a retransmission is in flight ({@link #TCPCB_SACKED_RETRANS}). */
        public boolean isRetransInFlight() { return (sacked & TCPCB_SACKED_RETRANS) != 0; }

        /** Whether ever retransmitted ({@link #TCPCB_EVER_RETRANS}). */
        public boolean everRetrans() { return (sacked & TCPCB_EVER_RETRANS) != 0; }

        /** Time of the last (re)transmission, µs of the emulation clock. */
        public long xmitTimeUs() { return xmitTimeUs; }

        /** The caller's object for this segment (its skb). */
        public Object tag() { return tag; }

        /** Replaces the caller's object. */
        public void setTag(Object tag) { this.tag = tag; }

        @Override
        public String toString() {
            return "[" + TcpSeq.unsigned(seq) + "," + TcpSeq.unsigned(endSeq) + ") x" + pcount
                    + ((sacked & TCPCB_SACKED_ACKED) != 0 ? " S" : "") + ((sacked & TCPCB_LOST) != 0 ? " L" : "")
                    + ((sacked & TCPCB_SACKED_RETRANS) != 0 ? " R" : "") + ((sacked & TCPCB_EVER_RETRANS) != 0 ? " E" : "");
        }
    }

    private int dupThresh;
    private int mss;
    private TagSplitter splitter = (tag, headLen) -> tag;

    private Seg head;
    private Seg tail;
    private Seg free;
    private int entries;

    private int sndUna;
    private int sndNxt;
    private int highSeq;
    private int maxWindow;
    private int packetsOut;
    private int sackedOut;
    private int lostOut;
    private int retransOut;
    private long totalRetrans;
    private long dsackDups;
    private int highSackEnd;

    // results of the last tcpSacktagWriteQueue / tcpCleanRtxQueue (struct tcp_sacktag_state and friends)
    private int reord;
    private long firstSacktUs;
    private long lastSacktUs;
    private int sackDelivered;
    private int dsackSegs;
    private int dsackRetransSegs;
    private int discardedBlocks;
    private int pktsAcked;
    private long firstAcktUs;
    private long lastAcktUs;

    private final int[] blkStart = new int[8];
    private final int[] blkEnd = new int[8];
    private final boolean[] blkDup = new boolean[8];

    /**
     * @param mss {@code mss_cache}: the SMSS for pcounts of new entries, byte thresholds and D-SACK
     *            segment counts
     * @param sndUna the first unacknowledged sequence number (ISS + 1 after the handshake)
     */
    public SackScoreboard(int mss, int sndUna) {
        this(mss, sndUna, DUP_THRESH);
    }

    /** As {@link #SackScoreboard(int, int)} with another DupThresh (Linux's {@code tp->reordering}). */
    public SackScoreboard(int mss, int sndUna, int dupThresh) {
        if (mss <= 0 || dupThresh <= 0) throw new IllegalArgumentException("mss=" + mss + " dupThresh=" + dupThresh);
        this.mss = mss;
        this.dupThresh = dupThresh;
        reset(sndUna);
    }

    /** Empties the queue (entries back to the pool) and starts again at {@code sndUna}. */
    public void reset(int sndUna) {
        while (head != null) unlinkAndFree(head);
        this.sndUna = sndUna;
        this.sndNxt = sndUna;
        this.highSeq = sndUna;
        packetsOut = sackedOut = lostOut = retransOut = 0;
        totalRetrans = 0;
        dsackDups = 0;
        highSackEnd = sndUna;
        clearAckState();
    }

    /** Sets the splitter called when an entry is split ({@link #tcpFragment}, partial SACKs). */
    public void setTagSplitter(TagSplitter splitter) {
        this.splitter = splitter;
    }

    /** Changes {@code mss_cache} (PMTU change); existing entries keep their own MSS. */
    public void setMss(int mss) {
        if (mss <= 0) throw new IllegalArgumentException("mss=" + mss);
        this.mss = mss;
    }

    /** Sets {@code tp->high_seq} (snd_nxt when recovery started), for {@link #FLAG_ORIG_SACK_ACKED}. */
    public void setHighSeq(int highSeq) {
        this.highSeq = highSeq;
    }

    /** Sets {@code tp->max_window}; a D-SACK block longer than it is dubious (0 = no check). */
    public void setMaxWindow(int maxWindow) {
        this.maxWindow = maxWindow;
    }

    // ---------------------------------------------------------------- queueing

    /**
     * Appends a newly sent segment {@code [seq, endSeq)} cut to {@code mss}: the rtx-queue insertion of
     * net/ipv4/tcp_output.c {@code tcp_event_new_data_sent()} ({@code tcp_rbtree_insert()},
     * {@code packets_out += tcp_skb_pcount()}); the pcount is {@code tcp_set_skb_tso_segs()}'s
     * ({@code ceil(len / mss)}, 1 up to one MSS). {@code seq} must be {@link #sndNxt()}.
     */
    public Seg tcpQueueRtx(int seq, int endSeq, int mss, long xmitTimeUs, Object tag) {
        if (seq != sndNxt) {
            throw new IllegalArgumentException("segment at " + TcpSeq.unsigned(seq) + " but snd_nxt is " + TcpSeq.unsigned(sndNxt));
        }
        if (!TcpSeq.before(seq, endSeq)) throw new IllegalArgumentException("empty segment");
        if (mss <= 0) throw new IllegalArgumentException("mss=" + mss);
        Seg s = alloc();
        s.seq = seq;
        s.endSeq = endSeq;
        s.mss = mss;
        s.pcount = pcountOf(endSeq - seq, mss);
        s.sacked = 0;
        s.xmitTimeUs = xmitTimeUs;
        s.tag = tag;
        s.prev = tail;
        s.next = null;
        if (tail == null) head = s;
        else tail.next = s;
        tail = s;
        entries++;
        packetsOut += s.pcount;
        sndNxt = endSeq;
        return s;
    }

    /** {@link #tcpQueueRtx(int, int, int, long, Object)} with the current {@code mss_cache}. */
    public Seg tcpQueueRtx(int seq, int endSeq, long xmitTimeUs, Object tag) {
        return tcpQueueRtx(seq, endSeq, mss, xmitTimeUs, tag);
    }

    /**
     * Splits {@code s} after {@code headLen} bytes, as net/ipv4/tcp_output.c {@code tcp_fragment()}
     * does in the retransmit queue: both parts keep the {@code sacked} bits and the transmission
     * time, their pcounts are recomputed with the entry's MSS and the counters adjusted by the
     * difference ({@code tcp_adjust_pcount()}). Returns the tail part.
     */
    public Seg tcpFragment(Seg s, int headLen) {
        int len = s.endSeq - s.seq;
        if (headLen <= 0 || headLen >= len) throw new IllegalArgumentException("split " + headLen + " of " + len);
        Seg t = alloc();
        int oldPcount = s.pcount;
        t.seq = s.seq + headLen;
        t.endSeq = s.endSeq;
        t.mss = s.mss;
        t.sacked = s.sacked;
        t.xmitTimeUs = s.xmitTimeUs;
        t.tag = splitter.splitTag(s.tag, headLen);
        s.endSeq = t.seq;
        s.pcount = pcountOf(headLen, s.mss);
        t.pcount = pcountOf(len - headLen, t.mss);
        int diff = oldPcount - s.pcount - t.pcount;
        if (diff != 0) adjustPcount(s.sacked, diff);
        t.prev = s;
        t.next = s.next;
        if (s.next != null) s.next.prev = t;
        else tail = t;
        s.next = t;
        entries++;
        return t;
    }

    // ---------------------------------------------------------------- ACK processing

    /**
     * Applies the SACK blocks of an ACK: net/ipv4/tcp_input.c {@code tcp_sacktag_write_queue()}.
     * First {@code tcp_check_dsack()}: block 0 is a D-SACK when it lies below the ACK or inside
     * block 1 (and is not dubious: empty, longer than {@code max_window}, or more duplicates
     * reported than ever retransmitted). Then each block is checked as in
     * {@code tcp_is_sackblock_valid()} (not beyond snd_nxt, not reversed, not starting at or below
     * snd_una unless a D-SACK wholly below it) and blocks ending at or below the previous snd_una are
     * ignored; the rest,
     * sorted by start, are walked: entries partly covered and longer than one MSS are split on MSS
     * boundaries ({@code tcp_match_skb_to_sack()}), covered entries are tagged
     * ({@code tcp_sacktag_one()}); entries of the D-SACK block, or inside it while walking the block
     * sorted just before it ({@code next_dup}), with the duplicate rules.
     *
     * <p>The ACK's cumulative acknowledgement is {@code ackSeq}; call this before
     * {@link #tcpCleanRtxQueue} with the same ACK (the kernel's order). Results of this call:
     * {@link #reordSeq()}, {@link #firstSacktUs()}, {@link #lastSacktUs()}, {@link #sackDelivered()},
     * {@link #dsackSegs()}, {@link #discardedBlocks()}.
     *
     * @return {@code FLAG_*} bits ({@link #FLAG_DATA_SACKED}, {@link #FLAG_DSACKING_ACK},
     *         {@link #FLAG_ORIG_SACK_ACKED})
     */
    public int tcpSacktagWriteQueue(int ackSeq, int[] starts, int[] ends, int numSacks) {
        clearAckState();
        int priorSndUna = sndUna;
        int una = TcpSeq.after(ackSeq, sndUna) && !TcpSeq.after(ackSeq, sndNxt) ? ackSeq : sndUna;
        int flag = 0;
        if (numSacks <= 0) return 0;
        int n = Math.min(numSacks, 4);
        boolean foundDupSack = tcpCheckDsack(ackSeq, starts, ends, n);
        if (foundDupSack) flag |= FLAG_DSACKING_ACK;
        int dStart = starts[0];
        int dEnd = ends[0];

        int used = 0;
        for (int i = 0; i < n; i++) {
            boolean dup = i == 0 && foundDupSack;
            int s = starts[i];
            int e = ends[i];
            if (!isSackblockValid(dup, s, e, una)) {
                discardedBlocks++;
                continue;
            }
            if (!TcpSeq.after(e, priorSndUna)) continue; // ignore very old stuff
            blkStart[used] = s;
            blkEnd[used] = e;
            blkDup[used] = dup;
            used++;
        }
        // sort by start_seq (at most 4 blocks); the D-SACK block's place is carried along
        for (int i = used - 1; i > 0; i--) {
            for (int j = 0; j < i; j++) {
                if (TcpSeq.after(blkStart[j], blkStart[j + 1])) {
                    int t = blkStart[j]; blkStart[j] = blkStart[j + 1]; blkStart[j + 1] = t;
                    t = blkEnd[j]; blkEnd[j] = blkEnd[j + 1]; blkEnd[j + 1] = t;
                    boolean d = blkDup[j]; blkDup[j] = blkDup[j + 1]; blkDup[j + 1] = d;
                }
            }
        }
        int oldSndUna = sndUna;
        sndUna = una; // tcp_ack() has updated snd_una before it tags
        if (sackedOut == 0) highSackEnd = sndUna;
        for (int b = 0; b < used; b++) {
            boolean nextDup = b + 1 < used && blkDup[b + 1];
            flag |= sacktagWalk(blkStart[b], blkEnd[b], blkDup[b], nextDup, dStart, dEnd);
        }
        sndUna = oldSndUna; // tcpCleanRtxQueue moves it with the entries
        return flag;
    }

    /**
     * Mirrors net/ipv4/tcp_input.c {@code tcp_check_dsack()} with {@code tcp_dsack_seen()}: whether
     * block 0 reports a duplicate (RFC 2883): below the cumulative ACK, or within block 1. Sets
     * {@link #dsackSegs()} (segments the D-SACK covers, in MSS) and counts {@code dsack_dups}.
     */
    private boolean tcpCheckDsack(int ackSeq, int[] starts, int[] ends, int n) {
        int s0 = starts[0];
        int e0 = ends[0];
        if (TcpSeq.before(s0, ackSeq)) {
            // TCPDSACKRECV
        } else if (n > 1) {
            if (TcpSeq.after(e0, ends[1]) || TcpSeq.before(s0, starts[1])) return false;
            // TCPDSACKOFORECV
        } else {
            return false;
        }
        if (!TcpSeq.before(s0, e0)) return false;
        long seqLen = TcpSeq.distance(s0, e0);
        if (maxWindow > 0 && seqLen > maxWindow) return false;
        int dup = seqLen > mss ? (int) ((seqLen + mss - 1) / mss) : 1;
        dsackDups += dup;
        if (dsackDups > totalRetrans) return false; // the sender did not retransmit that much: dubious
        dsackSegs = dup;
        return true;
    }

    /** Mirrors net/ipv4/tcp_input.c {@code tcp_is_sackblock_valid()} without the undo_marker window. */
    private boolean isSackblockValid(boolean isDsack, int start, int end, int una) {
        if (TcpSeq.after(end, sndNxt) || !TcpSeq.before(start, end)) return false;
        if (!TcpSeq.before(start, sndNxt)) return false;
        if (TcpSeq.after(start, una)) return true;
        if (!isDsack) return false;
        return !TcpSeq.after(end, una); // a D-SACK must lie wholly below snd_una; valid but old
    }

    /**
     * Walks the entries covered by one block: net/ipv4/tcp_input.c {@code tcp_sacktag_walk()} (without
     * {@code tcp_shift_skb_data()}). When the D-SACK block sorts right after this one
     * ({@code next_dup}), entries inside the D-SACK range are matched against it first and tagged as
     * duplicates.
     */
    private int sacktagWalk(int start, int end, boolean dupIn, boolean nextDup, int dStart, int dEnd) {
        int flag = 0;
        Seg s = head;
        while (s != null && !TcpSeq.after(s.endSeq, start)) s = s.next; // tcp_sacktag_skip()
        while (s != null && TcpSeq.before(s.seq, end)) {
            boolean dup = dupIn;
            int in = 0;
            if (nextDup && TcpSeq.before(s.seq, dEnd)) {
                in = tcpMatchSkbToSack(s, dStart, dEnd);
                if (in > 0) dup = true;
            }
            if (in <= 0) in = tcpMatchSkbToSack(s, start, end);
            if (in < 0) break;
            if (in > 0) {
                flag |= tcpSacktagOne(s, dup);
                if (!TcpSeq.before(s.seq, highestSackSeq()) && (s.sacked & TCPCB_SACKED_ACKED) != 0) {
                    highSackEnd = s.endSeq; // tcp_advance_highest_sack()
                }
            }
            s = s.next;
        }
        return flag;
    }

    /**
     * Mirrors net/ipv4/tcp_input.c {@code tcp_match_skb_to_sack()}: 1 if {@code s} lies inside the
     * block, 0 if not, -1 to stop the walk (the block ends less than one MSS into the entry). An
     * entry of several segments partly covered is first split on an MSS boundary: at the block's
     * start rounded up (the head stays outside), or at its end rounded down (the head is inside).
     */
    private int tcpMatchSkbToSack(Seg s, int startSeq, int endSeq) {
        boolean inSack = !TcpSeq.after(startSeq, s.seq) && !TcpSeq.before(endSeq, s.endSeq);
        if (s.pcount > 1 && !inSack && TcpSeq.after(s.endSeq, startSeq)) {
            int m = s.mss;
            inSack = !TcpSeq.after(startSeq, s.seq);
            int pktLen;
            if (!inSack) {
                pktLen = startSeq - s.seq;
                if (pktLen < m) pktLen = m;
            } else {
                pktLen = endSeq - s.seq;
                if (pktLen < m) return -1;
            }
            if (pktLen > m) {
                int newLen = pktLen / m * m;
                if (!inSack && newLen < pktLen) newLen += m;
                pktLen = newLen;
            }
            if (pktLen >= s.endSeq - s.seq && !inSack) return 0;
            tcpFragment(s, pktLen);
        }
        return inSack ? 1 : 0;
    }

    /**
     * Tags one covered entry. Mirrors net/ipv4/tcp_input.c {@code tcp_sacktag_one()}: a D-SACK of a
     * retransmitted, SACKed entry is reordering evidence; entries at or below snd_una are left to
     * {@link #tcpCleanRtxQueue}; a newly SACKed entry leaves {@code lost_out} (and
     * {@code retrans_out} if its retransmission was lost), a never-retransmitted one below the
     * highest SACK is reordering evidence and gives SACK RTT times, then {@code sacked_out} grows;
     * a D-SACK ends a retransmission in flight ({@code retrans_out}).
     */
    private int tcpSacktagOne(Seg s, boolean dupSack) {
        int flag = 0;
        int sacked = s.sacked;
        int pcount = s.pcount;
        if (dupSack && (sacked & TCPCB_RETRANS) != 0) {
            if ((sacked & TCPCB_SACKED_ACKED) != 0 && TcpSeq.before(s.seq, reord)) reord = s.seq;
            dsackRetransSegs += pcount; // a retransmission proven unnecessary (tp->undo_retrans)
        }
        if (!TcpSeq.after(s.endSeq, sndUna)) return 0;
        if ((sacked & TCPCB_SACKED_ACKED) == 0) {
            if ((sacked & TCPCB_SACKED_RETRANS) != 0) {
                if ((sacked & TCPCB_LOST) != 0) {
                    sacked &= ~(TCPCB_LOST | TCPCB_SACKED_RETRANS);
                    lostOut -= pcount;
                    retransOut -= pcount;
                }
            } else {
                if ((sacked & TCPCB_RETRANS) == 0) {
                    if (TcpSeq.before(s.seq, highestSackSeq()) && TcpSeq.before(s.seq, reord)) reord = s.seq;
                    if (!TcpSeq.after(s.endSeq, highSeq)) flag |= FLAG_ORIG_SACK_ACKED;
                    if (firstSacktUs < 0) firstSacktUs = s.xmitTimeUs;
                    lastSacktUs = s.xmitTimeUs;
                }
                if ((sacked & TCPCB_LOST) != 0) {
                    sacked &= ~TCPCB_LOST;
                    lostOut -= pcount;
                }
            }
            sacked |= TCPCB_SACKED_ACKED;
            flag |= FLAG_DATA_SACKED;
            sackedOut += pcount;
            sackDelivered += pcount;
        }
        if (dupSack && (sacked & TCPCB_SACKED_RETRANS) != 0) {
            sacked &= ~TCPCB_SACKED_RETRANS;
            retransOut -= pcount;
        }
        s.sacked = sacked;
        return flag;
    }

    /**
     * Removes what {@code ackSeq} acknowledges cumulatively: the scoreboard part of
     * net/ipv4/tcp_input.c {@code tcp_clean_rtx_queue()}. Fully acked entries leave the queue and
     * the counters; a partly acked entry of several segments is trimmed to the ACK
     * ({@code tcp_tso_acked()}: its head trimmed to the ACK, its pcount recomputed, the difference
     * acked, possibly 0), one of a single segment stays as it is. Acked entries that were ever retransmitted set
     * {@link #FLAG_RETRANS_DATA_ACKED} (Karn: no RTT sample); the others give
     * {@link #firstAcktUs()}/{@link #lastAcktUs()}. If the new head is SACKed,
     * {@link #FLAG_SACK_RENEGING}. An ACK beyond snd_nxt or not beyond snd_una changes nothing.
     *
     * @return {@code FLAG_*} bits ({@link #FLAG_DATA_ACKED}, {@link #FLAG_RETRANS_DATA_ACKED},
     *         {@link #FLAG_SND_UNA_ADVANCED}, {@link #FLAG_SACK_RENEGING}); acked packets in
     *         {@link #pktsAcked()}
     */
    public int tcpCleanRtxQueue(int ackSeq) {
        pktsAcked = 0;
        firstAcktUs = -1;
        lastAcktUs = -1;
        if (!TcpSeq.after(ackSeq, sndUna) || TcpSeq.after(ackSeq, sndNxt)) return 0;
        int flag = FLAG_SND_UNA_ADVANCED;
        Seg s = head;
        while (s != null) {
            int ackedPcount;
            boolean fullyAcked = true;
            if (TcpSeq.after(s.endSeq, ackSeq)) {
                if (s.pcount == 1 || !TcpSeq.after(ackSeq, s.seq)) break;
                // tcp_tso_acked(): tcp_trim_head() to snd_una, then the pcount difference is acked
                int newPcount = pcountOf(s.endSeq - ackSeq, s.mss);
                ackedPcount = s.pcount - newPcount;
                s.seq = ackSeq;
                s.pcount = newPcount;
                if (ackedPcount == 0) break;
                fullyAcked = false;
            } else {
                ackedPcount = s.pcount;
            }
            int sacked = s.sacked;
            if ((sacked & TCPCB_RETRANS) != 0) {
                if ((sacked & TCPCB_SACKED_RETRANS) != 0) retransOut -= ackedPcount;
                flag |= FLAG_RETRANS_DATA_ACKED;
            } else if ((sacked & TCPCB_SACKED_ACKED) == 0) {
                lastAcktUs = s.xmitTimeUs;
                if (firstAcktUs < 0) firstAcktUs = lastAcktUs;
            }
            if ((sacked & TCPCB_SACKED_ACKED) != 0) sackedOut -= ackedPcount;
            if ((sacked & TCPCB_LOST) != 0) lostOut -= ackedPcount;
            packetsOut -= ackedPcount;
            pktsAcked += ackedPcount;
            flag |= FLAG_DATA_ACKED;
            if (!fullyAcked) break;
            Seg next = s.next;
            unlinkAndFree(s);
            s = next;
        }
        sndUna = ackSeq;
        if (head != null && (head.sacked & TCPCB_SACKED_ACKED) != 0) flag |= FLAG_SACK_RENEGING;
        if (sackedOut == 0) highSackEnd = sndUna;
        return flag;
    }

    /**
     * One whole ACK in the kernel's order: {@link #tcpSacktagWriteQueue} (if it has blocks), then
     * {@link #tcpCleanRtxQueue}; returns the union of their flags. The per-call results of both stay
     * readable afterwards.
     */
    public int tcpAck(int ackSeq, int[] starts, int[] ends, int numSacks) {
        int flag = numSacks > 0 ? tcpSacktagWriteQueue(ackSeq, starts, ends, numSacks) : clearAckState();
        flag |= tcpCleanRtxQueue(ackSeq);
        return flag;
    }

    // ---------------------------------------------------------------- loss marking and retransmission

    /**
     * RFC 6675 §4 {@code IsLost(SeqNum)} for the entry {@code s}: true when at least DupThresh
     * segments ({@code pcount}s of SACKed entries) above it have been SACKed, or more than
     * {@code (DupThresh - 1) * SMSS} bytes above it. SACKed entries are never lost.
     */
    public boolean isLost(Seg s) {
        if ((s.sacked & TCPCB_SACKED_ACKED) != 0) return false;
        int pkts = 0;
        long bytes = 0;
        for (Seg t = s.next; t != null; t = t.next) {
            if ((t.sacked & TCPCB_SACKED_ACKED) != 0) {
                pkts += t.pcount;
                bytes += t.endSeq - t.seq;
            }
        }
        return pkts >= dupThresh || bytes > (long) (dupThresh - 1) * mss;
    }

    /**
     * Marks lost every un-SACKed entry for which {@link #isLost} holds and that is not yet marked
     * (RFC 6675 loss detection, one pass from the tail). Plays the part of the pre-4.18
     * net/ipv4/tcp_input.c {@code tcp_update_scoreboard()}/{@code tcp_mark_head_lost()} with
     * {@code tcp_skb_mark_lost()}: an entry already lost (retransmitted or not) is left as it is, so
     * a retransmission in flight is not declared lost again by the same SACKs (only an RTO does that).
     *
     * @return segments newly marked lost (added to {@code lost_out})
     */
    public int markLostRfc6675() {
        int pkts = 0;
        long bytes = 0;
        long byteThresh = (long) (dupThresh - 1) * mss;
        int marked = 0;
        for (Seg s = tail; s != null; s = s.prev) {
            if ((s.sacked & TCPCB_SACKED_ACKED) != 0) {
                pkts += s.pcount;
                bytes += s.endSeq - s.seq;
                continue;
            }
            if ((pkts >= dupThresh || bytes > byteThresh) && (s.sacked & TCPCB_LOST) == 0) {
                s.sacked |= TCPCB_LOST;
                lostOut += s.pcount;
                marked += s.pcount;
            }
        }
        return marked;
    }

    /**
     * Mirrors net/ipv4/tcp_input.c {@code tcp_mark_skb_lost()}: marks {@code s} lost unless SACKed; if
     * it already was lost and a retransmission was in flight, that retransmission is counted lost
     * ({@code retrans_out} drops, {@link #TCPCB_SACKED_RETRANS} cleared) so it can be sent again.
     */
    public void tcpMarkSkbLost(Seg s) {
        int sacked = s.sacked;
        if ((sacked & TCPCB_SACKED_ACKED) != 0) return;
        if ((sacked & TCPCB_LOST) != 0) {
            if ((sacked & TCPCB_SACKED_RETRANS) != 0) {
                s.sacked &= ~TCPCB_SACKED_RETRANS;
                retransOut -= s.pcount;
            }
        } else {
            lostOut += s.pcount;
            s.sacked |= TCPCB_LOST;
        }
    }

    /**
     * The retransmission timer expired: the scoreboard part of net/ipv4/tcp_input.c
     * {@code tcp_enter_loss()} ({@code tcp_timeout_mark_lost()}). If the head is SACKed the receiver
     * reneged: all SACK marks are dropped ({@code sacked_out = 0}). Then every un-SACKed entry is
     * marked lost with {@link #tcpMarkSkbLost} (the kernel spares recently sent ones by RACK's
     * clock; with RFC 6675 everything outstanding is lost, RFC 6298 §5.4 onwards).
     *
     * @return whether the receiver was reneging
     */
    public boolean tcpEnterLoss() {
        boolean isReneg = head != null && (head.sacked & TCPCB_SACKED_ACKED) != 0;
        if (isReneg) sackedOut = 0;
        for (Seg s = head; s != null; s = s.next) {
            if (isReneg) s.sacked &= ~TCPCB_SACKED_ACKED;
            tcpMarkSkbLost(s);
        }
        if (sackedOut == 0) highSackEnd = sndUna;
        return isReneg;
    }

    /**
     * The next entry to retransmit in loss recovery: RFC 6675 NextSeg() rule (1) as
     * net/ipv4/tcp_output.c {@code tcp_xmit_retransmit_queue()} walks the queue: the first entry
     * marked lost that is neither SACKed nor already retransmitted, provided
     * {@code retrans_out < lost_out}. Null when there is none (then new data, rule (2), or
     * {@link #nextSegRule3}). The caller checks cwnd ({@link #tcpPacketsInFlight}) first.
     */
    public Seg nextSegmentToRetransmit() {
        if (retransOut >= lostOut) return null;
        for (Seg s = head; s != null; s = s.next) {
            if ((s.sacked & TCPCB_LOST) == 0) continue;
            if ((s.sacked & (TCPCB_SACKED_ACKED | TCPCB_SACKED_RETRANS)) != 0) continue;
            return s;
        }
        return null;
    }

    /**
     * RFC 6675 NextSeg() rule (3): when neither a lost segment nor new data can be sent, the first
     * un-SACKed entry not yet retransmitted that lies below the highest SACKed sequence (it is not
     * lost by {@link #isLost} yet). Null when there is none.
     */
    public Seg nextSegRule3() {
        if (sackedOut == 0) return null;
        int high = highestSackSeq();
        for (Seg s = head; s != null && TcpSeq.before(s.seq, high); s = s.next) {
            if ((s.sacked & (TCPCB_SACKED_ACKED | TCPCB_SACKED_RETRANS)) == 0) return s;
        }
        return null;
    }

    /**
     * Records the retransmission of {@code s} (the caller split it first if only part goes out):
     * net/ipv4/tcp_output.c {@code tcp_retransmit_skb()}/{@code __tcp_retransmit_skb()}:
     * {@code sacked |= TCPCB_RETRANS}, {@code retrans_out} and {@code total_retrans} grow by its
     * pcount, and its transmission time becomes {@code nowUs}. A retransmission already in flight
     * is not counted twice in {@code retrans_out}.
     */
    public void tcpRetransmitted(Seg s, long nowUs) {
        if ((s.sacked & TCPCB_SACKED_RETRANS) == 0) retransOut += s.pcount;
        s.sacked |= TCPCB_RETRANS;
        totalRetrans += s.pcount;
        s.xmitTimeUs = nowUs;
    }

    // ---------------------------------------------------------------- queries

    /**
     * Mirrors include/net/tcp.h {@code tcp_packets_in_flight()}: {@code packets_out - (sacked_out +
     * lost_out) + retrans_out}, Linux's form of RFC 6675's {@code pipe} in segments.
     */
    public int tcpPacketsInFlight() {
        return packetsOut - (sackedOut + lostOut) + retransOut;
    }

    /** Mirrors include/net/tcp.h {@code tcp_left_out()}: {@code sacked_out + lost_out}. */
    public int tcpLeftOut() {
        return sackedOut + lostOut;
    }

    /**
     * RFC 6675 §4 {@code SetPipe()} in bytes, from the marks: every un-SACKed byte not marked lost
     * counts once, every byte whose retransmission is in flight once more.
     */
    public long pipeBytes() {
        long pipe = 0;
        for (Seg s = head; s != null; s = s.next) {
            if ((s.sacked & TCPCB_SACKED_ACKED) != 0) continue;
            int len = s.endSeq - s.seq;
            if ((s.sacked & TCPCB_LOST) == 0) pipe += len;
            if ((s.sacked & TCPCB_SACKED_RETRANS) != 0) pipe += len;
        }
        return pipe;
    }

    /**
     * Mirrors include/net/tcp.h {@code tcp_highest_sack_seq()}: the end of the highest SACKed entry,
     * snd_una when nothing is SACKed.
     */
    public int highestSackSeq() {
        return sackedOut == 0 ? sndUna : highSackEnd;
    }

    /** {@code tp->snd_una}. */
    public int sndUna() { return sndUna; }

    /** {@code tp->snd_nxt} (the end of the last queued entry). */
    public int sndNxt() { return sndNxt; }

    /** {@code tp->packets_out}. */
    public int packetsOut() { return packetsOut; }

    /** {@code tp->sacked_out}. */
    public int sackedOut() { return sackedOut; }

    /** {@code tp->lost_out}. */
    public int lostOut() { return lostOut; }

    /** {@code tp->retrans_out}. */
    public int retransOut() { return retransOut; }

    /** {@code tp->total_retrans}: segments retransmitted over the connection's life. */
    public long totalRetrans() { return totalRetrans; }

    /** {@code tp->dsack_dups}: segments reported duplicate by D-SACKs. */
    public long dsackDups() { return dsackDups; }

    /** DupThresh. */
    public int dupThresh() { return dupThresh; }

    /**
     * Sets DupThresh to the connection's measured reordering degree ({@code tp->reordering}, which
     * Linux's pre-RACK loss marking uses in its place); at least 1.
     */
    public void setDupThresh(int reordering) {
        dupThresh = Math.max(1, reordering);
    }

    /** {@code mss_cache}. */
    public int mss() { return mss; }

    /** Number of entries in the queue. */
    public int size() { return entries; }

    /** Whether the retransmit queue is empty ({@code tcp_rtx_queue_empty()}). */
    public boolean isEmpty() { return head == null; }

    /** The first entry ({@code tcp_rtx_queue_head()}), or null. */
    public Seg first() { return head; }

    /** The last entry ({@code tcp_rtx_queue_tail()}), or null. */
    public Seg last() { return tail; }

    /** The entry after {@code s}, or null. */
    public Seg next(Seg s) { return s.next; }

    /** The entry containing {@code seq}, or null. */
    public Seg find(int seq) {
        for (Seg s = head; s != null; s = s.next) {
            if (!TcpSeq.before(seq, s.seq) && TcpSeq.before(seq, s.endSeq)) return s;
        }
        return null;
    }

    /**
     * Last tag call: {@code state->reord}, the lowest start of a segment SACKed out of order (or
     * re-reported by a D-SACK after being SACKed); snd_nxt when none ({@link #reorderingSeen()}).
     */
    public int reordSeq() { return reord; }

    /** Whether the last tag call saw reordering ({@code before(reord, snd_nxt)}). */
    public boolean reorderingSeen() { return TcpSeq.before(reord, sndNxt); }

    /** Last tag call: transmission time of the first newly SACKed never-retransmitted entry, -1 if none. */
    public long firstSacktUs() { return firstSacktUs; }

    /** Last tag call: transmission time of the last such entry, -1 if none. */
    public long lastSacktUs() { return lastSacktUs; }

    /** Last tag call: segments newly SACKed ({@code state->sack_delivered}). */
    public int sackDelivered() { return sackDelivered; }

    /** Last tag call: segments the D-SACK reported, 0 when there was none. */
    public int dsackSegs() { return dsackSegs; }

    /** Last tag call: segments still queued whose retransmission a D-SACK showed to be a duplicate. */
    public int dsackRetransSegs() { return dsackRetransSegs; }

    /** Last tag call: blocks discarded as invalid ({@code LINUX_MIB_TCPSACKDISCARD} and D-SACK ignores). */
    public int discardedBlocks() { return discardedBlocks; }

    /** Last clean call: packets cumulatively acked. */
    public int pktsAcked() { return pktsAcked; }

    /** Last clean call: transmission time of the first newly acked never-retransmitted, un-SACKed entry, -1 if none. */
    public long firstAcktUs() { return firstAcktUs; }

    /** Last clean call: transmission time of the last such entry, -1 if none. */
    public long lastAcktUs() { return lastAcktUs; }

    /**
     * Recounts every counter from the entries and checks them, plus {@code tcp_verify_left_out()}
     * ({@code sacked_out + lost_out <= packets_out}), contiguity and the order of the queue.
     * For tests and debugging.
     */
    public boolean countersConsistent() {
        int p = 0, sa = 0, l = 0, r = 0, n = 0;
        int expect = sndUna;
        boolean firstEntry = true;
        for (Seg s = head; s != null; s = s.next) {
            if (!firstEntry && s.seq != expect) return false;
            if (firstEntry && TcpSeq.after(s.seq, sndUna)) return false;
            firstEntry = false;
            if (!TcpSeq.before(s.seq, s.endSeq)) return false;
            if (s.pcount != pcountOf(s.endSeq - s.seq, s.mss)) return false;
            if ((s.sacked & TCPCB_SACKED_ACKED) != 0 && (s.sacked & TCPCB_LOST) != 0) return false;
            p += s.pcount;
            if ((s.sacked & TCPCB_SACKED_ACKED) != 0) sa += s.pcount;
            if ((s.sacked & TCPCB_LOST) != 0) l += s.pcount;
            if ((s.sacked & TCPCB_SACKED_RETRANS) != 0) r += s.pcount;
            expect = s.endSeq;
            n++;
        }
        if (head != null && expect != sndNxt) return false;
        return p == packetsOut && sa == sackedOut && l == lostOut && r == retransOut && n == entries
                && sackedOut + lostOut <= packetsOut;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("SackScoreboard[una=").append(TcpSeq.unsigned(sndUna))
                .append(" nxt=").append(TcpSeq.unsigned(sndNxt)).append(" packets_out=").append(packetsOut)
                .append(" sacked_out=").append(sackedOut).append(" lost_out=").append(lostOut)
                .append(" retrans_out=").append(retransOut).append(']');
        for (Seg s = head; s != null; s = s.next) sb.append(' ').append(s);
        return sb.toString();
    }

    // ---------------------------------------------------------------- internals

    /** {@code tcp_set_skb_tso_segs()}: 1 up to one MSS, else {@code DIV_ROUND_UP(len, mss)}. */
    static int pcountOf(int len, int mss) {
        return len <= mss ? 1 : (len + mss - 1) / mss;
    }

    /** Mirrors net/ipv4/tcp_output.c {@code tcp_adjust_pcount()}. */
    private void adjustPcount(int sacked, int decr) {
        packetsOut -= decr;
        if ((sacked & TCPCB_SACKED_ACKED) != 0) sackedOut -= decr;
        if ((sacked & TCPCB_SACKED_RETRANS) != 0) retransOut -= decr;
        if ((sacked & TCPCB_LOST) != 0) lostOut -= decr;
    }

    private int clearAckState() {
        reord = sndNxt;
        dsackRetransSegs = 0;
        firstSacktUs = -1;
        lastSacktUs = -1;
        sackDelivered = 0;
        dsackSegs = 0;
        discardedBlocks = 0;
        return 0;
    }

    private Seg alloc() {
        Seg s = free;
        if (s == null) return new Seg();
        free = s.next;
        s.next = null;
        return s;
    }

    private void unlinkAndFree(Seg s) {
        if (s.prev != null) s.prev.next = s.next;
        else head = s.next;
        if (s.next != null) s.next.prev = s.prev;
        else tail = s.prev;
        entries--;
        s.prev = null;
        s.tag = null;
        s.next = free;
        free = s;
    }
}
