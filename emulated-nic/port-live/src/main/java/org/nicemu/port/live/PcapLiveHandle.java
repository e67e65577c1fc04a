package org.nicemu.port.live;

import java.io.EOFException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.PcapStat;

/**
 * A {@link LiveHandle} on libpcap through Pcap4J: {@code pcap_create} + snaplen 65535 + promiscuous
 * mode off + immediate mode + read timeout + buffer size, {@code pcap_activate}, then direction
 * {@code PCAP_D_IN} (only frames the interface received; libpcap does not show a handle its own
 * injected frames anyway, HIL-NOTES). Raw bytes only: no Pcap4J packet decoding.
 *
 * <p>Injection goes through {@code pcap_sendpacket}. Pcap4J maps it with a Java {@code byte[]},
 * which JNA copies whole into native memory on every call; the NIC's frame buffer is much larger
 * than a frame, so the frame is first copied into a reusable array of exactly its length (one per
 * length seen, made on first use): one copy of the frame, no allocation in steady state.
 */
final class PcapLiveHandle implements LiveHandle {
    /** Snapshot length: a whole frame of any MTU up to 65535 bytes. */
    static final int SNAPLEN = 65_535;

    private final String ifname;
    private final PcapHandle handle;
    /** Send arrays by frame length (loop thread only). */
    private final byte[][] byLength = new byte[SNAPLEN + 1][];

    private PcapLiveHandle(String ifname, PcapHandle handle) {
        this.ifname = ifname;
        this.handle = handle;
    }

    /**
     * Opens {@code ifname}.
     *
     * @param readTimeoutMillis libpcap's read timeout (set, but on Linux it does not bound a blocking
     *                          read: {@link #wakeUp()} ends one)
     * @param bufferBytes       libpcap's capture buffer (the kernel ring), bytes
     */
    static PcapLiveHandle open(String ifname, int readTimeoutMillis, int bufferBytes) throws LiveException {
        List<String> present = Interfaces.names();
        if (present != null && !present.contains(ifname)) throw LiveErrors.noSuchInterface(ifname, present);
        Thread t = Thread.currentThread();
        ClassLoader old = t.getContextClassLoader();
        t.setContextClassLoader(PcapLiveHandle.class.getClassLoader());
        PcapHandle h = null;
        try {
            h = new PcapHandle.Builder(ifname)
                    .snaplen(SNAPLEN)
                    .promiscuousMode(PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS)
                    .immediateMode(true)
                    .timeoutMillis(readTimeoutMillis)
                    .bufferSize(bufferBytes)
                    .build();
            h.setDirection(PcapHandle.PcapDirection.IN);
            return new PcapLiveHandle(ifname, h);
        } catch (PcapNativeException e) {
            if (h != null) h.close();
            throw LiveErrors.classify(ifname, e.getMessage(), e);
        } catch (NotOpenException e) {
            if (h != null) h.close();
            throw new LiveException(LiveException.Kind.IO, "port live: interface " + ifname + ": handle closed while opening", e);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
            throw LiveErrors.noLibpcap(e);
        } finally {
            t.setContextClassLoader(old);
        }
    }

    @Override
    public byte[] next() throws LiveException {
        try {
            return handle.getNextRawPacketEx();
        } catch (TimeoutException e) {
            return null;
        } catch (PcapNativeException e) {
            throw new LiveException(LiveException.Kind.IO, "port live: reading " + ifname + " failed: " + e.getMessage(), e);
        } catch (EOFException e) {
            return null; // PCAP_ERROR_BREAK: wakeUp()
        } catch (NotOpenException e) {
            throw new LiveException(LiveException.Kind.IO, "port live: reading " + ifname + " failed: handle closed", e);
        }
    }

    @Override
    public void wakeUp() {
        try {
            handle.breakLoop();
        } catch (NotOpenException e) {
            // closed: nothing blocks on it
        }
    }

    @Override
    public void send(byte[] frame, int len) throws LiveException {
        byte[] b = byLength[len];
        if (b == null) b = byLength[len] = new byte[len];
        System.arraycopy(frame, 0, b, 0, len);
        try {
            handle.sendPacket(b, len);
        } catch (PcapNativeException e) {
            throw new LiveException(LiveException.Kind.IO, "port live: sending on " + ifname + " failed: " + e.getMessage(), e);
        } catch (NotOpenException e) {
            throw new LiveException(LiveException.Kind.IO, "port live: sending on " + ifname + " failed: handle closed", e);
        }
    }

    @Override
    public void setFilter(String bpf) throws LiveException {
        try {
            handle.setFilter(bpf, BpfProgram.BpfCompileMode.OPTIMIZE);
        } catch (PcapNativeException | NotOpenException e) {
            throw new LiveException(LiveException.Kind.FILTER, "port live: BPF filter '" + bpf + "' on " + ifname + ": " + e.getMessage(), e);
        }
    }

    @Override
    public long[] stats() {
        try {
            PcapStat s = handle.getStats();
            return new long[] {s.getNumPacketsReceived(), s.getNumPacketsDropped(), s.getNumPacketsDroppedByIf()};
        } catch (PcapNativeException | NotOpenException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public void close() {
        handle.close();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "pcap handle on %s", ifname);
    }
}
