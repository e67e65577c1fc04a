package org.nicemu.qdisc.pfifo;

import org.nicemu.api.qdisc.Qdisc;
import org.nicemu.api.qdisc.QdiscFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The pfifo plugin: the role of {@code register_qdisc(&pfifo_qdisc_ops)} in net/sched/sch_fifo.c.
 * Registered as a {@link QdiscFactory} with {@code qdisc.kind=pfifo}; configuration PID
 * {@value #PID}. A configuration change only affects instances created afterwards; it never
 * unregisters the service (so running instances are not swapped out).
 */
@Component(name = PfifoFactory.PID, service = QdiscFactory.class, property = QdiscFactory.KIND + "=" + Pfifo.KIND)
@Designate(ocd = PfifoFactory.Config.class)
public final class PfifoFactory implements QdiscFactory {
    /** Configuration PID (= component name = bundle symbolic name). */
    public static final String PID = "org.nicemu.qdisc.pfifo";

    /** Defaults for new pfifo instances, used when tc does not give a value. */
    @ObjectClassDefinition(name = "nicemu pfifo qdisc", description = "Defaults for new pfifo instances (net/sched/sch_fifo.c) when tc gives no value.")
    public @interface Config {
        @AttributeDefinition(name = "Limit (packets)", description = "Packet limit of a new pfifo; 0 = the device's txqueuelen (Linux's default).", min = "0")
        long limitPackets() default 0;
    }

    private volatile long limitPackets;

    @Activate
    @Modified
    void activate(Config config) {
        limitPackets = Math.max(0, config.limitPackets());
    }

    @Override
    public String kind() {
        return Pfifo.KIND;
    }

    @Override
    public Qdisc create() {
        return new Pfifo(limitPackets);
    }

    @Override
    public String usage() {
        return "pfifo [limit PACKETS] - tail-drop FIFO; limit in packets (default: "
                + (limitPackets > 0 ? limitPackets + " packets, configured" : "the device's txqueuelen") + ")";
    }
}
