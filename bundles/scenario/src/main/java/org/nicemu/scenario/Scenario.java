package org.nicemu.scenario;

import java.util.List;
import java.util.Map;

import org.nicemu.api.emu.TcRequest;
import org.nicemu.api.nic.NicConfig;

/**
 * A validated scenario (docs/scenario.md), as {@link ScenarioParser} reads it from JSON. Every value
 * is checked and defaulted; the {@code path} fields keep the JSON path of each element so that
 * errors found later (when building the emulation) can still name it.
 */
public record Scenario(String name, long seed, boolean virtualTime, long durationNanos, String duration,
        List<HostDef> hosts, List<WireDef> wires, List<GeneratorDef> generators, List<ActionDef> actions, List<FlowDef> flows) {

    /** One host. */
    public record HostDef(String path, String name, int cpus, Map<String, String> sysctl, List<DeviceDef> devices) {
        /** The device with that name, or null. */
        public DeviceDef device(String dev) {
            for (DeviceDef d : devices) if (d.name().equals(dev)) return d;
            return null;
        }
    }

    /**
     * One device.
     *
     * @param qdisc    the root qdisc as written in the scenario, or null for the host's default
     * @param qdiscReq the same as a {@code tc qdisc replace dev DEV root ...} request, or null
     */
    public record DeviceDef(String path, String name, NicConfig nic, List<String> offloads, String driver,
            Map<String, String> driverParams, int[] xps, String qdisc, TcRequest qdiscReq, List<CaptureDef> captures,
            List<String> addresses, PortDef port) {
        /** A device without a {@code port}. */
        public DeviceDef(String path, String name, NicConfig nic, List<String> offloads, String driver,
                Map<String, String> driverParams, int[] xps, String qdisc, TcRequest qdiscReq, List<CaptureDef> captures,
                List<String> addresses) {
            this(path, name, nic, offloads, driver, driverParams, xps, qdisc, qdiscReq, captures, addresses, null);
        }
    }

    /**
     * The device's {@code port} (docs/scenario.md): {@code kind} (only {@code live} so far: the NIC on
     * a real interface, docs/port-live.md) and the port's parameters ({@code ifname}, ...), passed
     * to the port factory as strings.
     */
    public record PortDef(String path, String kind, Map<String, String> params) {
    }

    /** True when a device has a live port (the emulation then runs in real time). */
    public boolean hasLivePorts() {
        for (HostDef h : hosts) for (DeviceDef d : h.devices()) if (d.port() != null && d.port().kind().equals("live")) return true;
        return false;
    }

    /**
     * One wire (port kind {@code wire}) between device {@code aDev} of host {@code aHost} (end A,
     * opened first, shaped by {@code paramsA}) and {@code bDev} of {@code bHost} (end B, {@code paramsB}).
     */
    public record WireDef(String path, String name, String aHost, String aDev, String bHost, String bDev,
            Map<String, String> paramsA, Map<String, String> paramsB) {
    }

    /** One capture port: {@code kind} (pcap, pcapng, pcap4j ...), {@code file} relative to the output folder. */
    public record CaptureDef(String path, String kind, String file, boolean perQueue, Integer snaplen) {
    }

    /** One packet generator (pktgen parameters as strings). */
    public record GeneratorDef(String path, String name, String host, String dev, Map<String, String> params) {
    }

    /** One timed action: {@code cmd} runs on {@code host} at emulated time {@code atNanos}. */
    public record ActionDef(String path, long atNanos, String at, String host, String cmd) {
    }

    /**
     * One application flow (docs/scenario.md, "Flows"): {@code kind} "bulk" (a bulk sender on
     * {@code from}, a sink on {@code to}) or "request-response" (a client on {@code from}, an
     * echo-style responder on {@code to}), or "sink" (only a server on {@code to}, listening on
     * {@code port} for peers outside the emulation; {@code from} is null). A bulk flow whose
     * {@code to} is null sends to {@code dst:port} outside the emulation (a live port's peer). {@code dst}: the address the client connects to (int
     * bits), {@code port}; {@code bytes} for bulk; {@code requestBytes}, {@code responseBytes},
     * {@code transactions} for request-response; null options are left at the stack's default.
     * {@code protocol}: "tcp" or "mptcp" (both ends); {@code scheduler}: the MPTCP scheduler of the
     * connection (MPTCP_SCHEDULER on the client and on the server's listener), null for the hosts' default.
     * {@code verify}: how the bytes are checked, "sha256" (SHA-256 at both ends, and the receiver
     * compares with the seeded stream) or "compare" (bulk with both ends inside: the receiver
     * compares every byte with the seeded stream, nothing is hashed).
     */
    public record FlowDef(String path, String name, String kind, String from, String to, int dst, int port, long bytes,
            int requestBytes, int responseBytes, int transactions, String cc, Boolean noDelay, Integer sndbuf, Integer mss,
            int chunk, int cpu, int serverCpu, long startNanos, String start, long seed, String protocol, String scheduler, String after,
            String verify) {
        /** True when the bytes are checked by comparison only (no SHA-256). */
        public boolean compareOnly() {
            return "compare".equals(verify);
        }

        /** True for an MPTCP flow. */
        public boolean mptcp() {
            return "mptcp".equals(protocol);
        }

        /** True when one end is outside the emulation (a sink flow, or a bulk flow to an external address). */
        public boolean external() {
            return from == null || to == null;
        }
    }

    /** The host with that name, or null. */
    public HostDef host(String h) {
        for (HostDef d : hosts) if (d.name().equals(h)) return d;
        return null;
    }
}
