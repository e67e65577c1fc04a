package org.nicemu.mptcp.sched.default_;

import org.nicemu.api.mptcp.sched.MptcpSchedOps;
import org.nicemu.api.mptcp.sched.MptcpSchedulerFactory;
import org.osgi.service.component.annotations.Component;

/**
 * The default-scheduler plugin: the role of {@code mptcp_register_scheduler(&mptcp_sched_default)}
 * (net/mptcp/mptcp_sched.c). Registered as a {@link MptcpSchedulerFactory} with
 * {@code mptcp.scheduler=default}; component name {@value #PID}. No parameters.
 */
@Component(name = DefaultSchedFactory.PID, service = MptcpSchedulerFactory.class, property = MptcpSchedulerFactory.NAME + "=" + DefaultSched.NAME)
public final class DefaultSchedFactory implements MptcpSchedulerFactory {
    /** Component name (= bundle symbolic name). */
    public static final String PID = "org.nicemu.mptcp.sched.default";

    @Override
    public String name() {
        return DefaultSched.NAME;
    }

    @Override
    public MptcpSchedOps create() {
        return new DefaultSched();
    }

    @Override
    public String usage() {
        return "default - lowest smoothed RTT among subflows with congestion-window space (mptcp_sched.c get_available_subflow);"
                + " backup subflows only when no active one exists; reinjections first, never on a subflow the data was sent on"
                + " while another can take it; meta-head retransmission on a faster subflow when the data-level window is full; no parameters";
    }
}
