package org.nicemu.api.tcp.cc;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * An OSGi service that makes {@link TcpCongestionOps} instances of one algorithm, one per socket:
 * the role of a {@code struct tcp_congestion_ops} registered with
 * {@code tcp_register_congestion_control()} (net/ipv4/tcp_cong.c). Registered with the service
 * property {@value #NAME} naming the algorithm ({@code tcp.cc=cubic}); the name is what
 * {@code net.ipv4.tcp_congestion_control} and the {@code TCP_CONGESTION} socket option select.
 *
 * <p>The TCP layer captures factories when DS binds them and calls {@link #create()} on the
 * emulation's event loop (DESIGN §6); a factory therefore never blocks and never calls into the
 * framework from {@code create()}.
 */
@ConsumerType
public interface TcpCongestionFactory {
    /** Service property naming the algorithm, e.g. {@code tcp.cc=reno}. */
    String NAME = "tcp.cc";

    /** The algorithm this factory makes, equal to its {@value #NAME} property and to the ops' {@code name()}. */
    String name();

    /**
     * A new, uninitialised instance for one socket (the caller calls {@link TcpCongestionOps#init}
     * next), with the factory's configuration as it is now.
     *
     * @throws IllegalArgumentException if the configuration of this factory is invalid; the message
     *                                  names the configuration PID, the parameter and what is accepted
     */
    TcpCongestionOps create();

    /** One line of help: what the algorithm is and its parameters with units and current values. */
    String usage();
}
