package org.nicemu.core.dev;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.locks.LockSupport;

import org.nicemu.api.driver.DriverFactory;
import org.nicemu.api.emu.Emulation;
import org.nicemu.api.emu.Host;
import org.nicemu.api.exec.EventLoop;
import org.nicemu.api.nic.NicPort;
import org.nicemu.api.qdisc.QdiscFactory;
import org.nicemu.core.exec.EmuLoop;

/**
 * One emulation: its loop thread, clock, seed and hosts. Management calls from other threads are
 * posted to the loop ({@link #call}); a background run ({@link #start}) or a bounded one
 * ({@link #runUntil}) advances the clock.
 */
public final class EmulationImpl implements Emulation {
    private final String name;
    private final EmuLoop loop;
    private final Plugins plugins;
    private final List<HostImpl> hosts = new ArrayList<>();
    private final Thread thread;
    private final Object lock = new Object();
    private volatile boolean closed;
    private volatile boolean freeRun;
    private long target = -1;
    private long reached;
    private long runSeq, doneSeq;
    boolean softirqPending;

    public EmulationImpl(String name, long seed, boolean virtualTime, Plugins plugins) {
        this(name, seed, virtualTime, plugins, true);
    }

    /**
     * @param ownThread false for unit tests that drive the loop on their own thread through
     *                  {@link #loopImpl()}; true gives the emulation its own loop thread
     */
    public EmulationImpl(String name, long seed, boolean virtualTime, Plugins plugins, boolean ownThread) {
        this.name = name;
        this.plugins = plugins;
        this.loop = new EmuLoop(seed, virtualTime);
        loop.setIrqExit(this::irqExit);
        if (ownThread) {
            thread = new Thread(this::threadMain, "nicemu-" + name);
            thread.setDaemon(true);
            loop.bindThread(thread);
            thread.start();
        } else {
            thread = null;
        }
    }

    private void irqExit() {
        if (!softirqPending) return;
        softirqPending = false;
        for (int i = 0; i < hosts.size(); i++) hosts.get(i).doSoftirq();
    }

    public Plugins plugins() { return plugins; }

    public EmuLoop loopImpl() { return loop; }

    @Override
    public String name() { return name; }

    @Override
    public long seed() { return loop.seed(); }

    @Override
    public EventLoop loop() { return loop; }

    @Override
    public long events() { return loop.events(); }

    @Override
    public Host addHost(String hostName, int cpus) {
        return callUnchecked(() -> {
            if (hostImpl(hostName) != null) throw new IllegalArgumentException("emulation " + name + " already has a host " + hostName);
            HostImpl h = new HostImpl(this, hostName, cpus);
            hosts.add(h);
            if (plugins.ipv4Factory() != null) h.bindIpv4(plugins.ipv4Factory());
            for (org.nicemu.api.sock.TransportFactory tf : plugins.transports()) h.bindTransport(tf);
            return h;
        });
    }

    @Override
    public Host host(String hostName) { return hostImpl(hostName); }

    HostImpl hostImpl(String hostName) {
        for (HostImpl h : hosts) if (h.name().equals(hostName)) return h;
        return null;
    }

    @Override
    public List<Host> hosts() { return List.copyOf(hosts); }

    // ---------------------------------------------------------------- running

    private void threadMain() {
        while (!closed) {
            loop.runPosted();
            long t;
            synchronized (lock) {
                t = target;
            }
            if (freeRun) {
                loop.runUntil(Long.MAX_VALUE);
                if (!loop.hasEvents() && !loop.hasPosted()) LockSupport.parkNanos(5_000_000L);
                continue;
            }
            if (t >= 0) {
                long now = loop.runUntil(t);
                synchronized (lock) {
                    if (target == t) {
                        target = -1;
                        reached = now;
                        doneSeq = runSeq;
                        lock.notifyAll();
                    }
                }
                continue;
            }
            if (!loop.hasPosted()) LockSupport.parkNanos(50_000_000L);
        }
        try {
            closePorts();
        } finally {
            synchronized (lock) {
                lock.notifyAll();
            }
        }
    }

    @Override
    public long runUntil(long untilNanos) throws InterruptedException {
        if (thread == null || Thread.currentThread() == thread) return loop.runUntil(untilNanos);
        synchronized (lock) {
            if (closed) throw new IllegalStateException("emulation " + name + " is closed");
            target = untilNanos;
            long my = ++runSeq;
            LockSupport.unpark(thread);
            while (doneSeq < my && !closed) lock.wait(100);
            return reached;
        }
    }

