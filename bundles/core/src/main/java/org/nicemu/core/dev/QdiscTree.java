package org.nicemu.core.dev;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Consumer;

import org.nicemu.api.emu.QdiscInfo;
import org.nicemu.api.emu.TcRequest;
import org.nicemu.api.qdisc.ClassfulQdisc;
import org.nicemu.api.qdisc.Qdisc;
import org.nicemu.api.qdisc.QdiscFactory;
import org.nicemu.api.qdisc.QdiscParamException;
import org.nicemu.api.qdisc.QdiscParams;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.stats.DropReason;
import org.nicemu.api.stats.QdiscStats;
import org.nicemu.core.sched.Mq;
import org.nicemu.core.sched.NoQueue;
import org.nicemu.core.sched.PfifoFast;

/**
 * The qdisc tree of one device and its changes, mirroring net/sched/sch_api.c ({@code tc_modify_qdisc},
 * {@code qdisc_graft}, {@code tc_get_qdisc}, {@code qdisc_tree_reduce_backlog}) and
 * {@code attach_default_qdiscs()} of sch_generic.c, with the hot-swap semantics of DESIGN §6:
 * a replace moves queued packets into the new qdisc in dequeue order ({@code migrate}) or frees them
 * as Linux does ({@code drop}). Every change happens on the loop, between two packets.
 */
public final class QdiscTree {
    private final NetDeviceImpl dev;
    private int nextAutoHandle = 0x8001;
    /** What the user asked for at the root, kept to re-apply it when a plugin bundle comes back. */
    private Desired desiredRoot;
    /** What the user (or a parent qdisc) asked for in classes whose plugin went away. */
    private final List<Desired> desiredChildren = new ArrayList<>();

    /** A remembered choice: kind, handle and parameters, at the root (parentHandle -1) or in a class. */
    record Desired(int parentHandle, int minor, String kind, int handle, QdiscParams params) {
    }

    QdiscTree(NetDeviceImpl dev) {
        this.dev = dev;
    }

    // ---------------------------------------------------------------- creation

    /** qdisc_create(): a new initialised qdisc of {@code kind}; bad kinds and parameters throw before any change. */
    QdiscRt create(String kind, int handle, QdiscParams params) throws QdiscParamException {
        if (kind == null || kind.isEmpty()) throw new QdiscParamException("a qdisc kind is required; available: " + dev.host.emulation().plugins().qdiscKinds());
        Qdisc ops;
        QdiscFactory f = null;
        switch (kind) {
            case PfifoFast.KIND: ops = new PfifoFast(); break;
            case NoQueue.KIND: ops = new NoQueue(); break;
            case Mq.KIND: ops = new Mq(); break;
            default:
                f = dev.host.emulation().plugins().qdiscFactory(kind);
                if (f == null) {
                    throw new QdiscParamException("unknown qdisc kind '" + kind + "'; available: " + dev.host.emulation().plugins().qdiscKinds());
                }
                try {
                    ops = f.create();
                } catch (RuntimeException e) {
                    throw new QdiscParamException(kind + ": cannot create: " + e.getMessage());
                }
        }
        if (handle == 0) handle = (nextAutoHandle++) << 16;
        QdiscRt rt = new QdiscRt(dev, ops, f, kind, handle);
        try {
            ops.init(rt, params);
        } catch (QdiscParamException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new QdiscParamException(kind + ": bad parameters: " + e.getMessage());
        }
        rt.params = params;
        return rt;
    }

    /** attach_default_qdiscs(): net.core.default_qdisc on a single-queue device, mq of it on a multi-queue one. */
    QdiscRt buildDefault() {
        String kind = dev.txQueueLen == 0 ? NoQueue.KIND : dev.host.defaultQdisc();
        try {
            int n = dev.realNumTxQueues;
            if (n == 1 || kind.equals(NoQueue.KIND)) {
                QdiscRt r = create(kind, 0, QdiscParams.empty());
                r.handle = 0;
                return r;
            }
            QdiscRt mq = create(Mq.KIND, 0, QdiscParams.empty());
            mq.handle = 0;
            Qdisc[] kids = new Qdisc[n];
            for (int i = 0; i < n; i++) {
                QdiscRt c = create(kind, 0, QdiscParams.empty());
                c.handle = 0;
                c.parentQdisc = mq;
                c.parent = i + 1;
                c.devQueue = dev.txq[i];
                mq.children.add(c);
                kids[i] = c.ops;
            }
            ((Mq) mq.ops).setChildren(kids);
            return mq;
        } catch (QdiscParamException e) {
            if (!kind.equals(PfifoFast.KIND)) {
                dev.host.sysctl("net.core.default_qdisc", PfifoFast.KIND);
                return buildDefault();
            }
            throw new IllegalStateException(e);
        }
    }

