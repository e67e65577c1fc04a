package org.nicemu.api.nic;

import java.util.Map;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Where the frames a NIC sends go, and where the frames it receives come from: a pcap file, a live
 * interface, a virtual wire. Called on the loop with frames exactly as on the wire (no preamble,
 * no FCS). The port must copy what it keeps.
 *
 * <p>Receive side: when the port is attached, {@link Nic#attachPort} calls {@link #bind(PortBinding)}
 * (whose default calls {@link #bind(FrameReceiver)}): a port that brings frames to the NIC (a wire,
 * a live interface) calls the receiver for each one. Every frame the NIC receives, from any port,
 * is also shown to every attached port through {@link #received}, so captures see both directions.
 */
@ConsumerType
public interface NicPort {
    /** A frame left TX queue {@code txQueue} at emulated time {@code timestampNanos}. */
    void transmit(long timestampNanos, int txQueue, byte[] frame, int off, int len);

    /**
     * A frame arrived at the NIC (its last bit) at emulated time {@code timestampNanos} and was
     * steered to RX queue {@code rxQueue} by RSS; called for every frame that reaches the NIC,
     * before the NIC decides whether it has a buffer for it (as a tap on the cable would see it).
     * Capture ports record it; the default ignores it.
     */
    default void received(long timestampNanos, int rxQueue, byte[] frame, int off, int len) {
    }

    /**
     * The port is attached to a NIC: frames it brings in go to {@code receiver} ({@link Nic#receive}).
     * The default ignores it (a port that only records).
     */
    default void bind(FrameReceiver receiver) {
    }

    /**
     * The port is attached to a NIC: what {@link Nic#attachPort} calls. The default calls
     * {@link #bind(FrameReceiver)} with {@code binding.receiver()}; ports that need the loop or
     * the NIC's timing (a virtual wire) override this one. May throw IllegalStateException when the
     * port cannot serve this NIC (e.g. a wire end already bound elsewhere); the NIC then does not
     * attach it.
     */
    default void bind(PortBinding binding) {
        bind(binding.receiver());
    }

    /** The port was detached from its NIC ({@link Nic#detachPort}): it must not deliver frames any more. */
    default void unbind() {
    }

    /** Pushes buffered frames to their destination. */
    void flush();

    /** Flushes and releases the destination; further transmits are ignored. Idempotent. */
    void close();

    /** One line for the shell, e.g. "pcap /tmp/out/h1-eth0.pcap". */
    String describe();

    /** Port counters (e.g. a wire's frames, losses, duplicates per direction); empty by default. */
    default Map<String, Long> stats() {
        return Map.of();
    }
}
