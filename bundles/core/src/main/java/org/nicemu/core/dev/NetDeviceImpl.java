package org.nicemu.core.dev;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.nicemu.api.driver.DriverException;
import org.nicemu.api.driver.NetDevice;
import org.nicemu.api.driver.NetDriver;
import org.nicemu.api.driver.NetdevFeatures;
import org.nicemu.api.emu.Device;
import org.nicemu.api.emu.DeviceSpec;
import org.nicemu.api.emu.Host;
import org.nicemu.api.emu.QdiscInfo;
import org.nicemu.api.emu.TcRequest;
import org.nicemu.api.exec.EventLoop;
import org.nicemu.api.nic.Nic;
import org.nicemu.api.nic.NicPort;
import org.nicemu.api.qdisc.NetXmit;
import org.nicemu.api.qdisc.Qdisc;
import org.nicemu.api.qdisc.QdiscParamException;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.skb.SkBuffHead;
import org.nicemu.api.skb.SkbAllocator;
import org.nicemu.api.stats.CostCounters;
import org.nicemu.api.stats.DropCounters;
import org.nicemu.api.stats.DropReason;
import org.nicemu.api.wire.Gso;
import org.nicemu.core.exec.Cpu;
import org.nicemu.core.exec.SpinLockModel;

/**
 * A network device ({@code struct net_device}) and the parts of net/core/dev.c and
 * net/sched/sch_generic.c that run on it: on transmit {@code dev_queue_xmit}, {@code netdev_pick_tx},
 * {@code __dev_xmit_skb}, {@code __qdisc_run}, {@code qdisc_restart}, {@code sch_direct_xmit},
 * {@code validate_xmit_skb}, {@code dev_hard_start_xmit}, {@code dev_requeue_skb}, queue stop/wake,
 * BQL, NAPI scheduling; on receive {@code napi_gro_receive}/{@code netif_receive_skb},
 * {@code netif_rx}, {@code eth_type_trans} (net/ethernet/eth.c) and
 * {@code __netif_receive_skb_core}. Everything runs on the emulation's loop.
 */
public final class NetDeviceImpl implements NetDevice, Device {
    /** TC_H_ROOT. */
    static final int TC_H_ROOT = 0xffffffff;

    final HostImpl host;
    final DeviceSpec spec;
    final int ifindex;
    final Nic nic;
    NetDriver driver;
    String driverKind;
    Map<String, String> driverParams;
    final TxQueue[] txq;
    int realNumTxQueues;
    long features;
    int mtu;
    int txQueueLen = 1000;
    boolean up;
    boolean carrier = true;
    final int[] xps;
    /** The root qdisc (dev->qdisc). */
    QdiscRt root;
    final QdiscTree tree;
    final DropCounters drops = new DropCounters();
    /** GRO of this device's NAPI context ({@code ethtool -K DEV gro on|off}; off by default, see {@link #setGro}). */
    private final Gro gro;
    private boolean groOn;
    long txPackets, txBytes, txDropped;
    /** Wire frames the dropped skbs would have become (a GSO skb counts its segments). */
    long txDroppedFrames;
    long rxPackets, rxBytes, rxDropped, rxNohandler;
    /** dev->dev_addr. */
    private final byte[] devAddr;
    final List<NicPort> ports = new ArrayList<>();
    private final List<Runnable> wakeCallbacks = new ArrayList<>();
    // NAPI (struct napi_struct): one per device
    boolean napiScheduled;
    boolean napiEnabled;
    boolean napiCompleted;
    /** The driver the user chose, re-bound when its bundle comes back. */
    String desiredDriver;
    Map<String, String> desiredDriverParams = Map.of();
    /** The CPU that handles this device's interrupt (/proc/irq/N/smp_affinity). */
    int irqCpu;
    int napiWeight = 64;
    private final long[] flowKey;
    /**
     * Set while the driver's ndo_stop runs: skbs it hands back ({@link #netdevTxReturnUnsent}) are
     * collected per queue in {@link #unsent} and requeued when it returns.
     */
    private boolean stopping;
    /** The skbs handed back during ndo_stop, per TX queue, oldest first. */
    private final SkBuffHead[] unsent;
    private final int siteSegment;
    private final int siteLinearize;
    private final int siteCsum;

    NetDeviceImpl(HostImpl host, DeviceSpec spec, int ifindex, Nic nic) {
        this.host = host;
        this.spec = spec;
        this.ifindex = ifindex;
        this.nic = nic;
        this.mtu = spec.nic().mtu();
        this.gro = new Gro(host.allocator(), this::netifReceiveSkbCore);
        this.devAddr = spec.nic().mac();
        int n = spec.nic().numTxQueues();
        this.txq = new TxQueue[n];
        for (int i = 0; i < n; i++) txq[i] = new TxQueue(i, new SpinLockModel(spec.name() + " txq" + i + " _xmit_lock", host.counters()));
        this.realNumTxQueues = n;
        this.unsent = new SkBuffHead[n];
        for (int i = 0; i < n; i++) unsent[i] = new SkBuffHead();
        this.xps = spec.xpsCpuToQueue();
        this.tree = new QdiscTree(this);
        var r = host.loop().random("flow-hash:" + spec.name());
        this.flowKey = new long[] {r.nextLong(), r.nextLong()};
        SkbAllocator a = host.allocator();
        siteSegment = a.copySite("skb_segment");
        siteLinearize = a.copySite("__skb_linearize");
        siteCsum = a.copySite("skb_checksum_help");
    }

    // ================================================================ dev_queue_xmit and friends

    /**
     * Mirrors {@code __dev_queue_xmit()}: sets the qdisc packet length, picks the TX queue and hands
     * the skb to its qdisc ({@link #devXmitSkb}) or, for noqueue, straight to the driver.
     */
    @Override
    public int devQueueXmit(SkBuff skb) {
        CostCounters c = host.counters();
        c.devQueueXmitPackets++;
        c.devQueueXmitBytes += skb.len();
        qdiscPktLenInit(skb);
        if (!up) {
            dropSkb(skb, DropReason.DEV_READY);
            return NetXmit.NET_XMIT_DROP;
        }
        TxQueue q = netdevPickTx(skb);
        QdiscRt qd = q.qdisc;
        if (!(qd.ops instanceof org.nicemu.core.sched.NoQueue)) return devXmitSkb(skb, qd, q);
        // noqueue: no queue, transmit now or drop
        if (!q.frozenOrStopped()) {
            hardTxLock(q);
            SkBuff rest = devHardStartXmit(skb, q);
            q.xmitLock.spinUnlock();
            if (rest == null) return NetXmit.NET_XMIT_SUCCESS;
            skb = rest;
        }
        while (skb != null) {
            SkBuff nx = skb.next;
            skb.next = null;
            dropSkb(skb, DropReason.NOQUEUE_BUSY);
            skb = nx;
        }
        return NetXmit.NET_XMIT_DROP;
    }