    /** Installs the default tree on a new device. */
    void attachDefault() {
        QdiscRt r = buildDefault();
        attach(r);
        dev.root = r;
    }

    /** Points the TX queues at {@code r} (dev_graft_qdisc on every queue; mq_attach for mq). */
    private void attach(QdiscRt r) {
        int n = dev.realNumTxQueues;
        if (r.ops instanceof Mq) {
            if (r.children.size() != n) throw new IllegalStateException("mq has " + r.children.size() + " children for " + n + " queues");
            for (int i = 0; i < n; i++) {
                QdiscRt c = r.children.get(i);
                c.devQueue = dev.txq[i];
                setDevQueue(c, dev.txq[i]);
                dev.txq[i].qdisc = c;
            }
        } else {
            setDevQueue(r, n == 1 ? dev.txq[0] : null);
            for (int i = 0; i < dev.txq.length; i++) dev.txq[i].qdisc = r;
        }
    }

    private static void setDevQueue(QdiscRt r, TxQueue q) {
        r.devQueue = q;
        for (QdiscRt c : r.children) setDevQueue(c, q);
    }

    // ---------------------------------------------------------------- tc

    /** tc qdisc add|replace|change|del. Bad requests throw with the reason and change nothing. */
    void tc(TcRequest rq) throws QdiscParamException {
        boolean isRoot = rq.parent().equals("root");
        int handle = rq.handle() == null ? 0 : parseHandle(rq.handle());
        if (isRoot) {
            switch (rq.op()) {
                case ADD:
                    if (dev.root.explicit) throw new QdiscParamException("dev " + dev.name() + " already has root qdisc " + dev.root.kind + " " + dev.root.handleString() + " (RTNETLINK answers: File exists); use 'replace' or 'change'");
                    // fall through
                case REPLACE: {
                    QdiscRt n = createRoot(rq.kind(), handle, rq.params());
                    n.explicit = true;
                    desiredRoot = new Desired(-1, 0, rq.kind(), n.handle, rq.params());
                    replaceRoot(n, rq.migrate());
                    return;
                }
                case CHANGE:
                    change(dev.root, rq);
                    if (desiredRoot != null && desiredRoot.kind.equals(dev.root.kind)) desiredRoot = new Desired(-1, 0, dev.root.kind, dev.root.handle, dev.root.params);
                    return;
                case DEL:
                    if (!dev.root.explicit) throw new QdiscParamException("dev " + dev.name() + ": cannot delete the default root qdisc (handle 0:)");
                    desiredRoot = null;
                    replaceRoot(buildDefault(), rq.migrate());
                    return;
                default:
                    throw new QdiscParamException("unknown operation " + rq.op());
            }
        }
        int[] cls = parseClassid(rq.parent());
        QdiscRt parent = find(dev.root, cls[0]);
        if (parent == null) throw new QdiscParamException("dev " + dev.name() + ": no qdisc with handle " + Integer.toHexString(cls[0] >>> 16) + ": (parent " + rq.parent() + "); handles: " + handles());
        if (!(parent.ops instanceof ClassfulQdisc)) throw new QdiscParamException("qdisc " + parent.kind + " " + parent.handleString() + " is classless: it has no class " + rq.parent());
        ClassfulQdisc cq = (ClassfulQdisc) parent.ops;
        int minor = cls[1];
        if (minor < 1 || minor > cq.classCount()) throw new QdiscParamException("qdisc " + parent.kind + " " + parent.handleString() + " has classes :1 to :" + Integer.toHexString(cq.classCount()) + "; got " + rq.parent());
        QdiscRt old = parent.childOf(cq.leaf(minor));
        switch (rq.op()) {
            case ADD:
            case REPLACE: {
                QdiscRt n = create(rq.kind(), handle, rq.params());
                n.explicit = true;
                graft(parent, minor, old, n, rq.migrate());
                rememberChild(parent.handle, minor, rq.kind(), n.handle, rq.params());
                return;
            }
            case CHANGE:
                if (old == null) throw new QdiscParamException("class " + rq.parent() + " has no qdisc to change");
                change(old, rq);
                return;
            case DEL: {
                QdiscRt n = create(PfifoFast.KIND, 0, QdiscParams.empty());
                graft(parent, minor, old, n, rq.migrate());
                desiredChildren.removeIf(d -> d.parentHandle == parent.handle && d.minor == minor);
                return;
            }
            default:
                throw new QdiscParamException("unknown operation " + rq.op());
        }
    }

