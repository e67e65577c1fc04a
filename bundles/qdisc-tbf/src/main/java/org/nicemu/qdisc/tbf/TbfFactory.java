package org.nicemu.qdisc.tbf;

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
 * The tbf plugin: the role of {@code register_qdisc(&tbf_qdisc_ops)} in net/sched/sch_tbf.c.
 * Registered as a {@link QdiscFactory} with {@code qdisc.kind=tbf}; configuration PID {@value #PID}.
 * The configuration gives defaults for parameters tc does not give; with the default configuration
 * (all 0) tc must give rate, burst and limit or latency, as with Linux's tc. A configuration change
 * only affects instances created afterwards and never unregisters the service. An invalid configured
 * default is reported, naming this PID, when an instance is created.
 */
@Component(name = TbfFactory.PID, service = QdiscFactory.class, property = QdiscFactory.KIND + "=" + Tbf.KIND)
@Designate(ocd = TbfFactory.Config.class)
public final class TbfFactory implements QdiscFactory {
    /** Configuration PID (= component name = bundle symbolic name). */
    public static final String PID = "org.nicemu.qdisc.tbf";

    /** Defaults for new tbf instances, used when tc does not give a value; 0 = no default. */
    @ObjectClassDefinition(name = "nicemu tbf qdisc", description = "Defaults for new tbf instances (net/sched/sch_tbf.c) when tc gives no value; 0 = no default (tc must give it).")
    public @interface Config {
        @AttributeDefinition(name = "Rate (bit/s)", description = "Token rate ('rate'); 0 = required on the tc line.", min = "0")
        long rateBitsPerSec() default 0;

        @AttributeDefinition(name = "Burst (bytes)", description = "Bucket size ('burst'); 0 = required on the tc line.", min = "0")
        long burstBytes() default 0;

        @AttributeDefinition(name = "Limit (bytes)", description = "Bytes that may wait in the queue ('limit'); used instead of the latency when > 0.", min = "0")
        long limitBytes() default 0;

        @AttributeDefinition(name = "Latency (microseconds)", description = "Longest wait ('latency'); limit = rate*latency + burst. 0 = no default.", min = "0")
        long latencyMicros() default 0;

        @AttributeDefinition(name = "Peak rate (bit/s)", description = "Peak rate ('peakrate'); 0 = no peak bucket.", min = "0")
        long peakrateBitsPerSec() default 0;

        @AttributeDefinition(name = "MTU / minburst (bytes)", description = "Peak bucket size ('mtu'), needed with a peak rate.", min = "0")
        long mtuBytes() default 0;
    }

    private volatile QdiscParams defaults = QdiscParams.empty();

    @Activate
    @Modified
    void activate(Config c) {
        Map<String, String> m = new LinkedHashMap<>();
        if (c.rateBitsPerSec() > 0) m.put("rate", c.rateBitsPerSec() + "bit");
        if (c.burstBytes() > 0) m.put("burst", Long.toString(c.burstBytes()));
        if (c.limitBytes() > 0) m.put("limit", Long.toString(c.limitBytes()));
        else if (c.latencyMicros() > 0) m.put("latency", c.latencyMicros() + "us");
        if (c.peakrateBitsPerSec() > 0) m.put("peakrate", c.peakrateBitsPerSec() + "bit");
        if (c.mtuBytes() > 0) m.put("mtu", Long.toString(c.mtuBytes()));
        defaults = QdiscParams.of(m);
    }

    @Override
    public String kind() {
        return Tbf.KIND;
    }

    @Override
    public Qdisc create() {
        return new Tbf(defaults);
    }

    @Override
    public String usage() {
        return "tbf rate RATE burst BYTES (limit BYTES | latency TIME) [peakrate RATE mtu BYTES] [mpu BYTES] [overhead BYTES]"
                + " - token bucket; RATE as 1mbit, 100kbit, 125kbps; BYTES as 1514, 10kb, 1mb; TIME as 50ms, 400us"
                + (defaults.isEmpty() ? "" : "; configured defaults: " + defaults);
    }
}