    /** Mirrors {@code qdisc_pkt_len_init()}: a GSO skb accounts the headers of every segment. */
    static void qdiscPktLenInit(SkBuff skb) {
        int len = skb.len();
        if (skb.isGso() && skb.transportHeader >= 0) {
            int hdr = skb.transportOffset();
            byte[] h = skb.head();
            if ((skb.gsoType() & SkBuff.SKB_GSO_TCPV4) != 0) hdr += ((h[skb.transportHeader + 12] & 0xf0) >>> 4) * 4;
            else hdr += 8;
            int segs = Math.max(1, skb.gsoSegs());
            len += (segs - 1) * hdr;
        }
        skb.qdiscPktLen = len;
    }

    /**
     * Mirrors {@code netdev_core_pick_tx()} → {@code netdev_pick_tx()}: the driver's
     * ndo_select_queue first, then XPS by the sender CPU, then the flow hash
     * ({@code skb_tx_hash}: reciprocal_scale of skb->hash); capped to the real queue count
     * ({@code netdev_cap_txqueue}). Sets skb->queue_mapping.
     */
    TxQueue netdevPickTx(SkBuff skb) {
        host.counters().txPickTx++;
        int n = realNumTxQueues;
        int idx = 0;
        if (n > 1) {
            idx = driver == null ? -1 : driver.ndoSelectQueue(skb, n);
            if (idx < 0) {
                idx = getXpsQueue(skb);
                if (idx < 0) idx = skbTxHash(skb, n);
            }
            if (idx >= n) idx = 0; // netdev_cap_txqueue()
        }
        skb.queueMapping = idx;
        return txq[idx];
    }

    /** Mirrors {@code get_xps_queue()}: the queue XPS maps the sender CPU to, or -1. */
    int getXpsQueue(SkBuff skb) {
        int cpu = skb.senderCpu;
        if (cpu < 0 || cpu >= xps.length) return -1;
        int q = xps[cpu];
        return q < realNumTxQueues ? q : -1;
    }

    /** Mirrors {@code skb_tx_hash()}: {@code reciprocal_scale(skb_get_hash(skb), n)}. */
    int skbTxHash(SkBuff skb, int n) {
        int h = skbGetHash(skb);
        return (int) (((h & 0xffffffffL) * n) >>> 32);
    }

    /**
     * Mirrors {@code skb_get_hash()}: the cached hash or a keyed hash of the IPv4 5-tuple (the
     * flow dissector), with a key drawn from the emulation seed (the kernel's hashrnd).
     */
    int skbGetHash(SkBuff skb) {
        if (skb.hash != 0) return skb.hash;
        byte[] b = skb.head();
        int off = skb.dataOffset();
        int h = 0;
        if (skb.headlen() >= 34 && (b[off + 12] & 0xff) == 0x08 && b[off + 13] == 0) {
            int ip = off + 14;
            int ihl = (b[ip] & 0x0f) * 4;
            int proto = b[ip + 9] & 0xff;
            long k = flowKey[0];
            k = mix(k, readInt(b, ip + 12));
            k = mix(k, readInt(b, ip + 16));
            k = mix(k, proto);
            boolean frag = (((b[ip + 6] & 0x3f) << 8) | (b[ip + 7] & 0xff)) != 0;
            if (!frag && (proto == 6 || proto == 17) && skb.headlen() >= 14 + ihl + 4) k = mix(k, readInt(b, ip + ihl));
            h = (int) (mix(k, flowKey[1]) >>> 32);
            skb.l4Hash = proto == 6 || proto == 17;
        } else {
            h = (int) (mix(flowKey[0], skb.protocol) >>> 32);
        }
        if (h == 0) h = 1;
        skb.hash = h;
        return h;
    }

    private static long mix(long k, long v) {
        k ^= v;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        return k ^ (k >>> 29);
    }