    private void rememberChild(int parentHandle, int minor, String kind, int handle, QdiscParams params) {
        desiredChildren.removeIf(d -> d.parentHandle == parentHandle && d.minor == minor);
        desiredChildren.add(new Desired(parentHandle, minor, kind, handle, params));
    }

    private QdiscRt createRoot(String kind, int handle, QdiscParams params) throws QdiscParamException {
        if (!Mq.KIND.equals(kind)) return create(kind, handle, params);
        if (dev.realNumTxQueues == 1) throw new QdiscParamException("mq needs a multi-queue device; dev " + dev.name() + " has 1 TX queue");
        QdiscRt mq = create(Mq.KIND, handle, params);
        Qdisc[] kids = new Qdisc[dev.realNumTxQueues];
        for (int i = 0; i < kids.length; i++) {
            QdiscRt c = create(dev.host.defaultQdisc(), 0, QdiscParams.empty());
            c.handle = 0;
            c.parentQdisc = mq;
            c.parent = i + 1;
            mq.children.add(c);
            kids[i] = c.ops;
        }
        ((Mq) mq.ops).setChildren(kids);
        return mq;
    }

    private void change(QdiscRt q, TcRequest rq) throws QdiscParamException {
        if (rq.kind() != null && !rq.kind().equals(q.kind)) {
            throw new QdiscParamException("change: qdisc at " + rq.parent() + " is " + q.kind + ", not " + rq.kind() + "; use 'replace' to change the kind");
        }
        q.ops.change(rq.params());
        q.params = rq.params().over(q.params == null ? QdiscParams.empty() : q.params);
        dev.netifSchedule(q.root());
    }

    /**
     * Swaps the whole root (dev_graft_qdisc on every queue): the old tree is quiesced, its packets
     * move in dequeue order into the new one or are freed, then the old tree is destroyed.
     */
    void replaceRoot(QdiscRt n, boolean migrate) {
        QdiscRt old = dev.root;
        attach(n);
        dev.root = n;
        if (!dev.up) setDeactivated(true);
        moveAll(old, migrate, skb -> {
            QdiscRt target = dev.skbGetTxQueue(skb).qdisc;
            target.migrating = true;
            migrateInto(target, skb);
            target.migrating = false;
        });
        destroy(old);
        scheduleAll(n);
    }

    /** qdisc_graft() into a class: the old child's packets move into the new child (or are freed). */
    private void graft(QdiscRt parent, int minor, QdiscRt old, QdiscRt n, boolean migrate) {
        ClassfulQdisc cq = (ClassfulQdisc) parent.ops;
        n.parentQdisc = parent;
        n.parent = parent.handle | minor;
        if (parent.ops instanceof Mq) {
            n.devQueue = dev.txq[minor - 1];
            setDevQueue(n, n.devQueue);
            dev.txq[minor - 1].qdisc = n;
        } else {
            setDevQueue(n, parent.devQueue);
        }
        cq.graft(minor, n.ops);
        if (old != null) parent.children.remove(old);
        parent.children.add(n);
        n.deactivated = parent.deactivated;
        if (old != null) {
            boolean inner = !(parent.ops instanceof Mq);
            long[] lost = new long[2];
            moveAll(old, migrate, skb -> {
                int len = skb.qdiscPktLen;
                long dropsBefore = dev.drops.totalPackets();
                n.migrating = true;
                migrateInto(n, skb);
                n.migrating = false;
                if (dev.drops.totalPackets() != dropsBefore) { // the new child refused it
                    lost[0]++;
                    lost[1] += len;
                }
            }, inner ? lost : null);
            if (inner) reduceBacklog(parent, lost[0], lost[1]);
            destroy(old);
        }
        scheduleAll(dev.root);
    }

    private void migrateInto(QdiscRt target, SkBuff skb) {
        target.ops.enqueue(skb);
    }

    private void moveAll(QdiscRt old, boolean migrate, Consumer<SkBuff> sink) {
        moveAll(old, migrate, sink, null);
    }

