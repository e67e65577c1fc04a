package org.nicemu.port.pcap4j;

import java.util.function.Supplier;

/**
 * Runs Pcap4J calls with the thread context class loader set to this bundle's class loader.
 *
 * <p>Pcap4J is embedded in this bundle and finds its packet factories with
 * {@link java.util.ServiceLoader} through the thread context class loader; in OSGi that loader is
 * whatever the calling thread happens to carry, and without the bundle's own loader decoding
 * silently yields {@code UnknownPacket}s (BUILD-NOTES gotcha 6). Every first contact with Pcap4J
 * (opening a dumper, opening a file to read) goes through {@link #call(Supplier)}.
 * A missing libpcap surfaces as an {@link IllegalStateException} that says how to install it.
 */
public final class Pcap4jSupport {
    private Pcap4jSupport() {
    }

    /** Calls {@code body} with the TCCL set to this bundle's class loader, then restores it. */
    public static <T> T call(Supplier<T> body) {
        Thread t = Thread.currentThread();
        ClassLoader old = t.getContextClassLoader();
        t.setContextClassLoader(Pcap4jSupport.class.getClassLoader());
        try {
            return body.get();
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new IllegalStateException("libpcap could not be loaded through JNA (" + e
                    + "); install it, e.g. on Debian/Ubuntu: apt-get install -y libpcap0.8", e);
        } finally {
            t.setContextClassLoader(old);
        }
    }
}
