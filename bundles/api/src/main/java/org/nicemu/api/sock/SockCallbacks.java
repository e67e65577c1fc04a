package org.nicemu.api.sock;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The wake-up callbacks of a socket ({@code sk->sk_state_change}, {@code sk_data_ready},
 * {@code sk_write_space}, {@code sk_error_report}); the socket layer sets them to wake the tasks
 * that wait on the socket. Called by the transport on the loop thread, often from softirq context:
 * they must only mark tasks runnable, never run application code.
 */
@ConsumerType
public interface SockCallbacks {
    /** Callbacks that do nothing (a socket nobody waits on). */
    SockCallbacks NONE = new SockCallbacks() {
    };

    default void stateChange(Sock sk) {
    }

    default void dataReady(Sock sk) {
    }

    default void writeSpace(Sock sk) {
    }

    default void errorReport(Sock sk) {
    }
}
