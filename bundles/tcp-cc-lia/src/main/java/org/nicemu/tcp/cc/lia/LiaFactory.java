package org.nicemu.tcp.cc.lia;

import org.nicemu.api.tcp.cc.TcpCongestionFactory;
import org.nicemu.api.tcp.cc.TcpCongestionOps;
import org.osgi.service.component.annotations.Component;

/**
 * The LIA plugin: the role of {@code mptcp_ccc_register()} / {@code tcp_register_congestion_control(&mptcp_ccc)}
 * in net/mptcp/mptcp_coupled.c (multipath-tcp.org). Registered as a {@link TcpCongestionFactory} with
 * {@code tcp.cc=lia}; component name {@value #PID}. LIA has no parameters (the kernel's fixed-point
 * scales are constants, not module parameters).
 */
@Component(name = LiaFactory.PID, service = TcpCongestionFactory.class, property = TcpCongestionFactory.NAME + "=" + Lia.NAME)
public final class LiaFactory implements TcpCongestionFactory {
    /** Component name (= bundle symbolic name). */
    public static final String PID = "org.nicemu.tcp.cc.lia";

    @Override
    public String name() {
        return Lia.NAME;
    }

    @Override
    public TcpCongestionOps create() {
        return new Lia();
    }

    @Override
    public String usage() {
        return "lia - MPTCP linked increases (RFC 6356, mptcp_coupled.c): on a subflow, cwnd +1 per"
                + " max(cwnd_total/alpha, cwnd) ACKed packets in congestion avoidance, alpha from all subflows'"
                + " cwnd and srtt; Reno slow start and ssthresh = max(cwnd/2, 2); plain TCP or one subflow: Reno;"
                + " no parameters";
    }
}
