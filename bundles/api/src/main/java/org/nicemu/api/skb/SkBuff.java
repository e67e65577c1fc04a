package org.nicemu.api.skb;

/**
 * A socket buffer, mirroring {@code struct sk_buff} (include/linux/skbuff.h). The linear part lives
 * in {@link #head()} between {@link #dataOffset()} and {@link #tailOffset()}; headroom is before data,
 * tailroom after tail up to {@link #endOffset()}. Page frags and GSO parameters live in the
 * {@link SkbSharedInfo} that clones share. skbs are made and freed only through a {@link SkbAllocator},
 * which pools them: never keep a reference after freeing.
 */
public final class SkBuff {
    /** ip_summed values (include/linux/skbuff.h). */
    public static final byte CHECKSUM_NONE = 0, CHECKSUM_UNNECESSARY = 1, CHECKSUM_COMPLETE = 2, CHECKSUM_PARTIAL = 3;
    /** gso_type bits. */
    public static final int SKB_GSO_TCPV4 = 1, SKB_GSO_UDP_L4 = 1 << 17;
    /** fclone states (enum sk_buff_fclones). */
    public static final byte SKB_FCLONE_UNAVAILABLE = 0, SKB_FCLONE_ORIG = 1, SKB_FCLONE_CLONE = 2;
    /**
     * skb->pkt_type values (include/uapi/linux/if_packet.h), set on receive by eth_type_trans():
     * to us, link-layer broadcast, link-layer multicast, to another host, outgoing, looped back.
     */
    public static final byte PACKET_HOST = 0, PACKET_BROADCAST = 1, PACKET_MULTICAST = 2, PACKET_OTHERHOST = 3,
            PACKET_OUTGOING = 4, PACKET_LOOPBACK = 5;
    /** Size of the control block (skb->cb). */
    public static final int CB_SIZE = 48;

    /** List linkage (skb->next/prev), used by {@link SkBuffHead} and bulk-dequeue chains. */
    public SkBuff next, prev;

    SkbAllocator allocator;
    SkbSharedInfo shinfo;
    byte[] head;
    int data, tail, end;
    int len, dataLen;
    boolean cloned;
    int users;
    byte fclone;
    SkBuff fcloneCompanion;
    /** fclone_ref: 1 when only the original of an fclone pair is in use, 2 when both are. */
    int fcloneRef;
    boolean inPool;

    /** Offsets of the headers from the start of {@link #head()}; -1 when unset. */
    public int macHeader = -1, networkHeader = -1, transportHeader = -1;
    /** skb->protocol: the EtherType, e.g. 0x0800. */
    public int protocol;
    /** skb->pkt_type: {@link #PACKET_HOST} etc., set on receive by eth_type_trans(). */
    public byte pktType;
    /** skb->queue_mapping: the TX queue chosen by netdev_pick_tx(); on receive, the RX queue (skb_record_rx_queue()). */
    public int queueMapping;
    /** skb->priority (TC_PRIO_*), selects the pfifo_fast band through the priomap. */
    public int priority;
    /** skb->hash (flow hash) and whether it is an L4 hash. */
    public int hash;
    public boolean l4Hash;
    /** sk->sk_tx_queue / sender_cpu: the emulated CPU that sent it, for XPS. -1 when unknown. */
    public int senderCpu = -1;
    /** ip_summed, csum_start (offset from head) and csum_offset (from csum_start). */
    public byte ipSummed;
    public int csumStart, csumOffset;
    /** qdisc_skb_cb(skb)->pkt_len: bytes that qdiscs account, set by qdisc_pkt_len_init(). */
    public int qdiscPktLen;
    /** skb->tstamp in emulated nanoseconds. */
    public long tstamp;
    /** skb->mark. */
    public int mark;
    /** skb->sk: the owning socket, opaque to this layer. */
    public Object sk;
    /** skb->destructor. */
    public SkbDestructor destructor;
    /** skb->truesize as charged to the owning socket (set by the owner, moved with the destructor). */
    public int truesize;
    /** The control block (skb->cb), 48 bytes, for the layer that owns the skb. */
    public final byte[] cb = new byte[CB_SIZE];
    /** Free use by the layer that owns the skb (e.g. the device it is queued on). */
    public Object owner;

    SkBuff() {
    }

    /** The data buffer (skb->head). */
    public byte[] head() { return head; }

    /** Offset of skb->data in {@link #head()}. */
    public int dataOffset() { return data; }

    /** Offset of skb->tail in {@link #head()}. */
    public int tailOffset() { return tail; }

    /** Offset of skb->end in {@link #head()}. */
    public int endOffset() { return end; }

    /** skb->len: linear plus frag bytes. */
    public int len() { return len; }

