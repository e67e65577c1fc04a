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
import org.nicemu.api.inet.InetNs;
import org.nicemu.api.inet.InetProtocol;
import org.nicemu.api.inet.Ipv4Layer;
import org.nicemu.api.inet.Ipv4LayerFactory;
import org.nicemu.api.inet.NfHook;
import org.nicemu.api.mptcp.pm.MptcpPernet;
import org.nicemu.api.nic.Nic;
import org.nicemu.api.nic.NicFactory;
import org.nicemu.api.net.PacketHandler;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.skb.SkbAllocator;
import org.nicemu.api.stats.CostCounters;
import org.nicemu.api.stats.DropReason;
import org.nicemu.core.exec.Cpu;
import org.nicemu.core.exec.Scheduler;
import org.nicemu.core.exec.WorkqueuesImpl;

/**
 * An emulated host: its CPUs with their softirq state and receive backlogs, devices, packet
 * handlers ({@code ptype_base}), sysctls, skb allocator and counters. Runs the NET_TX and NET_RX
 * softirqs ({@code net_tx_action}, {@code net_rx_action}, {@code process_backlog}) from
 * {@link #doSoftirq()}, which the loop calls after every event (irq_exit → do_softirq).
 */
public final class HostImpl implements Host {
    /** MAX_SOFTIRQ_RESTART of kernel/softirq.c. */
    static final int MAX_SOFTIRQ_RESTART = 10;
    /** Largest net.mptcp.add_addr_timeout in seconds: proc_dointvec_jiffies' INT_MAX jiffies at HZ=1000. */
    static final int MPTCP_ADD_ADDR_TIMEOUT_MAX = Integer.MAX_VALUE / 1000;

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
    /** weight_p: net.core.dev_weight, the quota of process_backlog(). */
    private int devWeight = 64;
    private int netdevBudget = 300;
    private int netdevMaxBacklog = 1000;
    private final Backlog[] backlogs;
    /** ptype_base: EtherTypes and their handlers, in registration order. */
    private int[] ptypeTypes = new int[0];
    private PacketHandler[][] ptypeHandlers = new PacketHandler[0][];
    private boolean softirqPending;
    /** The IPv4 state (survives IP layer swaps), the bound layer, the factory that made it and its handlers. */
    private final InetNs inet = new InetNs();
    private Ipv4Layer ipv4;
    private Ipv4LayerFactory ipv4Factory;
    private PacketHandler ipHandler, arpHandler;
    /** inet_protos[]: transport protocols by IP protocol number. */
    private final InetProtocol[] inetProtos = new InetProtocol[256];
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
        this.backlogs = new Backlog[numCpus];
        for (int i = 0; i < numCpus; i++) backlogs[i] = new Backlog(i);
        this.workqueues = new WorkqueuesImpl(emu.loop(), counters, numCpus);
        this.scheduler = new Scheduler(cpus, counters);
        sysctls.put("net.core.dev_weight", "64");
        sysctls.put("net.core.dev_weight_tx_bias", "1");
        sysctls.put("net.core.netdev_budget", "300");
        sysctls.put("net.core.netdev_max_backlog", "1000");
        sysctls.put("net.core.default_qdisc", "pfifo_fast");
        syncInetSysctls();
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
    public Map<String, String> sysctls() {
        Map<String, String> sorted = new TreeMap<>(sysctls);
        sorted.put("net.ipv4.tcp_available_congestion_control", String.join(" ", emu.plugins().availableCcNames())); // read-only
        Map<String, String> m = new LinkedHashMap<>(sorted);
        putMptcpSysctls(m); // the MPTCP layer may change its pernet state too; keys are there, order kept
        return m;
    }

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
                devWeight = Integer.parseInt(sysctls.get("net.core.dev_weight"));
                devTxWeight = devWeight * Integer.parseInt(sysctls.get("net.core.dev_weight_tx_bias"));
                netdevBudget = Integer.parseInt(sysctls.get("net.core.netdev_budget"));
                return;
            }
            case "net.core.netdev_max_backlog": {
                int v;
                try {
                    v = Integer.parseInt(value.trim());
                } catch (NumberFormatException e) {
                    v = -1;
                }
                if (v < 0 || v > 10_000_000) throw new IllegalArgumentException(key + " must be an integer 0..10000000 (packets), got '" + value + "'");
                sysctls.put(key, Integer.toString(v));
                netdevMaxBacklog = v;
                return;
            }
            case "net.core.default_qdisc":
                if (!emu.plugins().qdiscKinds().contains(value) || value.equals("mq")) {
                    throw new IllegalArgumentException(key + ": unknown or unsuitable qdisc '" + value + "'; available: " + emu.plugins().qdiscKinds());
                }
                sysctls.put(key, value);
                return;
            case "net.ipv4.tcp_available_congestion_control":
                throw new IllegalArgumentException("permission denied on key '" + key + "': it is read-only, the running tcp.cc bundles and the built-in "
                        + Plugins.BUILTIN_CC + " (choose the default with net.ipv4.tcp_congestion_control)");
            default:
                if (key.startsWith("net.ipv4.") && sysctls.containsKey(key)) {
                    setInetSysctl(key, value.trim());
                    syncInetSysctls();
                    return;
                }
                if (key.startsWith("net.mptcp.") && sysctls.containsKey(key)) {
                    setMptcpSysctl(key, value.trim());
                    syncInetSysctls();
                    return;
                }
                throw new IllegalArgumentException("unknown sysctl '" + key + "'; known: " + sysctls.keySet());
        }
    }

    /** Writes the net.ipv4.* values of {@link InetNs} into the sysctl table. */
    private void syncInetSysctls() {
        sysctls.put("net.ipv4.ip_forward", inet.ipForward ? "1" : "0");
        sysctls.put("net.ipv4.ip_default_ttl", Integer.toString(inet.ipDefaultTtl));
        sysctls.put("net.ipv4.tcp_congestion_control", inet.tcpCongestionControl);
        sysctls.put("net.ipv4.tcp_sack", inet.tcpSack ? "1" : "0");
        sysctls.put("net.ipv4.tcp_timestamps", inet.tcpTimestamps ? "1" : "0");
        sysctls.put("net.ipv4.tcp_window_scaling", inet.tcpWindowScaling ? "1" : "0");
        sysctls.put("net.ipv4.tcp_wmem", inet.tcpWmem[0] + " " + inet.tcpWmem[1] + " " + inet.tcpWmem[2]);
        sysctls.put("net.ipv4.tcp_rmem", inet.tcpRmem[0] + " " + inet.tcpRmem[1] + " " + inet.tcpRmem[2]);
        sysctls.put("net.ipv4.tcp_limit_output_bytes", Integer.toString(inet.tcpLimitOutputBytes));
        sysctls.put("net.ipv4.tcp_autocorking", inet.tcpAutocorking ? "1" : "0");
        sysctls.put("net.ipv4.tcp_slow_start_after_idle", inet.tcpSlowStartAfterIdle ? "1" : "0");
        sysctls.put("net.ipv4.tcp_early_retrans", Integer.toString(inet.tcpEarlyRetrans));
        sysctls.put("net.ipv4.tcp_syn_retries", Integer.toString(inet.tcpSynRetries));
        sysctls.put("net.ipv4.tcp_retries2", Integer.toString(inet.tcpRetries2));
        sysctls.put("net.ipv4.tcp_fin_timeout", Integer.toString(inet.tcpFinTimeoutSec));
        putMptcpSysctls(sysctls);
    }

    /** The net.mptcp.* values of {@link InetNs#mptcp} (net/mptcp/ctrl.c), written into {@code m}. */
    private void putMptcpSysctls(Map<String, String> m) {
        MptcpPernet pm = inet.mptcp;
        m.put("net.mptcp.enabled", pm.enabled ? "1" : "0");
        m.put("net.mptcp.scheduler", pm.scheduler);
        m.put("net.mptcp.checksum_enabled", pm.checksumEnabled ? "1" : "0");
        m.put("net.mptcp.allow_join_initial_addr_port", pm.allowJoinInitialAddrPort ? "1" : "0");
        m.put("net.mptcp.add_addr_timeout", Long.toString(pm.addAddrTimeoutNanos / 1_000_000_000L));
    }

    private void setMptcpSysctl(String key, String v) {
        MptcpPernet pm = inet.mptcp;
        switch (key) {
            case "net.mptcp.enabled": pm.enabled = bool(key, v); return;
            case "net.mptcp.scheduler": {
                java.util.Set<String> known = emu.plugins().mptcpSchedulerNames();
                if (!known.contains(v)) throw new IllegalArgumentException(key + ": no MPTCP scheduler '" + v + "' is available; available: " + known);
                pm.scheduler = v;
                return;
            }
            case "net.mptcp.checksum_enabled": pm.checksumEnabled = bool(key, v); return;
            case "net.mptcp.allow_join_initial_addr_port": pm.allowJoinInitialAddrPort = bool(key, v); return;
            case "net.mptcp.add_addr_timeout": {
                int sec;
                try {
                    sec = Integer.parseInt(v);
                } catch (NumberFormatException e) {
                    sec = -1;
                }
                if (sec < 0 || sec > MPTCP_ADD_ADDR_TIMEOUT_MAX) {
                    throw new IllegalArgumentException(key + " must be an integer 0.." + MPTCP_ADD_ADDR_TIMEOUT_MAX + " (seconds), got '" + v + "'");
                }
                pm.addAddrTimeoutNanos = sec * 1_000_000_000L;
                return;
            }
            default: throw new IllegalArgumentException("unknown sysctl '" + key + "'");
        }
    }

    private static int intIn(String key, String v, int lo, int hi) {
        try {
            int x = Integer.parseInt(v);
            if (x >= lo && x <= hi) return x;
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        throw new IllegalArgumentException(key + " must be an integer " + lo + ".." + hi + ", got '" + v + "'");
    }

    private static boolean bool(String key, String v) {
        if (v.equals("0")) return false;
        if (v.equals("1")) return true;
        throw new IllegalArgumentException(key + " must be 0 or 1, got '" + v + "'");
    }

    private static int[] triple(String key, String v) {
        String[] p = v.split("[\\s,]+");
        if (p.length != 3) throw new IllegalArgumentException(key + " must be three byte counts 'min default max', got '" + v + "'");
        int[] r = new int[3];
        for (int i = 0; i < 3; i++) r[i] = intIn(key, p[i], 1, 1 << 30);
        if (r[0] > r[1] || r[1] > r[2]) throw new IllegalArgumentException(key + " needs min <= default <= max, got '" + v + "'");
        return r;
    }

    private void setInetSysctl(String key, String v) {
        switch (key) {
            case "net.ipv4.ip_forward": inet.ipForward = bool(key, v); return;
            case "net.ipv4.ip_default_ttl": inet.ipDefaultTtl = intIn(key, v, 1, 255); return;
            case "net.ipv4.tcp_congestion_control": {
                java.util.Set<String> known = emu.plugins().availableCcNames();
                if (!known.contains(v)) throw new IllegalArgumentException(key + ": no congestion control '" + v + "' is available; available: " + known);
                inet.tcpCongestionControl = v;
                return;
            }
            case "net.ipv4.tcp_sack": inet.tcpSack = bool(key, v); return;
            case "net.ipv4.tcp_timestamps": inet.tcpTimestamps = bool(key, v); return;
            case "net.ipv4.tcp_window_scaling": inet.tcpWindowScaling = bool(key, v); return;
            case "net.ipv4.tcp_wmem": inet.tcpWmem = triple(key, v); return;
            case "net.ipv4.tcp_rmem": inet.tcpRmem = triple(key, v); return;
            case "net.ipv4.tcp_limit_output_bytes": inet.tcpLimitOutputBytes = intIn(key, v, 1, 1 << 30); return;
            case "net.ipv4.tcp_autocorking": inet.tcpAutocorking = bool(key, v); return;
            case "net.ipv4.tcp_slow_start_after_idle": inet.tcpSlowStartAfterIdle = bool(key, v); return;
            case "net.ipv4.tcp_early_retrans": inet.tcpEarlyRetrans = intIn(key, v, 0, 4); return;
            case "net.ipv4.tcp_syn_retries": inet.tcpSynRetries = intIn(key, v, 1, 127); return;
            case "net.ipv4.tcp_retries2": inet.tcpRetries2 = intIn(key, v, 1, 255); return;
            case "net.ipv4.tcp_fin_timeout": inet.tcpFinTimeoutSec = intIn(key, v, 1, 3600); return;
            default: throw new IllegalArgumentException("unknown sysctl '" + key + "'");
        }
    }

    // ---------------------------------------------------------------- packet handlers (ptype_base)

    @Override
    public void addPacketHandler(int etherType, PacketHandler h) {
        if (etherType < 0 || etherType > 0xffff) throw new IllegalArgumentException("EtherType must be 0..0xffff, got " + etherType);
        if (h == null) throw new IllegalArgumentException("packet handler is null");
        for (int i = 0; i < ptypeTypes.length; i++) {
            if (ptypeTypes[i] != etherType) continue;
            for (PacketHandler x : ptypeHandlers[i]) if (x == h) return;
            PacketHandler[] n = java.util.Arrays.copyOf(ptypeHandlers[i], ptypeHandlers[i].length + 1);
            n[n.length - 1] = h;
            ptypeHandlers[i] = n;
            return;
        }
        int n = ptypeTypes.length;
        ptypeTypes = java.util.Arrays.copyOf(ptypeTypes, n + 1);
        ptypeHandlers = java.util.Arrays.copyOf(ptypeHandlers, n + 1);
        ptypeTypes[n] = etherType;
        ptypeHandlers[n] = new PacketHandler[] {h};
    }

    @Override
    public void removePacketHandler(int etherType, PacketHandler h) {
        for (int i = 0; i < ptypeTypes.length; i++) {
            if (ptypeTypes[i] != etherType) continue;
            PacketHandler[] hs = ptypeHandlers[i];
            for (int j = 0; j < hs.length; j++) {
                if (hs[j] != h) continue;
                if (hs.length == 1) {
                    int n = ptypeTypes.length - 1;
                    int[] t = new int[n];
                    PacketHandler[][] p = new PacketHandler[n][];
                    System.arraycopy(ptypeTypes, 0, t, 0, i);
                    System.arraycopy(ptypeTypes, i + 1, t, i, n - i);
                    System.arraycopy(ptypeHandlers, 0, p, 0, i);
                    System.arraycopy(ptypeHandlers, i + 1, p, i, n - i);
                    ptypeTypes = t;
                    ptypeHandlers = p;
                } else {
                    PacketHandler[] n = new PacketHandler[hs.length - 1];
                    System.arraycopy(hs, 0, n, 0, j);
                    System.arraycopy(hs, j + 1, n, j, hs.length - j - 1);
                    ptypeHandlers[i] = n;
                }
                return;
            }
        }
    }

    /**
     * The delivery part of {@code __netif_receive_skb_core()}: the handlers for {@code skb.protocol}
     * get the skb in registration order, each but the last with an extra reference
     * ({@code deliver_skb()}: refcount_inc(&skb->users)); false (skb untouched) when there is none.
     */
    boolean deliverSkb(SkBuff skb, NetDeviceImpl dev) {
        int t = skb.protocol;
        int[] types = ptypeTypes;
        for (int i = 0; i < types.length; i++) {
            if (types[i] != t) continue;
            PacketHandler[] hs = ptypeHandlers[i];
            int last = hs.length - 1;
            for (int j = 0; j < last; j++) {
                counters.ptypeDeliver++;
                hs[j].rcv(skb.get(), dev);
            }
            counters.ptypeDeliver++;
            hs[last].rcv(skb, dev);
            return true;
        }
        return false;
    }

    // ---------------------------------------------------------------- receive backlog (netif_rx)

    /**
     * Mirrors {@code enqueue_to_backlog()} on the current CPU: appends {@code skb} to the CPU's
     * {@code input_pkt_queue} unless it already holds more than {@code netdev_max_backlog} frames
     * (as the kernel's {@code qlen <= max_backlog} test, a queue may reach max_backlog + 1), and
     * schedules the backlog NAPI ({@code ____napi_schedule} → NET_RX) when it was not. A refused skb
     * is freed and counted (softnet_data.dropped, reason cpu-backlog at the device).
     */
    int enqueueToBacklog(SkBuff skb, NetDeviceImpl dev) {
        Cpu cpu = cpus[currentCpu];
        Backlog bl = backlogs[currentCpu];
        if (bl.inputPktQueue.len() > netdevMaxBacklog) {
            bl.dropped++;
            counters.rxBacklogDrop++;
            dev.rxDropSkb(skb, DropReason.CPU_BACKLOG);
            return org.nicemu.api.driver.NetDevice.NET_RX_DROP;
        }
        skb.owner = dev;
        bl.inputPktQueue.addTail(skb);
        counters.rxBacklogEnqueue++;
        if (!bl.scheduled) {
            bl.scheduled = true;
            cpu.pollList.addLast(bl);
            raiseSoftirq(cpu, Cpu.NET_RX_SOFTIRQ);
        }
        return org.nicemu.api.driver.NetDevice.NET_RX_SUCCESS;
    }

    /**
     * Mirrors {@code process_backlog()}: passes up to {@code quota} frames of the backlog to
     * {@code __netif_receive_skb()} ({@link NetDeviceImpl#netifReceiveSkbCore}); completes the
     * backlog NAPI when the queue is empty. Returns the work done.
     */
    int processBacklog(Backlog bl, int quota) {
        counters.napiPoll++;
        int work = 0;
        while (work < quota) {
            SkBuff skb = bl.inputPktQueue.removeHead();
            if (skb == null) break;
            NetDeviceImpl dev = (NetDeviceImpl) skb.owner;
            skb.owner = null;
            work++;
            bl.processed++;
            dev.netifReceiveSkbCore(skb);
        }
        if (bl.inputPktQueue.isEmpty()) bl.scheduled = false;
        return work;
    }

    /** softnet_data of CPU {@code cpu} as /proc/net/softnet_stat shows it: processed, dropped, backlog length. */
    public Map<String, Long> softnetStat(int cpu) {
        Backlog bl = backlogs[cpu];
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("processed", bl.processed);
        m.put("dropped", bl.dropped);
        m.put("backlog_len", (long) bl.inputPktQueue.len());
        m.put("time_squeeze", timeSqueeze);
        return m;
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
     * Mirrors {@code net_rx_action()}: polls the NAPI instances of the poll list (devices and the
     * CPU's backlog, {@code process_backlog()} with weight {@code dev_weight}) with their weight
     * until the netdev_budget is spent; what is left is rescheduled (time_squeeze).
     */
    void netRxAction(Cpu c) {
        counters.softirqNetRx++;
        int budget = netdevBudget;
        int n = c.pollList.size();
        while (n-- > 0 && !c.pollList.isEmpty()) {
            Object o = c.pollList.pollFirst();
            if (o instanceof Backlog) {
                Backlog bl = (Backlog) o;
                budget -= processBacklog(bl, devWeight);
                if (bl.scheduled) c.pollList.addLast(bl);
                if (budget <= 0) break;
                continue;
            }
            NetDeviceImpl d = (NetDeviceImpl) o;
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


    // ---------------------------------------------------------------- IPv4 (struct net ipv4, inet_protos, nf hooks)

    @Override
    public InetNs inet() { return inet; }

    @Override
    public Ipv4Layer ipv4() { return ipv4; }

    /** The factory of the bound IPv4 layer, or null. */
    Ipv4LayerFactory ipv4Factory() { return ipv4Factory; }

    /**
     * Binds a new IPv4 layer made by {@code f} (after unbinding the current one) and registers its
     * receive functions for 0x0800 ({@code ip_rcv}) and 0x0806 ({@code arp_rcv}) as {@code inet_init()}
     * does with {@code dev_add_pack()}. Loop thread. A factory that throws leaves the host without IPv4.
     */
    public void bindIpv4(Ipv4LayerFactory f) {
        unbindIpv4();
        if (f == null) return;
        Ipv4Layer l;
        try {
            l = f.create(this, inet);
        } catch (RuntimeException e) {
            System.err.println("nicemu: " + name + ": the IPv4 layer could not be created: " + e);
            return;
        }
        if (l == null) return;
        ipv4 = l;
        ipv4Factory = f;
        ipHandler = l::ipRcv;
        arpHandler = l::arpRcv;
        addPacketHandler(0x0800, ipHandler);
        addPacketHandler(0x0806, arpHandler);
    }

    /** Unbinds the IPv4 layer: removes its handlers and calls destroy(); the state stays in {@link #inet()}. Loop thread. */
    public void unbindIpv4() {
        Ipv4Layer l = ipv4;
        if (l == null) return;
        removePacketHandler(0x0800, ipHandler);
        removePacketHandler(0x0806, arpHandler);
        ipv4 = null;
        ipv4Factory = null;
        ipHandler = null;
        arpHandler = null;
        try {
            l.destroy();
        } catch (RuntimeException e) {
            System.err.println("nicemu: " + name + ": IPv4 layer destroy failed: " + e);
        }
    }

    // ---------------------------------------------------------------- tasks

    private final org.nicemu.api.exec.TaskScheduler taskScheduler = new org.nicemu.api.exec.TaskScheduler() {
        @Override
        public org.nicemu.api.exec.EmuTask newTask(String taskName, int cpu) {
            if (cpu < 0 || cpu >= cpus.length) throw new IllegalArgumentException("cpu must be 0.." + (cpus.length - 1) + " on host " + name + ", got " + cpu);
            org.nicemu.core.exec.Task t = new org.nicemu.core.exec.Task(taskName, cpu);
            t.markSleeping();
            return t;
        }

        @Override
        public void wakeUp(org.nicemu.api.exec.EmuTask task, Runnable resume) {
            org.nicemu.core.exec.Task t = (org.nicemu.core.exec.Task) task;
            emu.loop().post(() -> {
                int prev = currentCpu;
                currentCpu = t.cpu;
                try {
                    scheduler.wakeUp(t, resume);
                } finally {
                    currentCpu = prev;
                }
            });
        }

        @Override
        public void sleep(org.nicemu.api.exec.EmuTask task) {
            scheduler.sleep((org.nicemu.core.exec.Task) task);
        }

        @Override
        public org.nicemu.api.exec.EmuTask current(int cpu) { return cpus[cpu].current; }
    };

    @Override
    public org.nicemu.api.exec.TaskScheduler tasks() { return taskScheduler; }

    // ---------------------------------------------------------------- transports (struct proto)

    /** Transports by protocol number: IP protocols 0..255 plus IPPROTO_MPTCP (262), which has no IP number of its own. */
    private final org.nicemu.api.sock.Proto[] protos = new org.nicemu.api.sock.Proto[MAX_TRANSPORT + 1];
    private final org.nicemu.api.sock.TransportFactory[] protoFactories = new org.nicemu.api.sock.TransportFactory[MAX_TRANSPORT + 1];
    private static final int MAX_TRANSPORT = org.nicemu.api.sock.SockConst.IPPROTO_MPTCP;

    @Override
    public org.nicemu.api.sock.Proto proto(int ipproto) { return ipproto < 0 || ipproto > MAX_TRANSPORT ? null : protos[ipproto]; }

    /** Binds a transport made by {@code f} (replacing the one bound for its protocol). Loop thread. */
    public void bindTransport(org.nicemu.api.sock.TransportFactory f) {
        int p = f.protocol();
        if (p < 0 || p > MAX_TRANSPORT) return;
        unbindTransport(p);
        org.nicemu.api.sock.Proto inst;
        try {
            inst = f.create(this);
        } catch (RuntimeException e) {
            System.err.println("nicemu: " + name + ": transport " + p + " could not be created: " + e);
            return;
        }
        if (inst == null) return;
        protos[p] = inst;
        protoFactories[p] = f;
        if (p <= 255) inetProtos[p] = inst;
    }

    /** The factory of the transport bound for {@code ipproto}, or null. */
    public org.nicemu.api.sock.TransportFactory transportFactory(int ipproto) { return protoFactories[ipproto]; }

    /** Unbinds every transport (the emulation is closing). Loop thread. */
    public void unbindAllTransports() {
        // highest first: MPTCP resets its subflows while TCP is still there
        for (int p = protos.length - 1; p >= 0; p--) if (protos[p] != null) unbindTransport(p);
    }

    /** Unbinds the transport of {@code ipproto}: destroy() aborts its connections; input for it is then dropped. */
    public void unbindTransport(int ipproto) {
        org.nicemu.api.sock.Proto inst = protos[ipproto];
        if (inst == null) return;
        protos[ipproto] = null;
        protoFactories[ipproto] = null;
        if (ipproto <= 255 && inetProtos[ipproto] == inst) inetProtos[ipproto] = null;
        try {
            inst.destroy();
        } catch (RuntimeException e) {
            System.err.println("nicemu: " + name + ": transport destroy failed: " + e);
        }
    }

    @Override
    public void addInetProtocol(int proto, InetProtocol p) {
        if (proto < 0 || proto > 255) throw new IllegalArgumentException("IP protocol must be 0..255, got " + proto);
        if (p == null) throw new IllegalArgumentException("protocol handler is null");
        if (inetProtos[proto] != null && inetProtos[proto] != p) throw new IllegalArgumentException("IP protocol " + proto + " has a handler already");
        inetProtos[proto] = p;
    }

    @Override
    public void removeInetProtocol(int proto, InetProtocol p) {
        if (proto < 0 || proto > 255) return;
        if (inetProtos[proto] == p) inetProtos[proto] = null;
    }

    @Override
    public InetProtocol inetProtocol(int proto) {
        return proto < 0 || proto > 255 ? null : inetProtos[proto];
    }

    @Override
    public List<NfHook> postRoutingHooks() { return emu.plugins().postRoutingHooks(); }

    @Override
    public String toString() { return "host " + name; }
}
