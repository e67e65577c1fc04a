package org.nicemu.port.live;

/**
 * One open capture/injection handle on a real interface: what {@link LivePort} needs from libpcap.
 * {@link PcapLiveHandle} is the real one (Pcap4J); tests use fakes. {@link #next()} is called only
 * by the port's capture thread, {@link #send} only by the port's injection thread, {@link #close}
 * by either; an implementation must allow {@code next} and {@code send} to run at the same time
 * (libpcap does: reads come from the capture ring, sends go through {@code send(2)} on the socket).
 */
interface LiveHandle extends AutoCloseable {
    /**
     * The next received frame (a copy the caller may keep); blocks until one arrives (libpcap's read
     * timeout does not bound a read on Linux: pcap(3PCAP)), or returns null when {@link #wakeUp()}
     * was called.
     *
     * @throws LiveException when the handle failed (interface went down or disappeared, socket error)
     */
    byte[] next() throws LiveException;

    /** Makes a {@link #next()} blocked in another thread return null ({@code pcap_breakloop}). Any thread. */
    void wakeUp();

    /** Injects {@code frame[0..len)} as one frame. @throws LiveException when libpcap refused it */
    void send(byte[] frame, int len) throws LiveException;

    /** Sets the BPF filter. @throws LiveException when it does not compile or cannot be set */
    void setFilter(String bpf) throws LiveException;

    /** {@code pcap_stats}: ps_recv, ps_drop, ps_ifdrop; null when not available. Capture thread only. */
    long[] stats();

    @Override
    void close();

    /** Opens a handle on an interface by name. */
    @FunctionalInterface
    interface Opener {
        /**
         * @throws LiveException with one clear message (interface missing, no permission, libpcap
         *                       missing, ...)
         */
        LiveHandle open(String ifname) throws LiveException;
    }

    /** A handle failure; {@link #getMessage()} is meant for the user. */
    final class LiveException extends Exception {
        private static final long serialVersionUID = 1L;
        private final Kind kind;

        /** What went wrong, for callers that react differently. */
        enum Kind { NO_SUCH_INTERFACE, PERMISSION, NO_LIBPCAP, FILTER, IO }

        LiveException(Kind kind, String message) {
            super(message);
            this.kind = kind;
        }

        LiveException(Kind kind, String message, Throwable cause) {
            super(message, cause);
            this.kind = kind;
        }

        Kind kind() {
            return kind;
        }
    }
}