    /** skb->data_len: bytes in frags. */
    public int dataLen() { return dataLen; }

    /** skb_headlen(): bytes in the linear part. */
    public int headlen() { return len - dataLen; }

    /** skb_headroom(). */
    public int headroom() { return data; }

    /** skb_tailroom() (0 for a non-linear skb, as in the kernel). */
    public int tailroom() { return isNonlinear() ? 0 : end - tail; }

    /** skb_is_nonlinear(). */
    public boolean isNonlinear() { return dataLen != 0; }

    /** skb->cloned: the data is shared with another skb head. */
    public boolean isCloned() { return cloned; }

    /** skb_cloned(): cloned and the data really is still shared. */
    public boolean dataShared() { return cloned && shinfo.dataref > 1; }

    /** refcount_read(&skb->users). */
    public int users() { return users; }

    /** skb->fclone. */
    public byte fcloneState() { return fclone; }

    /** skb_shinfo(skb). */
    public SkbSharedInfo shinfo() { return shinfo; }

    /** skb_is_gso(). */
    public boolean isGso() { return shinfo.gsoSize != 0; }

    public int gsoSize() { return shinfo.gsoSize; }

    public int gsoSegs() { return shinfo.gsoSegs; }

    public int gsoType() { return shinfo.gsoType; }

    /** Sets GSO parameters in the shared info (skb_shinfo(skb)->gso_*). */
    public void setGso(int gsoSize, int gsoSegs, int gsoType) {
        shinfo.gsoSize = gsoSize;
        shinfo.gsoSegs = gsoSegs;
        shinfo.gsoType = gsoType;
    }

    /** Takes another reference (skb_get()). */
    public SkBuff get() {
        users++;
        return this;
    }

    /** skb_reserve(): moves data and tail forward on an empty skb to make headroom. */
    public void reserve(int n) {
        if (len != 0 || tail + n > end || n < 0) throw new IllegalStateException("skb_reserve(" + n + ") on " + this);
        data += n;
        tail += n;
    }

    /** skb_put(): extends the linear data at the tail; returns the offset of the added bytes. */
    public int put(int n) {
        if (isNonlinear()) throw new IllegalStateException("skb_put on a non-linear skb");
        if (n < 0 || tail + n > end) throw new IllegalStateException("skb_over_panic: put " + n + " on " + this);
        int old = tail;
        tail += n;
        len += n;
        return old;
    }

    /** skb_push(): extends the data at the head into the headroom; returns the new data offset. */
    public int push(int n) {
        if (n < 0 || n > data) throw new IllegalStateException("skb_under_panic: push " + n + " on " + this);
        data -= n;
        len += n;
        return data;
    }

    /** skb_pull(): removes bytes from the start of the linear data; returns the new data offset. */
    public int pull(int n) {
        if (n < 0 || n > headlen()) throw new IllegalStateException("skb_pull " + n + " beyond headlen " + headlen());
        data += n;
        len -= n;
        return data;
    }

    /**
     * skb_trim(), and for a non-linear skb ___pskb_trim(): frags past {@code newLen} are released,
     * the last kept one shortened; a trim into the linear part drops every frag. The data must not
     * be shared with a clone (frags are shared info). No-op unless {@code newLen < len}.
     */
    public void trim(int newLen) {
        if (newLen < 0) throw new IllegalArgumentException("skb_trim to " + newLen);
        if (newLen >= len) return;
        if (isNonlinear()) {
            if (dataShared()) throw new IllegalStateException("pskb_trim of shared data: " + this);
            SkbSharedInfo si = shinfo;
            int hl = headlen();
            int at = hl; // data offset where frag i starts
            int keep = 0;
            for (int i = 0; i < si.nrFrags; i++) {
                SkbFrag f = si.frags[i];
                if (at >= newLen) {
                    allocator.putPage(f.page);
                    f.page = null;
                    continue;
                }
                if (at + f.size > newLen) f.size = newLen - at;
                at += f.size;
                keep = i + 1;
            }
            si.nrFrags = keep;
            dataLen = Math.max(0, newLen - hl);
            len = Math.max(newLen, hl);
            if (newLen >= hl) return;
        }
        len = newLen;
        tail = data + newLen;
    }

    /**
     * Appends a page fragment ({@code skb_fill_page_desc()} + length accounting); the caller hands
     * over one page reference.
     */
    public void addFrag(Page page, int offset, int size) {
        SkbSharedInfo si = shinfo;
        if (si.nrFrags >= SkbSharedInfo.MAX_SKB_FRAGS) throw new IllegalStateException("MAX_SKB_FRAGS reached");
        si.frags[si.nrFrags++].set(page, offset, size);
        len += size;
        dataLen += size;
    }

