package org.nicemu.port.live;

import java.io.EOFException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

import java.util.concurrent.locks.StampedLock;

import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.PcapStat;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * A {@link LiveHandle} on libpcap through Pcap4J: {@code pcap_create} + snaplen 65535 + promiscuous
 * mode off + immediate mode + read timeout + buffer size, {@code pcap_activate}, then direction
 * {@code PCAP_D_IN} (only frames the interface received; libpcap does not show a handle its own
 * injected frames anyway, HIL-NOTES). Raw bytes only: no Pcap4J packet decoding.
 *
 * <p><b>The per-frame calls bypass Pcap4J's wrappers.</b> Pcap4J opens, configures, filters and
 * closes the handle, but its {@code sendPacket} and {@code getNextRawPacketEx} take a fair
 * read-write lock (two reader threads here: each lock and unlock sets and removes a thread-local)
 * and allocate JNA {@code Memory}, {@code PointerByReference}s and boxed timestamps on every call,
 * which cost a third of the capture thread and most of the JVM's garbage at 2 Gbit/s. So
 * {@code pcap_sendpacket} and {@code pcap_next_ex} are called through {@link Direct} (JNA direct
 * mapping of the same libpcap) on Pcap4J's {@code pcap_t}, with reusable native memory, under this
 * class's own {@link StampedLock}: {@link #close} sets {@code closed}, takes the write lock (so it
 * waits for a blocked read, which {@link #wakeUp} ends) and only then lets Pcap4J free the
 * {@code pcap_t}: no call can use it after that. If the direct mapping cannot be set up (another
 * Pcap4J), the Pcap4J methods are used.
 */
final class PcapLiveHandle implements LiveHandle {
    /** Snapshot length: a whole frame of any MTU up to 65535 bytes. */
    static final int SNAPLEN = 65_535;

    private final String ifname;
    private final PcapHandle handle;
    /** Pcap4J's {@code pcap_t}, or null when {@link Direct} is not available. */
    private final Pointer pcap;
    /** Guards {@link #pcap} against {@link #close}: read-held around each native call. */
    private final StampedLock lock = new StampedLock();
    private volatile boolean closed;
    /** Injection thread: the frame in native memory. */
    private final Memory sendBuf;
    /** Capture thread: {@code pcap_next_ex}'s two out-pointers (header, data). */
    private final Memory nextOut;
    private final Pointer nextDataOut;
    /** Send arrays by frame length (Pcap4J fallback only; injection thread). */
    private final byte[][] byLength = new byte[SNAPLEN + 1][];

    private PcapLiveHandle(String ifname, PcapHandle handle) {
        this.ifname = ifname;
        this.handle = handle;
        Pointer p = Direct.AVAILABLE ? Direct.pcapT(handle) : null;
        this.pcap = p;
        this.sendBuf = p == null ? null : new Memory(SNAPLEN);
        this.nextOut = p == null ? null : new Memory(2L * Native.POINTER_SIZE);
        this.nextDataOut = p == null ? null : nextOut.share(Native.POINTER_SIZE);
    }

    /** Whether the per-frame calls go through {@link Direct} (tests). */
    boolean direct() {
        return pcap != null;
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
        if (pcap != null) return nextDirect();
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

    /** {@code pcap_next_ex} on the {@code pcap_t}: 1 → a copy of the frame, 0 (timeout) or -2 (break) → null. */
    private byte[] nextDirect() throws LiveException {
        long st = closed ? 0 : lock.tryReadLock();
        if (st == 0) throw new LiveException(LiveException.Kind.IO, "port live: reading " + ifname + " failed: handle closed");
        try {
            int rc = Direct.pcap_next_ex(pcap, nextOut, nextDataOut);
            if (rc == 1) {
                Pointer hdr = nextOut.getPointer(0), data = nextOut.getPointer(Native.POINTER_SIZE);
                int caplen = hdr.getInt(Direct.CAPLEN_OFFSET);
                if (caplen < 0 || caplen > SNAPLEN) throw new LiveException(LiveException.Kind.IO, "port live: reading " + ifname + ": caplen " + caplen);
                return data.getByteArray(0, caplen);
            }
            if (rc == 0 || rc == -2) return null;
            throw new LiveException(LiveException.Kind.IO, "port live: reading " + ifname + " failed: " + Direct.pcap_geterr(pcap));
        } finally {
            lock.unlockRead(st);
        }
    }

    @Override
    public void send(byte[] frame, int len) throws LiveException {
        if (pcap != null) {
            long st = closed ? 0 : lock.tryReadLock();
            if (st == 0) throw new LiveException(LiveException.Kind.IO, "port live: sending on " + ifname + " failed: handle closed");
            try {
                sendBuf.write(0, frame, 0, len);
                if (Direct.pcap_sendpacket(pcap, sendBuf, len) < 0) {
                    throw new LiveException(LiveException.Kind.IO, "port live: sending on " + ifname + " failed: " + Direct.pcap_geterr(pcap));
                }
            } finally {
                lock.unlockRead(st);
            }
            return;
        }
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
        closed = true;
        if (pcap != null) {
            wakeUp(); // a blocked next() returns and releases its read lock
            long st = lock.writeLock(); // no native call runs on pcap_t any more
            lock.unlockWrite(st);
        }
        handle.close();
    }

    /**
     * JNA direct mapping of the two per-frame libpcap calls, on the library Pcap4J loaded (same name:
     * system property {@code org.pcap4j.core.pcapLibName}, default {@code pcap}), and Pcap4J's
     * {@code pcap_t} of a handle (its private field {@code handle}, read by reflection: Pcap4J 1.8.2
     * exposes no accessor).
     */
    static final class Direct {
        /** {@code struct pcap_pkthdr}: {@code struct timeval ts; bpf_u_int32 caplen; bpf_u_int32 len;}. */
        static final int CAPLEN_OFFSET = 2 * com.sun.jna.NativeLong.SIZE;
        static final boolean AVAILABLE;
        private static final java.lang.reflect.Field HANDLE;

        static {
            java.lang.reflect.Field f = null;
            boolean ok;
            try {
                Native.register(Direct.class, NativeLibrary.getInstance(System.getProperty("org.pcap4j.core.pcapLibName", "pcap")));
                f = PcapHandle.class.getDeclaredField("handle");
                f.setAccessible(true);
                ok = f.getType() == Pointer.class;
            } catch (RuntimeException | LinkageError | ReflectiveOperationException e) {
                ok = false;
            }
            HANDLE = f;
            AVAILABLE = ok;
        }

        private Direct() {
        }

        static Pointer pcapT(PcapHandle h) {
            try {
                return (Pointer) HANDLE.get(h);
            } catch (IllegalAccessException e) {
                return null;
            }
        }

        static native int pcap_sendpacket(Pointer p, Pointer buf, int size);

        static native int pcap_next_ex(Pointer p, Pointer header, Pointer data);

        static native String pcap_geterr(Pointer p);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "pcap handle on %s", ifname);
    }
}
