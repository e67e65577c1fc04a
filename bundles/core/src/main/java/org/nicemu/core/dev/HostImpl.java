package org.nicemu.core.dev;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.nicemu.api.driver.DriverException;
import org.nicemu.api.driver.NetDriver;
import org.nicemu.api.emu.Device;
import org.nicemu.api.emu.DeviceSpec;
import org.nicemu.api.emu.Host;
import org.nicemu.api.exec.EventLoop;
import org.nicemu.api.exec.Workqueues;
import org.nicemu.api.nic.Nic;
import org.nicemu.api.nic.NicFactory;
import org.nicemu.api.skb.SkbAllocator;
import org.nicemu.api.stats.CostCounters;
import org.nicemu.core.exec.Cpu;
import org.nicemu.core.exec.Scheduler;
import org.nicemu.core.exec.WorkqueuesImpl;

/**
 * An emulated host: its CPUs with their softirq state, devices, sysctls, skb allocator and
 * counters. Runs the NET_TX and NET_RX softirqs ({@code net_tx_action}, {@code net_rx_action}) from
 * {@link #doSoftirq()}, which the loop calls after every event (irq_exit → do_softirq).
 */
public final class HostImpl implements Host {
    /** MAX_SOFTIRQ_RESTART of kernel/softirq.c. */
    static final int MAX_SOFTIRQ_RESTART = 10;

    private final EmulationImpl emu;
    private final String name;
    private final Cpu[] cpus;
    private final CostCounters counters = new CostCounters();
    private final SkbAllocator allocator = new SkbAllocator(counters);
    private final WorkqueuesImpl workqueues;
    private final Scheduler scheduler;
    private final List<NetDeviceImpl> devices = new ArrayList<>();
    private final Map<String, String> sysctls = new TreeMap<>();
    /** The CPU the current code runs on (smp_processor_id()). */
    int currentCpu;
    /** True while a hard interrupt handler runs (in_hardirq()). */
    boolean inHardIrq;
    /** Emulated hold time of locks under the cost model; 0 with the cost model off. */
    long costHold;
    final int[] scratchPackets = new int[1];
    final boolean[] scratchValidate = new boolean[1];
    private int devTxWeight = 64;
    private int netdevBudget = 300;
    private boolean softirqPending;
    private final org.nicemu.api.exec.Timer ksoftirqd;
    long ksoftirqdRuns;
    long timeSqueeze;

    HostImpl(EmulationImpl emu, String name, int numCpus) {
        if (name == null || !name.matches("[A-Za-z0-9_.-]{1,32}")) throw new IllegalArgumentException("host name must be 1-32 letters, digits, '_', '.', '-'; got '" + name + "'");
        if (numCpus < 1 || numCpus > 256) throw new IllegalArgumentException("cpus must be 1..256, got " + numCpus);
        this.emu = emu;
        this.name = name;
        this.cpus = new Cpu[numCpus];
        for (int i = 0; i < numCpus; i++) cpus[i] = new Cpu(i);
        this.workqueues = new WorkqueuesImpl(emu.loop(), counters, numCpus);
        this.scheduler = new Scheduler(cpus, counters);
        sysctls.put("net.core.dev_weight", "64");
        sysctls.put("net.core.dev_weight_tx_bias", "1");
        sysctls.put("net.core.netdev_budget", "300");
        sysctls.put("net.core.default_qdisc", "pfifo_fast");
        this.ksoftirqd = emu.loop().newTimer(name + " ksoftirqd", this::runKsoftirqd);
    }

    @Override
    public String name() { return name; }

    EmulationImpl emulation() { return emu; }

    @Override
    public EventLoop loop() { return emu.loop(); }

    @Override
    public int numCpus() { return cpus.length; }

    public Cpu cpu(int i) { return cpus[i]; }

    @Override
    public CostCounters counters() { return counters; }

    @Override
    public SkbAllocator allocator() { return allocator; }

    @Override
    public Workqueues workqueues() { return workqueues; }

    public Scheduler scheduler() { return scheduler; }