    private static int readInt(byte[] b, int i) {
        return ((b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
    }

    /**
     * Mirrors {@code __dev_xmit_skb()}: the NOLOCK path for lockless qdiscs, else the busylock when
     * the qdisc is already running, the root lock, a drop when deactivated, the CAN_BYPASS direct
     * transmit when a work-conserving qdisc is empty and idle, otherwise enqueue and run the qdisc.
     */
    int devXmitSkb(SkBuff skb, QdiscRt q, TxQueue txq) {
        CostCounters c = host.counters();
        int cpu = host.currentCpu;
        long now = host.loop().now();
        int flags = q.flags();
        int rc;
        if ((flags & Qdisc.TCQ_F_NOLOCK) != 0) {
            if (q.deactivated) {
                dropSkb(skb, DropReason.DEV_READY);
                return NetXmit.NET_XMIT_DROP;
            }
            if ((flags & Qdisc.TCQ_F_CAN_BYPASS) != 0 && q.qlen() == 0 && qdiscRunBegin(q)) {
                c.txBypass++;
                bstatsUpdate(q, skb);
                if (schDirectXmit(skb, q, txq, null, true) && q.qlen() != 0) qdiscRunInner(q);
                qdiscRunEnd(q);
                return NetXmit.NET_XMIT_SUCCESS;
            }
            rc = enqueue(q, skb);
            qdiscRun(q);
            return rc;
        }
        boolean contended = q.running;
        if (contended) q.busylock.spinLock(cpu, now, host.costHold);
        q.rootLock.spinLock(cpu, now, host.costHold);
        if (q.deactivated) {
            dropSkb(skb, DropReason.DEV_READY);
            rc = NetXmit.NET_XMIT_DROP;
        } else if ((flags & Qdisc.TCQ_F_CAN_BYPASS) != 0 && q.qlen() == 0 && qdiscRunBegin(q)) {
            c.txBypass++;
            bstatsUpdate(q, skb);
            if (schDirectXmit(skb, q, txq, q.rootLock, true)) {
                if (contended) {
                    q.busylock.spinUnlock();
                    contended = false;
                }
                qdiscRunInner(q);
            }
            qdiscRunEnd(q);
            rc = NetXmit.NET_XMIT_SUCCESS;
        } else {
            rc = enqueue(q, skb);
            if (qdiscRunBegin(q)) {
                if (contended) {
                    q.busylock.spinUnlock();
                    contended = false;
                }
                qdiscRunInner(q);
                qdiscRunEnd(q);
            }
        }
        q.rootLock.spinUnlock();
        if (contended) q.busylock.spinUnlock();
        return rc;
    }

    private int enqueue(QdiscRt q, SkBuff skb) {
        host.counters().txEnqueue++;
        return q.ops.enqueue(skb) & NetXmit.NET_XMIT_MASK;
    }

    /** qdisc_bstats_update() for a bypassed skb (the qdisc never saw it). */
    private static void bstatsUpdate(QdiscRt q, SkBuff skb) {
        var s = q.ops.stats();
        s.bytes += skb.qdiscPktLen;
        s.packets += skb.isGso() ? Math.max(1, skb.gsoSegs()) : 1;
    }

    /** qdisc_run_begin(): false if the qdisc is already running. */
    static boolean qdiscRunBegin(QdiscRt q) {
        if (q.running) return false;
        q.running = true;
        return true;
    }

    static void qdiscRunEnd(QdiscRt q) {
        q.running = false;
    }

    /** Mirrors {@code qdisc_run()}. */
    void qdiscRun(QdiscRt q) {
        if (qdiscRunBegin(q)) {
            qdiscRunInner(q);
            qdiscRunEnd(q);
        }
    }

    /**
     * Mirrors {@code __qdisc_run()}: restarts the qdisc until it is empty, the queue stops, the
     * {@code dev_tx_weight} quota of packets is used up, or {@code need_resched()}; in the last two
     * cases the qdisc is rescheduled on the NET_TX softirq ({@code __netif_schedule}).
     */
    void qdiscRunInner(QdiscRt q) {
        int quota = host.devTxWeight();
        int[] packets = host.scratchPackets;
        while (qdiscRestart(q, packets)) {
            quota -= packets[0];
            if (quota <= 0) {
                host.counters().quotaExhausted++;
                netifSchedule(q);
                break;
            }
            if (host.needResched()) {
                host.counters().needResched++;
                netifSchedule(q);
                break;
            }
        }
    }

    /**
     * Mirrors {@code qdisc_restart()}: dequeues (possibly a bulk of skbs) and transmits with
     * {@link #schDirectXmit}; false when nothing more can be sent now.
     */
    boolean qdiscRestart(QdiscRt q, int[] packets) {
        boolean[] validate = host.scratchValidate;
        SkBuff skb = dequeueSkb(q, validate, packets);
        if (skb == null) return false;
        SpinLockModel rootLock = (q.flags() & Qdisc.TCQ_F_NOLOCK) != 0 ? null : q.rootLock;
        return schDirectXmit(skb, q, skbGetTxQueue(skb), rootLock, validate[0]);
    }

    /** skb_get_tx_queue() with netdev_cap_txqueue(). */
    TxQueue skbGetTxQueue(SkBuff skb) {
        int i = skb.queueMapping;
        return txq[i < realNumTxQueues ? i : 0];
    }

    /**
     * Mirrors {@code dequeue_skb()}: a requeued skb first (if its queue can take it), else the
     * qdisc's dequeue; for a one-queue qdisc, nothing while that queue is stopped, and a bulk of
     * skbs up to the BQL byte budget ({@code try_bulk_dequeue_skb}).
     */
    SkBuff dequeueSkb(QdiscRt q, boolean[] validate, int[] packets) {
        packets[0] = 1;
        if (!q.gsoSkb.isEmpty()) {
            SkBuff skb = q.gsoSkb.peek();
            TxQueue t = q.devQueue != null ? q.devQueue : skbGetTxQueue(skb);
            if (t.frozenOrStopped()) return null;
            q.gsoSkb.removeHead();
            var s = q.ops.stats();
            s.backlog -= skb.qdiscPktLen;
            s.qlen--;
            validate[0] = false;
            host.counters().txDequeue++;
            return skb;
        }
        validate[0] = true;
        if (q.devQueue != null && q.devQueue.frozenOrStopped()) return null;
        SkBuff skb = q.ops.dequeue();
        if (skb == null) return null;
        host.counters().txDequeue++;
        if (q.devQueue != null) tryBulkDequeueSkb(q, skb, q.devQueue, packets);
        return skb;
    }

    /** Mirrors {@code try_bulk_dequeue_skb()}: chains more skbs while BQL has room ({@code qdisc_avail_bulklimit}). */
    private void tryBulkDequeueSkb(QdiscRt q, SkBuff skb, TxQueue t, int[] packets) {
        long bytelimit = (t.bqlUsed ? t.dql.avail() : 0) - skb.len();
        int cnt = 1;
        SkBuff last = skb;
        while (bytelimit > 0) {
            SkBuff n = q.ops.dequeue();
            if (n == null) break;
            host.counters().txDequeue++;
            bytelimit -= n.len();
            last.next = n;
            last = n;
            cnt++;
        }
        last.next = null;
        packets[0] = cnt;
    }

    /**
     * Mirrors {@code sch_direct_xmit()}: validates (software GSO, checksum, linearize), takes the
     * queue's xmit lock (HARD_TX_LOCK), transmits unless the queue is frozen or stopped, and requeues
     * what the driver refused (NETDEV_TX_BUSY). Returns false when the caller must stop.
     */
    boolean schDirectXmit(SkBuff skb, QdiscRt q, TxQueue t, SpinLockModel rootLock, boolean validate) {
        host.counters().schDirectXmitPackets++;
        if (rootLock != null) rootLock.spinUnlock();
        if (validate) skb = validateXmitSkbList(skb);
        if (skb == null) {
            if (rootLock != null) rootLock.spinLock(host.currentCpu, host.loop().now(), host.costHold);
            return true;
        }
        int ret = NetDriver.NETDEV_TX_BUSY;
        hardTxLock(t);
        if (!t.frozenOrStopped()) {
            skb = devHardStartXmit(skb, t);
            ret = skb == null ? NetDriver.NETDEV_TX_OK : NetDriver.NETDEV_TX_BUSY;
        }
        t.xmitLock.spinUnlock();
        if (rootLock != null) rootLock.spinLock(host.currentCpu, host.loop().now(), host.costHold);
        if (ret != NetDriver.NETDEV_TX_OK) {
            devRequeueSkb(skb, q);
            return false;
        }
        return true;
    }

    /** HARD_TX_LOCK(): __netif_tx_lock(txq, cpu). */
    private void hardTxLock(TxQueue t) {
        t.xmitLock.spinLock(host.currentCpu, host.loop().now(), host.costHold);
    }

    /**
     * Mirrors {@code dev_requeue_skb()}: puts the refused skbs back at the head of the qdisc
     * (q->gso_skb), still counted in its qlen and backlog, and reschedules the qdisc.
     */
    void devRequeueSkb(SkBuff skb, QdiscRt q) {
        var s = q.ops.stats();
        while (skb != null) {
            SkBuff nx = skb.next;
            skb.next = null;
            q.gsoSkb.addTail(skb);
            s.requeues++;
            s.backlog += skb.qdiscPktLen;
            s.qlen++;
            host.counters().txRequeue++;
            skbGetTxQueue(skb).requeues++;
            skb = nx;
        }
        netifSchedule(q);
    }

    /**
     * Mirrors {@code dev_hard_start_xmit()}: hands each skb of the list to the driver
     * ({@code xmit_one} → {@code ndo_start_xmit}) with xmit_more set while more follow; stops at
     * the first NETDEV_TX_BUSY or when the queue stopped, returning the skbs not sent.
     */
    SkBuff devHardStartXmit(SkBuff first, TxQueue t) {
        CostCounters c = host.counters();
        SkBuff skb = first;
        while (skb != null) {
            SkBuff nx = skb.next;
            skb.next = null;
            int len = skb.len();
            int segs = skb.isGso() ? Math.max(1, skb.gsoSegs()) : 1;
            int rc = driver.ndoStartXmit(skb, t.index, nx != null);
            if (rc != NetDriver.NETDEV_TX_OK) {
                t.busy++;
                skb.next = nx;
                return skb;
            }
            c.devHardStartXmitPackets++;
            c.devHardStartXmitBytes += len;
            t.packets += segs;
            t.bytes += len;
            txPackets += segs;
            txBytes += len;
            skb = nx;
            if (skb != null && t.frozenOrStopped()) return skb;
        }
        return null;
    }

    /** Mirrors {@code validate_xmit_skb_list()}: validates each skb; returns the new list (or null). */
    SkBuff validateXmitSkbList(SkBuff skb) {
        SkBuff head = null, tail = null;
        while (skb != null) {
            SkBuff nx = skb.next;
            skb.next = null;
            SkBuff v = validateXmitSkb(skb);
            if (v != null) {
                if (head == null) head = v; else tail.next = v;
                tail = v;
                while (tail.next != null) tail = tail.next;
            }
            skb = nx;
        }
        return head;
    }

    /**
     * Mirrors {@code validate_xmit_skb()}: software GSO when the device lacks the offload
     * ({@code netif_needs_gso} → {@code skb_gso_segment}), linearizing for devices without
     * scatter-gather, and {@code skb_checksum_help} for CHECKSUM_PARTIAL without checksum offload.
     */
    SkBuff validateXmitSkb(SkBuff skb) {
        long f = features;
        if (skb.isGso() && !gsoSupported(skb, f)) return skbGsoSegment(skb);
        if (skb.isNonlinear() && (f & NetdevFeatures.NETIF_F_SG) == 0) {
            SkBuff lin = host.allocator().copy(skb);
            host.allocator().copied(siteLinearize, skb.dataLen());
            lin.sk = skb.sk;
            lin.destructor = skb.destructor;
            lin.truesize = skb.truesize;
            skb.destructor = null;
            host.allocator().free(skb);
            skb = lin;
        }
        if (skb.ipSummed == SkBuff.CHECKSUM_PARTIAL && (f & NetdevFeatures.NETIF_F_IP_CSUM) == 0) {
            if (skb.dataShared()) {
                SkBuff cp = host.allocator().copy(skb);
                cp.sk = skb.sk;
                cp.destructor = skb.destructor;
                cp.truesize = skb.truesize;
                skb.destructor = null;
                host.allocator().free(skb);
                skb = cp;
            }
            if (!Gso.checksumHelp(skb)) {
                dropSkb(skb, DropReason.GSO_FAILED);
                return null;
            }
            host.allocator().copied(siteCsum, 0);
        }
        return skb;
    }

    private static boolean gsoSupported(SkBuff skb, long f) {
        int t = skb.gsoType();
        if ((t & SkBuff.SKB_GSO_TCPV4) != 0) return (f & NetdevFeatures.NETIF_F_TSO) != 0 && (f & NetdevFeatures.NETIF_F_SG) != 0;
        if ((t & SkBuff.SKB_GSO_UDP_L4) != 0) return (f & NetdevFeatures.NETIF_F_GSO_UDP_L4) != 0;
        return false;
    }

    /**
     * Mirrors {@code skb_gso_segment()}: one linear skb per wire segment, headers fixed per segment
     * and checksums complete; the GSO skb is consumed. Copied bytes are counted at "skb_segment".
     */
    SkBuff skbGsoSegment(SkBuff skb) {
        SkbAllocator a = host.allocator();
        int n = Gso.segmentCount(skb);
        if (n <= 0) {
            dropSkb(skb, DropReason.GSO_FAILED);
            return null;
        }
        int room = Math.max(0, Gso.headerLength(skb)) + skb.gsoSize();
        SkBuff head = null, tail = null;
        for (int i = 0; i < n; i++) {
            SkBuff s = a.allocSkb(room + 64);
            s.reserve(64);
            int off = s.tailOffset();
            int len = Gso.writeSegment(skb, i, s.head(), off);
            if (len < 0) {
                a.free(s);
                a.freeList(head);
                dropSkb(skb, DropReason.GSO_FAILED);
                return null;
            }
            s.put(len);
            a.copied(siteSegment, len);
            s.macHeader = off;
            s.networkHeader = off + skb.networkOffset();
            s.transportHeader = off + skb.transportOffset();
            s.protocol = skb.protocol;
            s.priority = skb.priority;
            s.queueMapping = skb.queueMapping;
            s.hash = skb.hash;
            s.l4Hash = skb.l4Hash;
            s.senderCpu = skb.senderCpu;
            s.mark = skb.mark;
            s.tstamp = skb.tstamp;
            s.ipSummed = SkBuff.CHECKSUM_NONE;
            s.qdiscPktLen = len;
            if (head == null) head = s; else tail.next = s;
            tail = s;
        }
        tail.sk = skb.sk;
        tail.destructor = skb.destructor;
        tail.truesize = skb.truesize;
        skb.destructor = null;
        a.free(skb);
        return head;
    }

    // ================================================================ softirq side

    /**
     * Mirrors {@code __netif_schedule()}: unless already scheduled (__QDISC_STATE_SCHED), puts the
     * qdisc on this CPU's output queue and raises NET_TX_SOFTIRQ.
     */
    void netifSchedule(QdiscRt q) {
        if (q.scheduled) return;
        q.scheduled = true;
        host.counters().netifSchedule++;
        Cpu cpu = host.cpu(host.currentCpu);
        q.nextSched = null;
        if (cpu.outputQueueTail == null) cpu.outputQueueHead = q; else ((QdiscRt) cpu.outputQueueTail).nextSched = q;
        cpu.outputQueueTail = q;
        host.raiseSoftirq(cpu, Cpu.NET_TX_SOFTIRQ);
    }

    /** Frees {@code skb} and counts it as dropped here with {@code reason} (kfree_skb_reason()). */
    void dropSkb(SkBuff skb, DropReason reason) {
        drops.add(reason, skb.len());
        txDropped++;
        txDroppedFrames += skb.isGso() ? skb.gsoSegs() : 1;
        host.allocator().free(skb);
    }

    // ================================================================ receive side

    /**
     * Mirrors {@code napi_gro_receive()} without GRO, i.e. {@code netif_receive_skb()}: counts the
     * frame (rx_packets, rx_bytes: the whole frame), runs {@link #ethTypeTrans} (in Linux the driver
     * calls it before; here the core does, so drivers need not know Ethernet) and
     * {@link #netifReceiveSkbCore}. Called from the driver's NAPI poll, in the NET_RX softirq.
     */
    @Override
    public void netifReceiveSkb(SkBuff skb) {
        CostCounters c = host.counters();
        int len = skb.len();
        c.netifReceiveSkbPackets++;
        c.netifReceiveSkbBytes += len;
        rxPackets++;
        rxBytes += len;
        if (!up) {
            rxDropSkb(skb, DropReason.DEV_READY);
            return;
        }
        if (!ethTypeTrans(skb)) return;
        if (groOn) gro.receive(skb);
        else netifReceiveSkbCore(skb);
    }

    /**
     * Mirrors {@code netif_rx()} → {@code netif_rx_internal()} → {@code enqueue_to_backlog()} on the
     * current CPU (no RPS): counts the frame, {@link #ethTypeTrans} (the driver's job in Linux), then
     * queues it to the CPU's backlog ({@code softnet_data.input_pkt_queue}), which the NET_RX
     * softirq drains through {@code process_backlog()}; dropped (cpu-backlog) when the backlog
     * already holds more than {@code net.core.netdev_max_backlog} frames.
     */
    @Override
    public int netifRx(SkBuff skb) {
        CostCounters c = host.counters();
        c.netifRxPackets++;
        rxPackets++;
        rxBytes += skb.len();
        if (!up) {
            rxDropSkb(skb, DropReason.DEV_READY);
            return NET_RX_DROP;
        }
        if (!ethTypeTrans(skb)) return NET_RX_DROP;
        return host.enqueueToBacklog(skb, this);
    }

    /**
     * Mirrors {@code eth_type_trans()} (net/ethernet/eth.c): resets the MAC header, pulls the 14
     * Ethernet header bytes (and resets the network header, which {@code __netif_receive_skb_core()}
     * does in Linux), sets {@code pkt_type} from the destination address — our address
     * {@link SkBuff#PACKET_HOST}, ff:ff:ff:ff:ff:ff {@link SkBuff#PACKET_BROADCAST}, another
     * group address (I/G bit set) {@link SkBuff#PACKET_MULTICAST}, any other unicast
     * {@link SkBuff#PACKET_OTHERHOST} — and sets {@code protocol}: the EtherType when it is at least
     * 0x0600 (ETH_P_802_3_MIN), else (an 802.3 length field) ETH_P_802_3 (0x0001) for a raw 802.3
     * frame whose payload starts with 0xFFFF, ETH_P_802_2 (0x0004) otherwise. A frame shorter than
     * the Ethernet header is dropped (pkt-too-small) and false returned.
     */
    boolean ethTypeTrans(SkBuff skb) {
        if (skb.headlen() < ETH_HLEN) {
            rxDropSkb(skb, DropReason.PKT_TOO_SMALL);
            return false;
        }
        byte[] b = skb.head();
        int d = skb.dataOffset();
        skb.resetMacHeader();
        skb.pull(ETH_HLEN);
        skb.resetNetworkHeader();
        if ((b[d] & 1) != 0) {
            boolean bcast = true;
            for (int i = 0; i < 6; i++) {
                if (b[d + i] != (byte) 0xff) {
                    bcast = false;
                    break;
                }
            }
            skb.pktType = bcast ? SkBuff.PACKET_BROADCAST : SkBuff.PACKET_MULTICAST;
        } else {
            byte[] a = devAddr;
            boolean ours = b[d] == a[0] && b[d + 1] == a[1] && b[d + 2] == a[2] && b[d + 3] == a[3]
                    && b[d + 4] == a[4] && b[d + 5] == a[5];
            skb.pktType = ours ? SkBuff.PACKET_HOST : SkBuff.PACKET_OTHERHOST;
        }
        int type = ((b[d + 12] & 0xff) << 8) | (b[d + 13] & 0xff);
        if (type >= ETH_P_802_3_MIN) {
            skb.protocol = type;
        } else if (skb.headlen() >= 2 && b[d + ETH_HLEN] == (byte) 0xff && b[d + ETH_HLEN + 1] == (byte) 0xff) {
            skb.protocol = ETH_P_802_3;
        } else {
            skb.protocol = ETH_P_802_2;
        }
        return true;
    }

    /** ETH_HLEN, ETH_P_802_3_MIN, ETH_P_802_3, ETH_P_802_2 (include/uapi/linux/if_ether.h). */
    static final int ETH_HLEN = 14, ETH_P_802_3_MIN = 0x0600, ETH_P_802_3 = 0x0001, ETH_P_802_2 = 0x0004;

    /**
     * Mirrors {@code __netif_receive_skb_core()} for an skb that went through {@link #ethTypeTrans}:
     * a frame for another host (PACKET_OTHERHOST) is dropped (reason otherhost; in Linux
     * {@code ip_rcv()} drops it, here the core does it for every protocol, since no handler wants
     * them and there is no promiscuous mode); otherwise the host's packet handlers for
     * {@code skb.protocol} get it ({@code deliver_skb()}, one reference each), and a frame no
     * handler takes is dropped (reason unhandled-proto, counted in rx_nohandler as well).
     */
    void netifReceiveSkbCore(SkBuff skb) {
        if (skb.pktType == SkBuff.PACKET_OTHERHOST) {
            rxDropSkb(skb, DropReason.OTHERHOST);
            return;
        }
        if (!host.deliverSkb(skb, this)) {
            rxNohandler++;
            rxDropSkb(skb, DropReason.UNHANDLED_PROTO);
        }
    }

    /** Frees a received {@code skb} and counts it as an RX drop here with {@code reason} (kfree_skb_reason()). */
    void rxDropSkb(SkBuff skb, DropReason reason) {
        drops.add(reason, skb.len());
        rxDropped++;
        host.allocator().free(skb);
    }

    @Override
    public int realNumRxQueues() { return nic.config().numRxQueues(); }

    // ================================================================ NetDevice (driver side)

    @Override
    public String name() { return spec.name(); }

    @Override
    public EventLoop loop() { return host.loop(); }

    @Override
    public SkbAllocator allocator() { return host.allocator(); }

    @Override
    public CostCounters counters() { return host.counters(); }

    @Override
    public int mtu() { return mtu; }

    @Override
    public void setRealNumTxQueues(int n) {
        if (n < 1 || n > txq.length) throw new IllegalArgumentException("real TX queues must be 1.." + txq.length + ", got " + n);
        realNumTxQueues = n;
    }

    @Override
    public int realNumTxQueues() { return realNumTxQueues; }

    /** The driver's features; NETIF_F_GRO is the core's ({@link #setGro}) and is ignored here. */
    @Override
    public void setFeatures(long f) { features = f & ~NetdevFeatures.NETIF_F_GRO; }

    @Override
    public long features() { return groOn ? features | NetdevFeatures.NETIF_F_GRO : features; }

    /**
     * {@code ethtool -K DEV gro on|off}: generic receive offload ({@link Gro}). Off by default,
     * unlike Linux, so that the receive path stays one skb per frame unless a scenario asks;
     * turning it off sends up what is held.
     */
    @Override
    public void setGro(boolean on) {
        if (!on) gro.flush();
        groOn = on;
    }

    @Override
    public void netifTxStopQueue(int queue) {
        TxQueue t = txq[queue];
        if ((t.state & TxQueue.DRV_XOFF) == 0) {
            t.state |= TxQueue.DRV_XOFF;
            t.stops++;
            host.counters().txQueueStop++;
        }
    }

    @Override
    public void netifTxWakeQueue(int queue) {
        TxQueue t = txq[queue];
        if ((t.state & TxQueue.DRV_XOFF) != 0) {
            t.state &= ~TxQueue.DRV_XOFF;
            t.wakes++;
            host.counters().txQueueWake++;
            netifScheduleQueue(t);
        }
    }

    /** netif_schedule_queue(): reschedules the queue's qdisc if the queue can send, then tells waiters. */
    private void netifScheduleQueue(TxQueue t) {
        if (!t.frozenOrStopped() && t.qdisc != null) netifSchedule(t.qdisc.root());
        for (int i = 0; i < wakeCallbacks.size(); i++) wakeCallbacks.get(i).run();
    }

    @Override
    public boolean netifTxQueueStopped(int queue) { return (txq[queue].state & TxQueue.DRV_XOFF) != 0; }

    @Override
    public boolean netifXmitStopped(int queue) { return (txq[queue].state & (TxQueue.DRV_XOFF | TxQueue.STACK_XOFF)) != 0; }

    @Override
    public void netdevTxSentQueue(int queue, int bytes) {
        TxQueue t = txq[queue];
        t.bqlUsed = true;
        t.dql.queued(bytes);
        if (t.dql.avail() >= 0) return;
        t.state |= TxQueue.STACK_XOFF;
        t.stops++;
        host.counters().txQueueStop++;
    }

    @Override
    public void netdevTxCompletedQueue(int queue, int packets, long bytes) {
        if (bytes == 0) return;
        TxQueue t = txq[queue];
        t.dql.completed(bytes, host.loop().now());
        if (t.dql.avail() < 0) return;
        if ((t.state & TxQueue.STACK_XOFF) != 0) {
            t.state &= ~TxQueue.STACK_XOFF;
            t.wakes++;
            host.counters().txQueueWake++;
            netifScheduleQueue(t);
        }
    }

    @Override
    public void netdevTxResetQueue(int queue) {
        TxQueue t = txq[queue];
        boolean wasStopped = (t.state & TxQueue.STACK_XOFF) != 0;
        t.state &= ~TxQueue.STACK_XOFF;
        t.dql.reset(host.loop().now());
        if (wasStopped && up) netifScheduleQueue(t);
    }

    /**
     * Mirrors {@code dev_consume_skb_any()}: in hard-IRQ context the skb goes to this CPU's
     * completion queue and NET_TX frees it ({@code __dev_kfree_skb_irq}); otherwise it is freed now.
     */
    @Override
    public void devConsumeSkbAny(SkBuff skb) {
        if (host.inHardIrq) {
            Cpu cpu = host.cpu(host.currentCpu);
            skb.next = cpu.completionQueue;
            cpu.completionQueue = skb;
            host.raiseSoftirq(cpu, Cpu.NET_TX_SOFTIRQ);
        } else {
            host.allocator().free(skb);
        }
    }

    @Override
    public void devKfreeSkbAny(SkBuff skb, DropReason reason) {
        dropSkb(skb, reason);
    }

    /**
     * The hardware never sent {@code skb} (a ring reset gave it back): during ndo_stop it is kept
     * for {@link #requeueUnsent}; otherwise requeued at once.
     */
    @Override
    public void netdevTxReturnUnsent(int queue, SkBuff skb) {
        if (queue < 0 || queue >= txq.length) throw new IllegalArgumentException("TX queue must be 0.." + (txq.length - 1) + ", got " + queue);
        skb.next = null;
        unsent[queue].addTail(skb);
        if (!stopping) requeueUnsent(true);
    }

    /**
     * Mirrors {@code dev_requeue_skb()} for the skbs the driver handed back: each queue's go to the
     * head of the requeue list ({@code gso_skb}) of that queue's qdisc, ahead of what is queued and
     * requeued there, in ring order, counted in its qlen/backlog and as requeues; their
     * tx_packets/tx_bytes (counted when the driver took them) are undone, since they were not sent.
     * Without a qdisc to hold them (noqueue) they are freed as ring-flush. The qdiscs are
     * rescheduled only when {@code schedule} (not during a stop: opening the device does it).
     */
    private void requeueUnsent(boolean schedule) {
        CostCounters c = host.counters();
        for (int i = 0; i < unsent.length; i++) {
            SkBuffHead l = unsent[i];
            if (l.isEmpty()) continue;
            TxQueue t = txq[i];
            QdiscRt q = t.qdisc;
            SkBuff skb;
            if (q == null || q.ops instanceof org.nicemu.core.sched.NoQueue) {
                while ((skb = l.removeHead()) != null) dropSkb(skb, DropReason.RING_FLUSH);
                continue;
            }
            var s = q.ops.stats();
            // newest first to the head: the oldest ends up first
            while ((skb = l.removeTail()) != null) {
                int segs = skb.isGso() ? Math.max(1, skb.gsoSegs()) : 1;
                t.packets -= segs;
                t.bytes -= skb.len();
                txPackets -= segs;
                txBytes -= skb.len();
                q.gsoSkb.addHead(skb);
                s.requeues++;
                s.backlog += skb.qdiscPktLen;
                s.qlen++;
                c.txRequeue++;
                t.requeues++;
            }
            if (schedule) netifSchedule(q.root());
        }
    }

    /**
     * Runs the driver's ndo_stop and requeues what it handed back; BQL of every queue is reset
     * afterwards (the requeued bytes are no longer in flight), without waking anything.
     */
    private void stopDriver() {
        stopping = true;
        try {
            driver.ndoStop();
        } finally {
            stopping = false;
        }
        requeueUnsent(false);
        boolean wasUp = up;
        up = false; // netdevTxResetQueue() must not reschedule
        for (int i = 0; i < txq.length; i++) netdevTxResetQueue(i);
        up = wasUp;
    }

    /**
     * After a rebind with other features: the requeued skbs skip validate_xmit_skb() (they were
     * validated for the old driver), so they are validated again for the new features (software
     * GSO, linearize, checksum), keeping their order and fixing the qdisc's qlen/backlog.
     */
    void revalidateRequeued(long oldFeatures) {
        if (features == oldFeatures) return;
        SkBuffHead tmp = new SkBuffHead();
        for (int i = 0; i < txq.length; i++) {
            QdiscRt q = txq[i].qdisc;
            if (q == null || q.gsoSkb.isEmpty()) continue;
            boolean seen = false;
            for (int j = 0; j < i && !seen; j++) seen = txq[j].qdisc == q;
            if (seen) continue;
            var s = q.ops.stats();
            SkBuff skb;
            while ((skb = q.gsoSkb.removeHead()) != null) {
                s.qlen--;
                s.backlog -= skb.qdiscPktLen;
                int qm = skb.queueMapping;
                SkBuff v = validateXmitSkb(skb);
                while (v != null) {
                    SkBuff nx = v.next;
                    v.next = null;
                    v.queueMapping = qm;
                    if (v.qdiscPktLen <= 0) v.qdiscPktLen = v.len();
                    tmp.addTail(v);
                    v = nx;
                }
            }
            while ((skb = tmp.removeHead()) != null) {
                q.gsoSkb.addTail(skb);
                s.qlen++;
                s.backlog += skb.qdiscPktLen;
            }
        }
    }

    @Override
    public void napiSchedule() {
        if (!napiEnabled || napiScheduled) return;
        napiScheduled = true;
        Cpu cpu = host.cpu(host.currentCpu);
        cpu.pollList.addLast(this);
        host.raiseSoftirq(cpu, Cpu.NET_RX_SOFTIRQ);
    }

    @Override
    public boolean napiCompleteDone(int workDone) {
        napiScheduled = false;
        napiCompleted = true;
        return true;
    }

    /** One NAPI poll from net_rx_action(): returns the work done; what GRO holds goes up at its end. */
    int napiPoll(int budget) {
        host.counters().napiPoll++;
        int work = driver.napiPoll(budget);
        if (gro.held() > 0) gro.flush();
        return work;
    }

    @Override
    public void netifCarrierOn() {
        carrier = true;
        for (TxQueue t : txq) t.state &= ~TxQueue.FROZEN;
        for (int i = 0; i < realNumTxQueues; i++) netifScheduleQueue(txq[i]);
    }

    @Override
    public void netifCarrierOff() {
        carrier = false;
        for (TxQueue t : txq) t.state |= TxQueue.FROZEN;
    }

    // ================================================================ Device (management side)

    @Override
    public Host host() { return host; }

    @Override
    public Nic nic() { return nic; }

    @Override
    public String driverKind() { return driverKind; }

    /** Binds a driver and opens the device (probe + register + dev_open). */
    void bindDriver(String kind, NetDriver d, Map<String, String> params) throws DriverException {
        d.probe(this, new IrqHardware(nic, h -> host.irqContext(h, irqCpu)));
        driver = d;
        driverKind = kind;
        driverParams = Map.copyOf(params);
        for (int i = 0; i < txq.length; i++) {
            txq[i].state = 0;
            netdevTxResetQueue(i);
            txq[i].bqlUsed = false;
        }
        napiEnabled = true;
        d.ndoOpen();
        up = true;
    }

    /** Stops and unbinds the driver (dev_close + remove): rings drained, qdisc contents kept. */
    void unbindDriver() {
        if (driver == null) return;
        up = false;
        stopDriver();
        napiEnabled = false;
        if (napiScheduled) {
            napiScheduled = false;
            for (int i = 0; i < host.numCpus(); i++) host.cpu(i).pollList.remove(this);
        }
        driver.remove();
        driver = null;
    }

    @Override
    public void setDriver(String kind, Map<String, String> params) throws DriverException {
        if (driver == null) throw new DriverException("dev " + name() + " has no driver bound");
        NetDriver d = host.emulation().plugins().createDriver(kind, params);
        String oldKind = driverKind;
        Map<String, String> oldParams = driverParams;
        int oldReal = realNumTxQueues;
        long oldFeatures = features;
        unbindDriver();
        try {
            bindDriver(kind, d, params);
            desiredDriver = kind;
            desiredDriverParams = Map.copyOf(params);
        } catch (DriverException | RuntimeException e) {
            // rebind the previous driver so the device keeps working
            NetDriver back = host.emulation().plugins().createDriver(oldKind, oldParams);
            bindDriver(oldKind, back, oldParams);
            throw e instanceof DriverException ? (DriverException) e : new DriverException(kind + ": " + e.getMessage());
        }
        if (realNumTxQueues != oldReal) tree.realQueuesChanged();
        revalidateRequeued(oldFeatures);
        for (int i = 0; i < realNumTxQueues; i++) netifScheduleQueue(txq[i]);
    }

    /**
     * The driver bundle of this device is going away: rebinds the fallback driver model, or leaves
     * the device down (packets stay queued) when there is none. The user's choice is kept.
     */
    void driverGone(String fallbackKind) {
        String want = desiredDriver;
        Map<String, String> wantParams = desiredDriverParams;
        long oldFeatures = features;
        unbindDriver();
        tree.setDeactivated(true);
        if (fallbackKind != null) {
            try {
                bindDriver(fallbackKind, host.emulation().plugins().createDriver(fallbackKind, Map.of()), Map.of());
                tree.setDeactivated(false);
                tree.realQueuesChanged();
                revalidateRequeued(oldFeatures);
                for (int i = 0; i < realNumTxQueues; i++) netifScheduleQueue(txq[i]);
            } catch (DriverException | RuntimeException e) {
                up = false;
            }
        }
        desiredDriver = want;
        desiredDriverParams = wantParams;
    }

    /** The user's driver model is available again: rebinds it. */
    void driverBack() {
        if (desiredDriver == null || desiredDriver.equals(driverKind)) return;
        String want = desiredDriver;
        Map<String, String> wantParams = desiredDriverParams;
        try {
            NetDriver d = host.emulation().plugins().createDriver(want, wantParams);
            int oldReal = realNumTxQueues;
            long oldFeatures = features;
            unbindDriver();
            bindDriver(want, d, wantParams);
            tree.setDeactivated(false);
            if (realNumTxQueues != oldReal) tree.realQueuesChanged();
            revalidateRequeued(oldFeatures);
            for (int i = 0; i < realNumTxQueues; i++) netifScheduleQueue(txq[i]);
        } catch (DriverException | RuntimeException e) {
            // keep what is bound
        }
    }

    @Override
    public void changeDriver(Map<String, String> params) throws DriverException {
        driver.change(params);
        Map<String, String> m = new LinkedHashMap<>(driverParams);
        m.putAll(params);
        driverParams = Map.copyOf(m);
    }

    @Override
    public void tc(TcRequest request) throws QdiscParamException {
        tree.tc(request);
    }

    @Override
    public List<QdiscInfo> qdiscs() { return tree.show(); }

    @Override
    public boolean txQueueStopped(int q) { return q >= realNumTxQueues || txq[q].frozenOrStopped(); }

    @Override
    public void onTxWake(Runnable callback) { wakeCallbacks.add(callback); }

    @Override
    public void setUp(boolean wantUp) {
        if (wantUp == up) return;
        if (!wantUp) {
            up = false;
            stopDriver(); // unsent skbs back to the qdiscs, sent after up
            tree.setDeactivated(true);
        } else {
            for (int i = 0; i < txq.length; i++) netdevTxResetQueue(i);
            driver.ndoOpen();
            up = true;
            tree.setDeactivated(false);
            for (int i = 0; i < realNumTxQueues; i++) netifScheduleQueue(txq[i]);
        }
    }

    @Override
    public boolean isUp() { return up; }

    @Override
    public void setTxQueueLen(int packets) {
        if (packets < 0 || packets > 10_000_000) throw new IllegalArgumentException("txqueuelen must be 0..10000000 packets, got " + packets);
        txQueueLen = packets;
    }

    @Override
    public int txQueueLen() { return txQueueLen; }

    @Override
    public void setLink(boolean linkUp) {
        nic.setLink(linkUp);
    }

    @Override
    public void attachPort(NicPort port) {
        nic.attachPort(port); // binds first: may refuse the port
        ports.add(port);
    }

    @Override
    public boolean detachPort(NicPort port) {
        if (!ports.remove(port)) return false;
        nic.detachPort(port); // unbinds and flushes
        return true;
    }

    @Override
    public List<NicPort> ports() { return List.copyOf(ports); }

    @Override
    public Map<String, Long> stats() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("tx_packets", txPackets);
        m.put("tx_bytes", txBytes);
        m.put("tx_dropped", txDropped);
        m.put("tx_dropped_frames", txDroppedFrames);
        m.put("rx_packets", rxPackets);
        m.put("rx_bytes", rxBytes);
        m.put("rx_dropped", rxDropped);
        m.put("rx_nohandler", rxNohandler);
        m.put("qdisc_backlog_packets", (long) tree.backlogPackets());
        return m;
    }

    @Override
    public DropCounters drops() { return drops; }

    @Override
    public Map<String, Long> ethtoolStats() {
        Map<String, Long> m = new LinkedHashMap<>(nic.ethtoolStats());
        if (driver != null) m.putAll(driver.ethtoolStats());
        if (groOn || gro.mergedSegs > 0) {
            m.put("gro_merged_skbs", gro.mergedSkbs);
            m.put("gro_merged_segs", gro.mergedSegs);
        }
        for (int i = 0; i < realNumTxQueues; i++) {
            TxQueue t = txq[i];
            String p = "txq_" + i + "_";
            m.put(p + "stack_packets", t.packets);
            m.put(p + "stack_bytes", t.bytes);
            m.put(p + "stops", t.stops);
            m.put(p + "wakes", t.wakes);
            m.put(p + "requeues", t.requeues);
            m.put(p + "busy", t.busy);
            m.put(p + "bql_limit", t.dql.limit());
            m.put(p + "bql_inflight", t.dql.inflight());
        }
        return m;
    }

    /** The TX queue {@code i} (tests and the shell). */
    public TxQueue txQueue(int i) { return txq[i]; }

    /** The root qdisc's runtime. */
    public QdiscRt rootQdisc() { return root; }

    public NetDriver driver() { return driver; }

    @Override
    public String toString() { return "dev " + name() + "@" + host.name(); }
}
