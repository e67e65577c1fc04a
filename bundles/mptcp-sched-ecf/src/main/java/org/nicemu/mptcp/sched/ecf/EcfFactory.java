package org.nicemu.mptcp.sched.ecf;

import org.nicemu.api.mptcp.sched.MptcpSchedOps;
import org.nicemu.api.mptcp.sched.MptcpSchedulerFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The ECF plugin: the role of {@code ecf_register()} in net/mptcp/mptcp_ecf.c. Registered as a
 * {@link MptcpSchedulerFactory} with {@code mptcp.scheduler=ecf}; configuration PID {@value #PID}.
 */
@Component(name = EcfFactory.PID, service = MptcpSchedulerFactory.class, property = MptcpSchedulerFactory.NAME + "=" + Ecf.NAME)
@Designate(ocd = EcfFactory.Config.class)
public final class EcfFactory implements MptcpSchedulerFactory {
    /** Configuration PID (= component name = bundle symbolic name). */
    public static final String PID = "org.nicemu.mptcp.sched.ecf";

    /** The module parameter of mptcp_ecf.c, with the kernel's default. */
    @ObjectClassDefinition(name = "nicemu MPTCP ECF scheduler", description = "Parameters of mptcp_ecf.c for connections that get ECF from now on.")
    public @interface Config {
        @AttributeDefinition(name = "1/beta", description = "mptcp_ecf_r_beta: beta = 1/rBeta is ECF's hysteresis margin (4 = 0.25); at least 1.", min = "1")
        int rBeta() default 4;
    }

    private volatile int rBeta = 4;
    private volatile String error;

    @Activate
    @Modified
    void activate(Config c) {
        if (c.rBeta() < 1) {
            error = "configuration " + PID + ": rBeta must be at least 1, got " + c.rBeta();
            return;
        }
        rBeta = c.rBeta();
        error = null;
    }

    @Override
    public String name() {
        return Ecf.NAME;
    }

    @Override
    public MptcpSchedOps create() {
        String e = error;
        if (e != null) {
            throw new IllegalArgumentException(e);
        }
        return new Ecf(rBeta);
    }

    @Override
    public String usage() {
        String e = error;
        return "ecf - earliest completion first (mptcp_ecf.c, Lim et al. 2017): wait for the fastest subflow when it would finish"
                + " sooner than a slower one; parameter (Config Admin " + PID + "): rBeta (beta = 1/rBeta); now: "
                + (e != null ? e : "rBeta=" + rBeta);
    }
}
