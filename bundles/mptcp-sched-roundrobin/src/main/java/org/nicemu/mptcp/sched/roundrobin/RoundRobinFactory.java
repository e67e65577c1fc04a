package org.nicemu.mptcp.sched.roundrobin;

import org.nicemu.api.mptcp.sched.MptcpSchedOps;
import org.nicemu.api.mptcp.sched.MptcpSchedulerFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The round-robin plugin: the role of {@code rr_register()} in net/mptcp/mptcp_rr.c. Registered as a
 * {@link MptcpSchedulerFactory} with {@code mptcp.scheduler=roundrobin}; configuration PID
 * {@value #PID}, whose attributes are the module parameters ({@code /sys/module/mptcp_rr/parameters/*}).
 * A change applies to connections that get the scheduler afterwards; an invalid configuration is
 * reported by {@link #create()}.
 */
@Component(name = RoundRobinFactory.PID, service = MptcpSchedulerFactory.class, property = MptcpSchedulerFactory.NAME + "=" + RoundRobin.NAME)
@Designate(ocd = RoundRobinFactory.Config.class)
public final class RoundRobinFactory implements MptcpSchedulerFactory {
    /** Configuration PID (= component name = bundle symbolic name). */
    public static final String PID = "org.nicemu.mptcp.sched.roundrobin";

    /** The module parameters of mptcp_rr.c, with the kernel's defaults. */
    @ObjectClassDefinition(name = "nicemu MPTCP round-robin scheduler", description = "Parameters of mptcp_rr.c for connections that get the scheduler from now on.")
    public @interface Config {
        @AttributeDefinition(name = "Segments per burst", description = "num_segments: consecutive segments sent on one subflow before the next; 1..255.", min = "1", max = "255")
        int numSegments() default 1;

        @AttributeDefinition(name = "cwnd limited", description = "cwnd_limited: skip subflows whose congestion window is full (fill every window); off = strict turns.")
        boolean cwndLimited() default true;
    }

    private volatile int numSegments = 1;
    private volatile boolean cwndLimited = true;
    private volatile String error;

    @Activate
    @Modified
    void activate(Config c) {
        if (c.numSegments() < 1 || c.numSegments() > 255) {
            error = "configuration " + PID + ": numSegments must be 1..255 (u8 module parameter), got " + c.numSegments();
            return;
        }
        numSegments = c.numSegments();
        cwndLimited = c.cwndLimited();
        error = null;
    }

    /** For tests: a factory with these parameters. */
    static RoundRobinFactory of(int numSegments, boolean cwndLimited) {
        RoundRobinFactory f = new RoundRobinFactory();
        f.numSegments = numSegments;
        f.cwndLimited = cwndLimited;
        return f;
    }

    @Override
    public String name() {
        return RoundRobin.NAME;
    }

    @Override
    public MptcpSchedOps create() {
        String e = error;
        if (e != null) {
            throw new IllegalArgumentException(e);
        }
        return new RoundRobin(numSegments, cwndLimited);
    }

    @Override
    public String usage() {
        String e = error;
        return "roundrobin - bursts of numSegments segments per subflow in turn (mptcp_rr.c); parameters (Config Admin " + PID
                + "): numSegments (segments), cwndLimited (boolean); now: "
                + (e != null ? e : "numSegments=" + numSegments + " cwndLimited=" + cwndLimited);
    }
}
