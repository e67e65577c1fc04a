package org.nicemu.tcp.cc.reno;

import org.nicemu.api.tcp.cc.TcpCongestionFactory;
import org.nicemu.api.tcp.cc.TcpCongestionOps;
import org.osgi.service.component.annotations.Component;

/**
 * The Reno plugin: the role of {@code tcp_register_congestion_control(&tcp_reno)} (net/ipv4/tcp_cong.c).
 * Registered as a {@link TcpCongestionFactory} with {@code tcp.cc=reno}; component name
 * {@value #PID}. Reno has no parameters.
 */
@Component(name = RenoFactory.PID, service = TcpCongestionFactory.class, property = TcpCongestionFactory.NAME + "=" + Reno.NAME)
public final class RenoFactory implements TcpCongestionFactory {
    /** Component name (= bundle symbolic name). */
    public static final String PID = "org.nicemu.tcp.cc.reno";

    @Override
    public String name() {
        return Reno.NAME;
    }

    @Override
    public TcpCongestionOps create() {
        return new Reno();
    }

    @Override
    public String usage() {
        return "reno - RFC 5681 slow start and congestion avoidance (tcp_reno_cong_avoid): cwnd +1 per ACKed packet"
                + " below ssthresh, then +1 per cwnd ACKed packets; ssthresh = max(cwnd/2, 2) on loss; no parameters";
    }
}
