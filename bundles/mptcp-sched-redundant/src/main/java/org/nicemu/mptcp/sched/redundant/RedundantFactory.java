package org.nicemu.mptcp.sched.redundant;

import org.nicemu.api.mptcp.sched.MptcpSchedOps;
import org.nicemu.api.mptcp.sched.MptcpSchedulerFactory;
import org.osgi.service.component.annotations.Component;

/**
 * The redundant plugin: the role of {@code red_register()} in net/mptcp/mptcp_redundant.c.
 * Registered as a {@link MptcpSchedulerFactory} with {@code mptcp.scheduler=redundant}; component
 * name {@value #PID}. No parameters.
 */
@Component(name = RedundantFactory.PID, service = MptcpSchedulerFactory.class, property = MptcpSchedulerFactory.NAME + "=" + Redundant.NAME)
public final class RedundantFactory implements MptcpSchedulerFactory {
    /** Component name (= bundle symbolic name). */
    public static final String PID = "org.nicemu.mptcp.sched.redundant";

    @Override
    public String name() {
        return Redundant.NAME;
    }

    @Override
    public MptcpSchedOps create() {
        return new Redundant();
    }

    @Override
    public String usage() {
        return "redundant - every segment on every available active subflow, each subflow with its own pointer into the"
                + " meta queue (mptcp_redundant.c); backups only when no active subflow is valid; no parameters";
    }
}
