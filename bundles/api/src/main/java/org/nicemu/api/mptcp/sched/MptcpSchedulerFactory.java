package org.nicemu.api.mptcp.sched;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * An OSGi service that makes {@link MptcpSchedOps} instances of one scheduler, one per connection:
 * the role of a {@code struct mptcp_sched_ops} registered with {@code mptcp_register_scheduler()}
 * (net/mptcp/mptcp_sched.c). Registered with the service property {@value #NAME} naming the
 * scheduler ({@code mptcp.scheduler=roundrobin}); the name is what {@code net.mptcp.scheduler}
 * (per host) and the {@code MPTCP_SCHEDULER} socket option (per connection) select.
 *
 * <p>The MPTCP layer captures factories when DS binds them and calls {@link #create()} on the
 * emulation's event loop (DESIGN §6); a factory therefore never blocks and never calls into the
 * framework from {@code create()}. When the service goes away, every connection using one of its
 * instances is moved to the default scheduler (DESIGN §6).
 */
@ConsumerType
public interface MptcpSchedulerFactory {
    /** Service property naming the scheduler, e.g. {@code mptcp.scheduler=blest}. */
    String NAME = "mptcp.scheduler";

    /** The scheduler this factory makes, equal to its {@value #NAME} property and to the ops' {@code name()}. */
    String name();

    /**
     * A new, uninitialised instance for one connection (the caller calls {@link MptcpSchedOps#init}
     * and {@link MptcpSchedOps#initSubflow} next), with the factory's configuration as it is now.
     *
     * @throws IllegalArgumentException if the configuration of this factory is invalid; the message
     *                                  names the configuration PID, the parameter and what is accepted
     */
    MptcpSchedOps create();

    /** One line of help: what the scheduler does and its parameters with units and current values. */
    String usage();
}