    /**
     * Drains {@code old} (requeued skbs first, then the qdisc in dequeue order) into {@code sink}, or
     * frees everything with reason swap-flush when not migrating. When {@code lost} is given (a
     * class of a classful parent), freed packets are added to it for qdisc_tree_reduce_backlog().
     */
    private void moveAll(QdiscRt old, boolean migrate, Consumer<SkBuff> sink, long[] lost) {
        old.dead = true;
        Consumer<SkBuff> s = migrate ? sink : skb -> {
            if (lost != null) {
                lost[0]++;
                lost[1] += skb.qdiscPktLen;
            }
            dev.dropSkb(skb, DropReason.SWAP_FLUSH);
        };
        drainTree(old, s);
    }

    private void drainTree(QdiscRt q, Consumer<SkBuff> sink) {
        q.dead = true;
        QdiscStats st = q.ops.stats();
        SkBuff skb;
        while ((skb = q.gsoSkb.removeHead()) != null) {
            st.qlen--;
            st.backlog -= skb.qdiscPktLen;
            sink.accept(skb);
        }
        if (q.ops instanceof Mq) {
            for (QdiscRt c : q.children) drainTree(c, sink);
        } else {
            q.ops.drain(sink);
            for (QdiscRt c : q.children) c.dead = true;
        }
    }

    /** qdisc_tree_reduce_backlog(): ancestors of a class forget packets that left it. */
    private static void reduceBacklog(QdiscRt parent, long n, long len) {
        for (QdiscRt p = parent; p != null && !(p.ops instanceof Mq); p = p.parentQdisc) {
            QdiscStats s = p.ops.stats();
            s.qlen -= (int) n;
            s.backlog -= len;
        }
    }

    private static void destroy(QdiscRt q) {
        q.dead = true;
        q.pruneChildren();
        for (QdiscRt c : q.children) destroy(c);
        try {
            q.ops.destroy();
        } catch (RuntimeException e) {
            // a plugin's destroy must not break the swap; its timers are gone with it
        }
    }

    private void scheduleAll(QdiscRt r) {
        if (r.ops instanceof Mq) {
            for (QdiscRt c : r.children) if (c.qlen() > 0) dev.netifSchedule(c);
        } else if (r.qlen() > 0) {
            dev.netifSchedule(r);
        }
    }

    /** Marks the tree (de)activated (dev_deactivate / dev_activate); packets stay queued. */
    void setDeactivated(boolean d) {
        mark(dev.root, d);
    }

    private static void mark(QdiscRt q, boolean d) {
        q.deactivated = d;
        for (QdiscRt c : q.children) mark(c, d);
    }

    /**
     * The real queue count changed (driver swap). A chosen classless root stays (as in Linux); an mq
     * or default root is rebuilt for the new count, migrating: the user's root choice when it fits
     * the device now (an mq needs several queues), else the default tree.
     */
    void realQueuesChanged() {
        if (dev.root.explicit && !(dev.root.ops instanceof Mq)) {
            attach(dev.root);
            return;
        }
        QdiscRt n = null;
        if (desiredRoot != null) {
            try {
                n = createRoot(desiredRoot.kind, desiredRoot.handle, desiredRoot.params);
                n.explicit = true;
            } catch (QdiscParamException e) {
                n = null; // e.g. mq on a single-queue device: the default tree until it fits again
            }
        }
        replaceRoot(n != null ? n : buildDefault(), true);
    }

    // ---------------------------------------------------------------- plugins going and coming

    /**
     * A qdisc bundle is going away: every qdisc it made is replaced, packets migrated, by the default
     * (the root by the default tree, a class by pfifo_fast). The choice is remembered.
     */
    void fallback(QdiscFactory f) {
        if (dev.root.factory == f) {
            QdiscRt n = buildDefault();
            replaceRoot(n, true);
            return;
        }
        fallbackChildren(dev.root, f);
    }

    private void fallbackChildren(QdiscRt parent, QdiscFactory f) {
        parent.pruneChildren();
        for (QdiscRt c : new ArrayList<>(parent.children)) {
            if (c.factory == f) {
                int minor = parent.ops instanceof Mq ? parent.children.indexOf(c) + 1 : parent.minorOf(c);
                if (minor < 1) continue;
                boolean known = desiredChildren.stream().anyMatch(d -> d.parentHandle == parent.handle && d.minor == minor);
                if (!known) desiredChildren.add(new Desired(parent.handle, minor, c.kind, c.handle, c.params == null ? QdiscParams.empty() : c.params));
                try {
                    QdiscRt n = create(PfifoFast.KIND, 0, QdiscParams.empty());
                    graft(parent, minor, c, n, true);
                } catch (QdiscParamException e) {
                    throw new IllegalStateException(e);
                }
            } else {
                fallbackChildren(c, f);
            }
        }
    }