    /** Whether {@link #addFrag} can merge into the last frag (skb_can_coalesce()). */
    public boolean canCoalesce(Page page, int offset) {
        SkbSharedInfo si = shinfo;
        if (si.nrFrags == 0) return false;
        SkbFrag f = si.frags[si.nrFrags - 1];
        return f.page == page && f.offset + f.size == offset;
    }

    /** Grows the last frag by {@code size} bytes (skb_frag_size_add() after skb_can_coalesce()). */
    public void growLastFrag(int size) {
        shinfo.frags[shinfo.nrFrags - 1].size += size;
        len += size;
        dataLen += size;
    }

    /**
     * Drops the first {@code n} bytes of data, from the linear part first and then from the page
     * frags ({@code skb_pull()} followed by {@code __pskb_trim_head()}, as {@code tcp_trim_head()}
     * does): for received data that GRO merged into frags. Returns false, changing nothing, if the
     * skb holds fewer than {@code n} bytes. Since 1.2.
     */
    public boolean pullData(int n) {
        if (n < 0 || n > len) return false;
        int h = headlen();
        if (n <= h) {
            pull(n);
            return true;
        }
        pull(h);
        return pskbTrimHead(n - h);
    }

    /**
     * Mirrors {@code __pskb_trim_head()} for an skb whose payload is all in page frags (the TCP write
     * and retransmit queues): drops the first {@code n} bytes of the frags, releasing pages that
     * become empty. The linear part (headers only) is untouched. Returns false if the skb has linear
     * data or fewer than {@code n} frag bytes.
     */
    public boolean pskbTrimHead(int n) {
        if (headlen() != 0 || n < 0 || n > dataLen) return false;
        SkbSharedInfo si = shinfo;
        int drop = 0;
        int left = n;
        while (drop < si.nrFrags && left >= si.frags[drop].size) {
            left -= si.frags[drop].size;
            allocator.putPage(si.frags[drop].page);
            drop++;
        }
        if (drop > 0) {
            int k = 0;
            for (int i = drop; i < si.nrFrags; i++, k++) si.frags[k].set(si.frags[i].page, si.frags[i].offset, si.frags[i].size);
            for (int i = k; i < si.nrFrags; i++) si.frags[i].page = null;
            si.nrFrags = k;
        }
        if (left > 0) {
            si.frags[0].offset += left;
            si.frags[0].size -= left;
        }
        len -= n;
        dataLen -= n;
        return true;
    }

    /**
     * Copies {@code n} bytes starting at {@code offset} from skb->data, across the linear part and
     * the frags, into {@code to} (skb_copy_bits()). Returns false if the range is out of the skb.
     */
    public boolean copyBits(int offset, byte[] to, int toOff, int n) {
        if (offset < 0 || n < 0 || offset + n > len) return false;
        int hl = headlen();
        if (offset < hl) {
            int c = Math.min(hl - offset, n);
            System.arraycopy(head, data + offset, to, toOff, c);
            offset += c;
            toOff += c;
            n -= c;
        }
        int pos = hl;
        SkbSharedInfo si = shinfo;
        for (int i = 0; i < si.nrFrags && n > 0; i++) {
            SkbFrag f = si.frags[i];
            int fEnd = pos + f.size;
            if (offset < fEnd) {
                int from = offset - pos;
                int c = Math.min(f.size - from, n);
                System.arraycopy(f.page.bytes, f.offset + from, to, toOff, c);
                offset += c;
                toOff += c;
                n -= c;
            }
            pos = fEnd;
        }
        return n == 0;
    }

    /** Offset of the network header from skb->data (skb_network_offset()). */
    public int networkOffset() { return networkHeader - data; }

    /** Offset of the transport header from skb->data (skb_transport_offset()). */
    public int transportOffset() { return transportHeader - data; }

    /** skb_reset_mac_header(). */
    public void resetMacHeader() { macHeader = data; }

    /** skb_reset_network_header(). */
    public void resetNetworkHeader() { networkHeader = data; }

    /** skb_set_network_header(). */
    public void setNetworkHeader(int offsetFromData) { networkHeader = data + offsetFromData; }

    /** skb_set_transport_header(). */
    public void setTransportHeader(int offsetFromData) { transportHeader = data + offsetFromData; }

    /** The allocator that owns this skb. */
    public SkbAllocator allocator() { return allocator; }

    @Override
    public String toString() {
        return "skb[len=" + len + " data_len=" + dataLen + " head=" + data + "/" + tail + "/" + end
                + " frags=" + (shinfo == null ? 0 : shinfo.nrFrags) + " gso=" + (shinfo == null ? 0 : shinfo.gsoSize)
                + " q=" + queueMapping + " prio=" + priority + "]";
    }
}