    /** Sets smp_processor_id() for the code that runs next (a task or timer bound to that CPU). */
    public void setCurrentCpu(int cpu) {
        if (cpu < 0 || cpu >= cpus.length) throw new IllegalArgumentException("cpu " + cpu + " out of 0.." + (cpus.length - 1));
        currentCpu = cpu;
    }

    public int currentCpu() { return currentCpu; }

    /** dev_tx_weight = dev_weight × dev_weight_tx_bias: the packet quota of one __qdisc_run(). */
    int devTxWeight() { return devTxWeight; }

    /** need_resched() on the current CPU. */
    boolean needResched() { return cpus[currentCpu].needResched; }

    @Override
    public void setNeedResched(int cpu) { cpus[cpu].needResched = true; }

    String defaultQdisc() { return sysctls.get("net.core.default_qdisc"); }

    // ---------------------------------------------------------------- devices

    @Override
    public Device addDevice(DeviceSpec spec) {
        if (device(spec.name()) != null) throw new IllegalArgumentException("host " + name + " already has a device " + spec.name());
        NicFactory nf = emu.plugins().nicFactory();
        if (nf == null) throw new IllegalArgumentException("no emulated NIC model is available (bundle org.nicemu.nic not active)");
        NetDriver d;
        try {
            d = emu.plugins().createDriver(spec.driver(), spec.driverParams());
        } catch (DriverException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        for (int q : spec.xpsCpuToQueue()) {
            if (q >= spec.nic().numTxQueues()) throw new IllegalArgumentException("xps maps a CPU to TX queue " + q + " but " + spec.name() + " has " + spec.nic().numTxQueues());
        }
        Nic nic = nf.create(name + "/" + spec.name(), spec.nic(), emu.loop(), counters);
        NetDeviceImpl dev = new NetDeviceImpl(this, spec, devices.size() + 2, nic);
        try {
            dev.bindDriver(spec.driver(), d, spec.driverParams());
        } catch (DriverException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        dev.tree.attachDefault();
        dev.desiredDriver = spec.driver();
        dev.desiredDriverParams = spec.driverParams();
        devices.add(dev);
        return dev;
    }

    @Override
    public NetDeviceImpl device(String devName) {
        for (NetDeviceImpl d : devices) if (d.name().equals(devName)) return d;
        return null;
    }

    @Override
    public List<Device> devices() { return List.copyOf(devices); }

    List<NetDeviceImpl> devicesImpl() { return devices; }

    // ---------------------------------------------------------------- sysctl

    @Override
    public Map<String, String> sysctls() { return new LinkedHashMap<>(sysctls); }

    @Override
    public void sysctl(String key, String value) {
        switch (key) {
            case "net.core.dev_weight":
            case "net.core.dev_weight_tx_bias":
            case "net.core.netdev_budget": {
                int v;
                try {
                    v = Integer.parseInt(value.trim());
                } catch (NumberFormatException e) {
                    v = -1;
                }
                if (v < 1 || v > 1_000_000) throw new IllegalArgumentException(key + " must be an integer 1..1000000, got '" + value + "'");
                sysctls.put(key, Integer.toString(v));
                devTxWeight = Integer.parseInt(sysctls.get("net.core.dev_weight")) * Integer.parseInt(sysctls.get("net.core.dev_weight_tx_bias"));
                netdevBudget = Integer.parseInt(sysctls.get("net.core.netdev_budget"));
                return;
            }
            case "net.core.default_qdisc":
                if (!emu.plugins().qdiscKinds().contains(value) || value.equals("mq")) {
                    throw new IllegalArgumentException(key + ": unknown or unsuitable qdisc '" + value + "'; available: " + emu.plugins().qdiscKinds());
                }
                sysctls.put(key, value);
                return;
            default:
                throw new IllegalArgumentException("unknown sysctl '" + key + "'; known: " + sysctls.keySet());
        }
    }

    // ---------------------------------------------------------------- softirqs

    /** raise_softirq_irqoff(): sets the pending bit; the loop runs it after the current event. */
    public void raiseSoftirq(Cpu cpu, int nr) {
        int bit = 1 << nr;
        if ((cpu.pending & bit) == 0) {
            cpu.pending |= bit;
            counters.softirqRaised++;
        }
        softirqPending = true;
        emu.softirqPending = true;
    }

    /**
     * do_softirq() on every CPU with pending softirqs: NET_TX then NET_RX, restarting while new
     * softirqs are raised, at most MAX_SOFTIRQ_RESTART times; the rest is left to ksoftirqd (a timer
     * at the same emulated time, counted as a context switch).
     */
    public void doSoftirq() {
        if (!softirqPending) return;
        softirqPending = false;
        int saved = currentCpu;
        for (Cpu c : cpus) {
            int restart = MAX_SOFTIRQ_RESTART;
            while (c.pending != 0) {
                if (restart-- == 0) {
                    if (!ksoftirqd.isArmed()) ksoftirqd.arm(emu.loop().now());
                    break;
                }
                int pending = c.pending;
                c.pending = 0;
                currentCpu = c.id;
                if ((pending & (1 << Cpu.NET_TX_SOFTIRQ)) != 0) netTxAction(c);
                if ((pending & (1 << Cpu.NET_RX_SOFTIRQ)) != 0) netRxAction(c);
            }
        }
        currentCpu = saved;
    }

    private void runKsoftirqd() {
        ksoftirqdRuns++;
        counters.contextSwitches++;
        softirqPending = true;
        doSoftirq();
    }

    /**
     * Mirrors {@code net_tx_action()}: frees the skbs of the completion queue, then runs every qdisc
     * of the output queue (clearing __QDISC_STATE_SCHED first).
     */
    void netTxAction(Cpu c) {
        counters.softirqNetTx++;
        if (c.completionQueue != null) {
            var skb = c.completionQueue;
            c.completionQueue = null;
            while (skb != null) {
                var nx = skb.next;
                skb.next = null;
                allocator.free(skb);
                skb = nx;
            }
        }
        if (c.outputQueueHead != null) {
            QdiscRt q = (QdiscRt) c.outputQueueHead;
            c.outputQueueHead = null;
            c.outputQueueTail = null;
            while (q != null) {
                QdiscRt next = q.nextSched;
                q.nextSched = null;
                q.scheduled = false;
                if (!q.dead && !q.deactivated) {
                    boolean nolock = (q.flags() & org.nicemu.api.qdisc.Qdisc.TCQ_F_NOLOCK) != 0;
                    if (!nolock) q.rootLock.spinLock(c.id, emu.loop().now(), costHold);
                    q.dev.qdiscRun(q);
                    if (!nolock) q.rootLock.spinUnlock();
                }
                q = next;
            }
        }
    }

    /**
     * Mirrors {@code net_rx_action()}: polls the NAPI instances of the poll list with their weight
     * until the netdev_budget is spent; what is left is rescheduled (time_squeeze).
     */
    void netRxAction(Cpu c) {
        counters.softirqNetRx++;
        int budget = netdevBudget;
        int n = c.pollList.size();
        while (n-- > 0 && !c.pollList.isEmpty()) {
            NetDeviceImpl d = (NetDeviceImpl) c.pollList.pollFirst();
            if (!d.napiScheduled || d.driver == null) {
                d.napiScheduled = false;
                continue;
            }
            d.napiCompleted = false;
            int work = d.napiPoll(d.napiWeight);
            budget -= work;
            if (!d.napiCompleted) {
                if (work >= d.napiWeight) c.pollList.addLast(d); // weight used up: poll again
                else d.napiScheduled = false; // finished without napi_complete_done(): treat as complete
            }
            if (budget <= 0) break;
        }
        if (!c.pollList.isEmpty()) {
            if (budget <= 0) timeSqueeze++;
            raiseSoftirq(c, Cpu.NET_RX_SOFTIRQ);
        }
    }

    /** Wraps a driver's interrupt handler: hard-IRQ context on the device's IRQ CPU, counted. */
    Runnable irqContext(Runnable handler, int irqCpu) {
        return () -> {
            int saved = currentCpu;
            boolean savedIrq = inHardIrq;
            currentCpu = irqCpu;
            inHardIrq = true;
            try {
                handler.run();
            } finally {
                inHardIrq = savedIrq;
                currentCpu = saved;
            }
            softirqPending = true;
        };
    }

    @Override
    public String toString() { return "host " + name; }
}
