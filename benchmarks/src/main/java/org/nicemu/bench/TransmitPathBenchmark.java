package org.nicemu.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.nicemu.api.emu.Device;
import org.nicemu.api.emu.DeviceSpec;
import org.nicemu.api.emu.Host;
import org.nicemu.api.nic.NicConfig;
import org.nicemu.api.nic.NicHardware;
import org.nicemu.api.nic.NicPort;
import org.nicemu.core.dev.EmulationImpl;
import org.nicemu.core.dev.Plugins;
import org.nicemu.driver.generic.GenericDriverFactory;
import org.nicemu.nic.EmulatedNicFactory;
import org.nicemu.pktgen.PktgenComponent;
import org.nicemu.port.pcap.PcapPortFactory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The whole transmit path on one core, in virtual time: pktgen (8 flows, frames at line
 * rate, 128 or 1514 bytes) → dev_queue_xmit → mq/pfifo_fast → generic driver (NAPI, BQL) → 4-queue 10 Gbit/s NIC →
 * optionally the pcap writer. One operation is one frame ({@link #BATCH} frames per invocation), so
 * JMH's ops/s are frames per second and {@code -prof gc}'s gc.alloc.rate.norm is bytes allocated
 * per frame.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class TransmitPathBenchmark {
    /** Frames per benchmark invocation. */
    public static final int BATCH = 10_000;
    private static final long RATE = 10_000_000_000L;

    /** "none": frames leave the NIC to no port; "pcap": the project's pcap writer. */
    @Param({"none", "pcap"})
    public String output;

    /** Frame size in bytes (without FCS). */
    @Param({"128", "1514"})
    public int frame;

    private EmulationImpl emu;
    private Device dev;
    private Path dir;
    private long t;
    private long batchNanos;
    private long lastTx;
    private NicPort port;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        Plugins plugins = new Plugins();
        plugins.setNicFactory(new EmulatedNicFactory());
        plugins.addDriver(new GenericDriverFactory());
        emu = new EmulationImpl("bench", 1, true, plugins, false);
        Host host = emu.addHost("h1", 4);
        NicConfig cfg = new NicConfig(4, 512, RATE, 1500, new byte[] {2, 0, 0, 0, 0, 1},
                NicHardware.CAP_SG | NicHardware.CAP_CSUM | NicHardware.CAP_TSO, NicConfig.Arbitration.ROUND_ROBIN, true, 0, 0);
        dev = host.addDevice(new DeviceSpec("eth0", cfg, "generic", Map.of(), null));
        Path base = Path.of(System.getProperty("nicemu.bench.dir", Files.isDirectory(Path.of("/dev/shm")) ? "/dev/shm" : System.getProperty("java.io.tmpdir")));
        dir = Files.createTempDirectory(base, "nicemu-bench");
        PktgenComponent pktgen = new PktgenComponent();
        emu.loop().post(() -> pktgen.start(dev, "bench", Map.of("count", "0", "pkt_size", Integer.toString(frame), "flows", "8")));
        batchNanos = BATCH * (frame + 24) * 8L * 1_000_000_000L / RATE;
        t = emu.loopImpl().runUntil(batchNanos);
    }

    /**
     * A fresh capture file per iteration, so the file stays small enough for tmpfs: the benchmark
     * measures the emulator and the writer, not the disk (set -Dnicemu.bench.dir to measure a disk).
     */
    @Setup(Level.Iteration)
    public void newCapture() throws IOException {
        if (!output.equals("pcap")) return;
        closeCapture();
        port = new PcapPortFactory().open("eth0", 4, Map.of("file", dir.resolve("bench.pcap").toString()));
        dev.nic().attachPort(port);
    }

    private void closeCapture() throws IOException {
        if (port == null) return;
        dev.nic().detachPort(port);
        port.close();
        port = null;
        Files.deleteIfExists(dir.resolve("bench.pcap"));
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long transmit() {
        t += batchNanos;
        return emu.loopImpl().runUntil(t);
    }

    @TearDown(Level.Iteration)
    public void checkFrames() {
        long tx = dev.ethtoolStats().get("tx_packets");
        if (tx <= lastTx) throw new IllegalStateException("no frame left the NIC in this iteration");
        lastTx = tx;
    }

    @TearDown(Level.Trial)
    public void teardown() throws IOException {
        long tx = dev.ethtoolStats().get("tx_packets");
        long expected = (long) (t / ((frame + 24) * 8.0 * 1e9 / RATE));
        System.out.printf("%n[%s %d B] %d frames left the NIC in %d ns of emulated time (line rate: %d)%n", output, frame, tx, t, expected);
        closeCapture();
        emu.close();
        try (var s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) Files.delete(p);
        }
        Files.delete(dir);
    }
}
