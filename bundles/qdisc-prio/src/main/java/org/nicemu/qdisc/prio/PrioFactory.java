package org.nicemu.qdisc.prio;

import java.util.LinkedHashMap;
import java.util.Map;

import org.nicemu.api.qdisc.Qdisc;
import org.nicemu.api.qdisc.QdiscFactory;
import org.nicemu.api.qdisc.QdiscParams;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The prio plugin: the role of {@code register_qdisc(&prio_qdisc_ops)} in net/sched/sch_prio.c.
 * Registered as a {@link QdiscFactory} with {@code qdisc.kind=prio}; configuration PID
 * {@value #PID}. A configuration change only affects instances created afterwards; it never
 * unregisters the service. An invalid configured default is reported, naming this PID, when an
 * instance is created.
 */
@Component(name = PrioFactory.PID, service = QdiscFactory.class, property = QdiscFactory.KIND + "=" + Prio.KIND)
@Designate(ocd = PrioFactory.Config.class)
public final class PrioFactory implements QdiscFactory {
    /** Configuration PID (= component name = bundle symbolic name). */
    public static final String PID = "org.nicemu.qdisc.prio";

    /** Defaults for new prio instances, used when tc does not give a value. */
    @ObjectClassDefinition(name = "nicemu prio qdisc", description = "Defaults for new prio instances (net/sched/sch_prio.c) when tc gives no value.")
    public @interface Config {
        @AttributeDefinition(name = "Bands", description = "Number of bands (classes :1..:bands), 2..16.", min = "2", max = "16")
        int bands() default 3;

        @AttributeDefinition(name = "Priomap", description = "Band of each skb priority 0..15 (16 numbers, each < bands).")
        String priomap() default "1 2 2 2 1 2 0 0 1 1 1 1 1 1 1 1";
    }

    private volatile QdiscParams defaults = QdiscParams.empty();

    @Activate
    @Modified
    void activate(Config config) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("bands", Integer.toString(config.bands()));
        if (config.priomap() != null && !config.priomap().isBlank()) m.put("priomap", config.priomap().trim());
        defaults = QdiscParams.of(m);
    }

    @Override
    public String kind() {
        return Prio.KIND;
    }

    @Override
    public Qdisc create() {
        return new Prio(defaults);
    }

    @Override
    public String usage() {
        return "prio [bands N (2..16)] [priomap P0 P1 .. P15 (band of each priority 0..15, each < bands)]"
                + " - strict priority over pfifo bands; defaults: " + (defaults.isEmpty() ? "bands 3 priomap 1 2 2 2 1 2 0 0 1 1 1 1 1 1 1 1" : defaults);
    }
}