    /** A qdisc kind became available: re-applies the remembered choices of that kind (migrating). */
    void reapply(String kind) {
        if (desiredRoot != null && desiredRoot.kind.equals(kind) && !dev.root.kind.equals(kind)) {
            try {
                QdiscRt n = createRoot(kind, desiredRoot.handle, desiredRoot.params);
                n.explicit = true;
                replaceRoot(n, true);
            } catch (QdiscParamException e) {
                desiredRoot = null;
            }
        }
        for (Desired d : new ArrayList<>(desiredChildren)) {
            if (!d.kind.equals(kind)) continue;
            QdiscRt parent = find(dev.root, d.parentHandle);
            if (parent == null || !(parent.ops instanceof ClassfulQdisc)) continue;
            ClassfulQdisc cq = (ClassfulQdisc) parent.ops;
            if (d.minor > cq.classCount()) continue;
            QdiscRt old = parent.childOf(cq.leaf(d.minor));
            if (old != null && old.kind.equals(kind)) continue;
            try {
                QdiscRt n = create(kind, d.handle, d.params);
                n.explicit = true;
                graft(parent, d.minor, old, n, true);
            } catch (QdiscParamException e) {
                desiredChildren.remove(d);
            }
        }
    }

    // ---------------------------------------------------------------- show

    List<QdiscInfo> show() {
        List<QdiscInfo> out = new ArrayList<>();
        show(dev.root, "root", out);
        return out;
    }

    private void show(QdiscRt q, String parent, List<QdiscInfo> out) {
        QdiscStats s = new QdiscStats();
        s.copyFrom(q.ops.stats());
        out.add(new QdiscInfo(q.kind, q.handleString(), parent, new LinkedHashMap<>(q.ops.dump()), s));
        q.pruneChildren();
        for (QdiscRt c : q.children) {
            // like Linux, the default children a classful qdisc made itself are not listed (TCQ_F_INVISIBLE)
            if (!(q.ops instanceof Mq) && !c.explicit) continue;
            int minor = q.ops instanceof Mq ? q.children.indexOf(c) + 1 : q.minorOf(c);
            show(c, Integer.toHexString(q.handle >>> 16) + ":" + Integer.toHexString(minor), out);
        }
    }

    /** Packets queued in the whole tree (qlen of each root, requeued included). */
    int backlogPackets() {
        QdiscRt r = dev.root;
        if (r.ops instanceof Mq) {
            int n = 0;
            for (QdiscRt c : r.children) n += c.qlen();
            return n;
        }
        return r.qlen();
    }

    private static QdiscRt find(QdiscRt q, int handle) {
        if (q.handle == handle) return q;
        for (QdiscRt c : q.children) {
            QdiscRt f = find(c, handle);
            if (f != null) return f;
        }
        return null;
    }

    private String handles() {
        List<String> l = new ArrayList<>();
        collect(dev.root, l);
        return String.join(", ", l);
    }

    private static void collect(QdiscRt q, List<String> l) {
        l.add(q.handleString() + " (" + q.kind + ")");
        for (QdiscRt c : q.children) collect(c, l);
    }

    /** Parses "1:" or "1" or "1:0" (hex, as tc) into a handle. */
    static int parseHandle(String s) throws QdiscParamException {
        String t = s.endsWith(":") ? s.substring(0, s.length() - 1) : s.contains(":") ? s.substring(0, s.indexOf(':')) : s;
        try {
            int major = Integer.parseInt(t, 16);
            if (major <= 0 || major > 0xffff) throw new NumberFormatException();
            return major << 16;
        } catch (NumberFormatException e) {
            throw new QdiscParamException("bad handle '" + s + "'; expected MAJOR: with MAJOR hexadecimal 1..ffff, e.g. 1:");
        }
    }

    /** Parses "X:Y" (hex) into {handle, minor}. */
    static int[] parseClassid(String s) throws QdiscParamException {
        int i = s.indexOf(':');
        try {
            if (i < 0 || i == s.length() - 1) throw new NumberFormatException();
            int major = i == 0 ? 0 : Integer.parseInt(s.substring(0, i), 16);
            int minor = Integer.parseInt(s.substring(i + 1), 16);
            if (major < 0 || major > 0xffff || minor <= 0 || minor > 0xffff) throw new NumberFormatException();
            return new int[] {major << 16, minor};
        } catch (NumberFormatException e) {
            throw new QdiscParamException("bad parent '" + s + "'; expected 'root' or a class id MAJOR:MINOR in hexadecimal, e.g. 1:2");
        }
    }
}