    @Override
    public void start() {
        freeRun = true;
        if (thread != null) LockSupport.unpark(thread);
    }

    @Override
    public void pause() {
        freeRun = false;
        loop.requestStop();
    }

    @Override
    public boolean isRunning() { return freeRun; }

    @Override
    public <T> T call(Callable<T> task) throws Exception {
        if (thread == null || Thread.currentThread() == thread) return task.call();
        if (closed) throw new IllegalStateException("emulation " + name + " is closed");
        FutureTask<T> f = new FutureTask<>(task);
        loop.post(f);
        try {
            return f.get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof Exception) throw (Exception) c;
            throw new IllegalStateException(c);
        }
    }

    /** {@link #call} for tasks that throw only unchecked exceptions. */
    public <T> T callUnchecked(Callable<T> task) {
        try {
            return call(task);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (closed) return;
        // transports first, on the loop: their connections are aborted and their bundles forget these hosts
        try {
            call(() -> {
                for (HostImpl h : hosts) h.unbindAllTransports();
                return null;
            });
        } catch (Exception e) {
            System.err.println("nicemu: " + name + ": closing transports failed: " + e);
        }
        if (thread == null) {
            closed = true;
            closePorts();
            return;
        }
        closed = true;
        loop.requestStop();
        LockSupport.unpark(thread);
        if (Thread.currentThread() == thread) return; // closed from a loop task: the thread ends after it
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public boolean isClosed() { return closed; }

    private void closePorts() {
        for (HostImpl h : hosts) {
            for (NetDeviceImpl d : h.devicesImpl()) {
                for (NicPort p : d.ports) {
                    try {
                        p.close();
                    } catch (RuntimeException e) {
                        System.err.println("nicemu: closing " + p.describe() + ": " + e.getMessage());
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- plugins coming and going (on the loop)

    /** A qdisc bundle is going away: its qdiscs fall back to the default, packets migrated. */
    public void qdiscGone(QdiscFactory f) {
        for (HostImpl h : hosts) for (NetDeviceImpl d : h.devicesImpl()) d.tree.fallback(f);
    }

    /** A qdisc kind became available: remembered choices are re-applied. */
    public void qdiscBack(String kind) {
        for (HostImpl h : hosts) for (NetDeviceImpl d : h.devicesImpl()) d.tree.reapply(kind);
    }

    /** A driver bundle is going away: its devices rebind {@code fallbackKind} (or go down). */
    public void driverGone(DriverFactory f, String fallbackKind) {
        for (HostImpl h : hosts) for (NetDeviceImpl d : h.devicesImpl()) if (f.kind().equals(d.driverKind)) d.driverGone(fallbackKind);
    }

    /** A driver model became available: devices that wanted it get it back. */
    public void driverBack(String kind) {
        for (HostImpl h : hosts) for (NetDeviceImpl d : h.devicesImpl()) if (kind.equals(d.desiredDriver)) d.driverBack();
    }


    /** A (new) IPv4 layer factory: every host gets a layer from it, replacing the one it had (hot swap). Loop thread. */
    public void ipv4Bound(org.nicemu.api.inet.Ipv4LayerFactory f) {
        for (HostImpl h : hosts) h.bindIpv4(f);
    }

    /** The IPv4 layer factory {@code f} went away: hosts using it lose their layer (the state stays). Loop thread. */
    public void ipv4Gone(org.nicemu.api.inet.Ipv4LayerFactory f) {
        for (HostImpl h : hosts) if (h.ipv4Factory() == f) h.unbindIpv4();
    }

    /** A transport factory appeared (or replaced another): every host binds it. Loop thread. */
    public void transportBound(org.nicemu.api.sock.TransportFactory f) {
        for (HostImpl h : hosts) h.bindTransport(f);
    }

    /** The transport factory {@code f} went away: its hosts' connections are aborted. Loop thread. */
    public void transportGone(org.nicemu.api.sock.TransportFactory f) {
        for (HostImpl h : hosts) if (h.transportFactory(f.protocol()) == f) h.unbindTransport(f.protocol());
    }

    @Override
    public String toString() { return "emulation " + name; }
}
