package org.nicemu.mptcp.sched.blest;

import org.nicemu.api.mptcp.sched.MptcpSchedOps;
import org.nicemu.api.mptcp.sched.MptcpSchedulerFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The BLEST plugin: the role of {@code blest_register()} in net/mptcp/mptcp_blest.c. Registered as a
 * {@link MptcpSchedulerFactory} with {@code mptcp.scheduler=blest}; configuration PID {@value #PID},
 * whose attributes are the module parameters. A change applies to connections that get BLEST
 * afterwards; an invalid configuration is reported by {@link #create()}.
 */
@Component(name = BlestFactory.PID, service = MptcpSchedulerFactory.class, property = MptcpSchedulerFactory.NAME + "=" + Blest.NAME)
@Designate(ocd = BlestFactory.Config.class)
public final class BlestFactory implements MptcpSchedulerFactory {
    /** Configuration PID (= component name = bundle symbolic name). */
    public static final String PID = "org.nicemu.mptcp.sched.blest";

    /** The module parameters of mptcp_blest.c, with the kernel's defaults. */
    @ObjectClassDefinition(name = "nicemu MPTCP BLEST scheduler", description = "Parameters of mptcp_blest.c for connections that get BLEST from now on.")
    public @interface Config {
        @AttributeDefinition(name = "lambda (1/10)", description = "lambda: initial scaling factor of the fast subflow's estimated sending, in tenths (12 = 1.2).", min = "0", max = "255")
        int lambda() default 12;

        @AttributeDefinition(name = "max lambda (1/10)", description = "max_lambda: upper bound of lambda, in tenths.", min = "0", max = "255")
        int maxLambda() default 13;

        @AttributeDefinition(name = "min lambda (1/10)", description = "min_lambda: lower bound of lambda, in tenths.", min = "0", max = "255")
        int minLambda() default 10;

        @AttributeDefinition(name = "lambda decrease (1/1000)", description = "dyn_lambda_good: lambda decrease per fast RTT without meta retransmission, in thousandths (10 = 0.01).", min = "0", max = "255")
        int dynLambdaGood() default 10;

        @AttributeDefinition(name = "lambda increase (1/1000)", description = "dyn_lambda_bad: lambda increase per fast RTT with a meta retransmission, in thousandths (40 = 0.04).", min = "0", max = "255")
        int dynLambdaBad() default 40;
    }

    private volatile BlestParams params = BlestParams.DEFAULTS;
    private volatile String error;

    @Activate
    @Modified
    void activate(Config c) {
        try {
            params = new BlestParams(c.lambda(), c.maxLambda(), c.minLambda(), c.dynLambdaGood(), c.dynLambdaBad());
            error = null;
        } catch (IllegalArgumentException e) {
            error = "configuration " + PID + ": " + e.getMessage();
        }
    }

    @Override
    public String name() {
        return Blest.NAME;
    }

    @Override
    public MptcpSchedOps create() {
        String e = error;
        if (e != null) {
            throw new IllegalArgumentException(e);
        }
        return new Blest(params);
    }

    @Override
    public String usage() {
        String e = error;
        return "blest - lowest RTT, but skip a slower subflow when the fast one would be blocked by the data-level window"
                + " (mptcp_blest.c, Ferlin et al. 2016); parameters (Config Admin " + PID + "): lambda, maxLambda, minLambda (1/10),"
                + " dynLambdaGood, dynLambdaBad (1/1000); now: " + (e != null ? e : params.toString());
    }
}
