package org.nicemu.core.dev;

import java.util.ArrayList;
import java.util.List;

import org.nicemu.api.exec.EventLoop;
import org.nicemu.api.qdisc.ClassfulQdisc;
import org.nicemu.api.qdisc.Qdisc;
import org.nicemu.api.qdisc.QdiscEnv;
import org.nicemu.api.qdisc.QdiscFactory;
import org.nicemu.api.qdisc.QdiscParamException;
import org.nicemu.api.qdisc.QdiscParams;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.skb.SkBuffHead;
import org.nicemu.api.stats.DropReason;
import org.nicemu.core.exec.SpinLockModel;

/**
 * The core's part of a qdisc ({@code struct Qdisc} minus the ops): handle, parent, state bits
 * (RUNNING, SCHED, DEACTIVATED), the requeue list ({@code gso_skb}), the root lock and busylock,
 * the output-queue link, the factory that made it and the children it created. The plugin instance
 * ({@link #ops}) owns the queue and the statistics. It is also the plugin's {@link QdiscEnv}.
 */
public final class QdiscRt implements QdiscEnv {
    public final Qdisc ops;
    final NetDeviceImpl dev;
    /** The factory that made {@link #ops}, null for the core's built-in kinds. */
    final QdiscFactory factory;
    final String kind;
    QdiscParams params;
    int handle;
    /** Classid of the parent ("root" is TC_H_ROOT = 0xffffffff). */
    int parent;
    /** The parent qdisc, null for a root. */
    QdiscRt parentQdisc;
    /** Children created through {@link #createChild}, or mq's per-queue children. */
    final List<QdiscRt> children = new ArrayList<>();
    /** The TX queue this qdisc dequeues for when it serves one queue only (TCQ_F_ONETXQUEUE). */
    TxQueue devQueue;
    /** True when the user chose this qdisc (tc add/replace), false for a default one. */
    boolean explicit;

    final SkBuffHead gsoSkb = new SkBuffHead();
    boolean running;
    boolean scheduled;
    boolean deactivated;
    QdiscRt nextSched;
    final SpinLockModel rootLock;
    final SpinLockModel busylock;
    /** Set while a hot swap moves packets into this qdisc: its limit drops count as swap-overlimit. */
    boolean migrating;
    /** Set once the qdisc was replaced: net_tx_action() skips it. */
    boolean dead;

    QdiscRt(NetDeviceImpl dev, Qdisc ops, QdiscFactory factory, String kind, int handle) {
        this.dev = dev;
        this.ops = ops;
        this.factory = factory;
        this.kind = kind;
        this.handle = handle;
        this.rootLock = new SpinLockModel(dev.name() + " qdisc " + kind + " root_lock", dev.host.counters());
        this.busylock = new SpinLockModel(dev.name() + " qdisc " + kind + " busylock", dev.host.counters());
    }

    /** True while a hot swap moves packets into this qdisc or one of its ancestors. */
    boolean isMigrating() {
        for (QdiscRt q = this; q != null; q = q.parentQdisc) if (q.migrating) return true;
        return false;
    }

    /** qdisc_root(): the root of the tree this qdisc is in. */
    public QdiscRt root() {
        QdiscRt q = this;
        while (q.parentQdisc != null && !(q.parentQdisc.ops instanceof org.nicemu.core.sched.Mq)) q = q.parentQdisc;
        return q;
    }

    /** TCQ flags, with ONETXQUEUE when the qdisc serves one TX queue. */
    int flags() {
        int f = ops.flags();
        if (devQueue != null) f |= Qdisc.TCQ_F_ONETXQUEUE;
        return f;
    }

    /** qdisc_qlen() including requeued skbs. */
    int qlen() { return ops.stats().qlen; }

    /** "H:" as tc prints a handle. */
    public String handleString() { return Integer.toHexString(handle >>> 16) + ":"; }

    public String kind() { return kind; }

    // ---------------------------------------------------------------- QdiscEnv

    @Override
    public EventLoop loop() { return dev.host.loop(); }

    @Override
    public int handle() { return handle; }

    @Override
    public String devName() { return dev.name(); }

    @Override
    public int numTxQueues() { return dev.realNumTxQueues(); }

    @Override
    public int txQueueLen() { return dev.txQueueLen; }

    @Override
    public int mtu() { return dev.mtu(); }

    @Override
    public int hardHeaderLen() { return 14; }

    @Override
    public void drop(SkBuff skb, DropReason reason) {
        dev.dropSkb(skb, reason == DropReason.QDISC_DROP && isMigrating() ? DropReason.SWAP_OVERLIMIT : reason);
    }

    @Override
    public void netifSchedule() {
        dev.netifSchedule(root());
    }

    @Override
    public Qdisc createChild(String childKind, int childHandle, QdiscParams childParams) throws QdiscParamException {
        QdiscRt c = dev.tree.create(childKind, childHandle, childParams == null ? QdiscParams.empty() : childParams);
        c.parentQdisc = this;
        c.parent = childHandle;
        c.devQueue = devQueue;
        children.add(c);
        return c.ops;
    }

    /** The child runtime holding {@code q}, or null. */
    QdiscRt childOf(Qdisc q) {
        for (QdiscRt c : children) if (c.ops == q) return c;
        return null;
    }

    /** Forgets children the parent no longer holds in a class (e.g. prio shrank its bands). */
    void pruneChildren() {
        if (ops instanceof org.nicemu.core.sched.Mq || !(ops instanceof ClassfulQdisc)) return;
        children.removeIf(c -> minorOf(c) < 1);
    }

    /** The minor of the class holding child {@code c}, or -1. */
    int minorOf(QdiscRt c) {
        if (!(ops instanceof ClassfulQdisc)) return -1;
        ClassfulQdisc cq = (ClassfulQdisc) ops;
        for (int m = 1; m <= cq.classCount(); m++) if (cq.leaf(m) == c.ops) return m;
        return -1;
    }

    @Override
    public String toString() { return "qdisc " + kind + " " + handleString() + " dev " + dev.name(); }
}
