package org.nicemu.qdisc.bfifo;

import org.nicemu.api.qdisc.Qdisc;
import org.nicemu.api.qdisc.QdiscFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The bfifo plugin: the role of {@code register_qdisc(&bfifo_qdisc_ops)} in net/sched/sch_fifo.c.
 * Registered as a {@link QdiscFactory} with {@code qdisc.kind=bfifo}; configuration PID
 * {@value #PID}. A configuration change only affects instances created afterwards; it never
 * unregisters the service (so running instances are not swapped out).
 */
@Component(name = BfifoFactory.PID, service = QdiscFactory.class, property = QdiscFactory.KIND + "=" + Bfifo.KIND)
@Designate(ocd = BfifoFactory.Config.class)
public final class BfifoFactory implements QdiscFactory {
    /** Configuration PID (= component name = bundle symbolic name). */
    public static final String PID = "org.nicemu.qdisc.bfifo";

    /** Defaults for new bfifo instances, used when tc does not give a value. */
    @ObjectClassDefinition(name = "nicemu bfifo qdisc", description = "Defaults for new bfifo instances (net/sched/sch_fifo.c) when tc gives no value.")
    public @interface Config {
        @AttributeDefinition(name = "Limit (bytes)", description = "Byte limit of a new bfifo; 0 = txqueuelen * (mtu + link-layer header) of the device (Linux's default).", min = "0")
        long limitBytes() default 0;
    }

    private volatile long limitBytes;

    @Activate
    @Modified
    void activate(Config config) {
        limitBytes = Math.max(0, config.limitBytes());
    }

    @Override
    public String kind() {
        return Bfifo.KIND;
    }

    @Override
    public Qdisc create() {
        return new Bfifo(limitBytes);
    }

    @Override
    public String usage() {
        return "bfifo [limit BYTES] - tail-drop FIFO; limit as a size: 1514, 1500b, 10kb, 2mb, 64kbit (default: "
                + (limitBytes > 0 ? limitBytes + " bytes, configured" : "txqueuelen * (mtu + 14)") + ")";
    }
}
