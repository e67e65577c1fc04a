package org.nicemu.tcp.cc.cubic;

import org.nicemu.api.tcp.cc.TcpCongestionFactory;
import org.nicemu.api.tcp.cc.TcpCongestionOps;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The CUBIC plugin: the role of {@code cubictcp_register()} / {@code tcp_register_congestion_control(&cubictcp)}
 * in net/ipv4/tcp_cubic.c. Registered as a {@link TcpCongestionFactory} with {@code tcp.cc=cubic};
 * configuration PID {@value #PID}, whose attributes are the kernel module's parameters
 * ({@code /sys/module/tcp_cubic/parameters/*}). A configuration change applies to sockets that get
 * CUBIC afterwards and never unregisters the service; an invalid configuration is reported, naming
 * this PID and the parameter, when an instance is created ({@link #create()} throws).
 */
@Component(name = CubicFactory.PID, service = TcpCongestionFactory.class, property = TcpCongestionFactory.NAME + "=" + Cubic.NAME)
@Designate(ocd = CubicFactory.Config.class)
public final class CubicFactory implements TcpCongestionFactory {
    /** Configuration PID (= component name = bundle symbolic name). */
    public static final String PID = "org.nicemu.tcp.cc.cubic";

    /** The module parameters of tcp_cubic.c, with the kernel's defaults. */
    @ObjectClassDefinition(name = "nicemu TCP CUBIC", description = "Parameters of CUBIC (net/ipv4/tcp_cubic.c module parameters) for sockets that get CUBIC from now on.")
    public @interface Config {
        @AttributeDefinition(name = "Fast convergence", description = "fast_convergence: on a loss below the previous Wmax, remember Wmax*(1+beta)/2 instead of cwnd.")
        boolean fastConvergence() default true;

        @AttributeDefinition(name = "Beta (1/1024)", description = "beta: multiplicative decrease, ssthresh = cwnd*beta/1024 (717 = 0.7); 1..1023.", min = "1", max = "1023")
        int beta() default 717;

        @AttributeDefinition(name = "BIC scale (1/1024)", description = "bic_scale: cubic coefficient, C = bic_scale*10/1024 packets/s^3 (41 = 0.4).", min = "1")
        int bicScale() default 41;

        @AttributeDefinition(name = "TCP friendliness", description = "tcp_friendliness: grow at least as fast as Reno with the same beta would.")
        boolean tcpFriendliness() default true;

        @AttributeDefinition(name = "HyStart", description = "hystart: hybrid slow start (leave slow start before the first loss).")
        boolean hystart() default true;

        @AttributeDefinition(name = "HyStart detection", description = "hystart_detect: 1 = ACK train, 2 = delay increase, 3 = both.", min = "0", max = "3")
        int hystartDetect() default 3;

        @AttributeDefinition(name = "HyStart low window (packets)", description = "hystart_low_window: HyStart acts only when cwnd is at least this.", min = "0")
        int hystartLowWindow() default 16;

        @AttributeDefinition(name = "HyStart ACK delta (microseconds)", description = "hystart_ack_delta_us: largest spacing of ACKs that still form one train.", min = "0")
        int hystartAckDeltaUs() default 2000;

        @AttributeDefinition(name = "Initial ssthresh (packets)", description = "initial_ssthresh: slow-start threshold of new sockets when HyStart is off; 0 = none (infinite).", min = "0")
        int initialSsthresh() default 0;
    }

    private volatile CubicParams params = CubicParams.DEFAULTS;
    private volatile String error;

    @Activate
    @Modified
    void activate(Config c) {
        try {
            params = CubicParams.of(c.fastConvergence(), c.beta(), c.bicScale(), c.tcpFriendliness(), c.hystart(),
                    c.hystartDetect(), c.hystartLowWindow(), c.hystartAckDeltaUs(), c.initialSsthresh());
            error = null;
        } catch (IllegalArgumentException e) {
            error = "configuration " + PID + ": " + e.getMessage();
        }
    }

    @Override
    public String name() {
        return Cubic.NAME;
    }

    @Override
    public TcpCongestionOps create() {
        String e = error;
        if (e != null) {
            throw new IllegalArgumentException(e);
        }
        return new Cubic(params);
    }

    @Override
    public String usage() {
        String e = error;
        return "cubic - CUBIC with HyStart (tcp_cubic.c, RFC 9438): W(t) = C(t-K)^3 + Wmax, ssthresh = cwnd*beta/1024;"
                + " parameters (Config Admin " + PID + "): fastConvergence, beta (1/1024), bicScale (1/1024),"
                + " tcpFriendliness, hystart, hystartDetect (1 train, 2 delay, 3 both), hystartLowWindow (packets),"
                + " hystartAckDeltaUs (microseconds), initialSsthresh (packets); now: "
                + (e != null ? e : params.toString());
    }
}
