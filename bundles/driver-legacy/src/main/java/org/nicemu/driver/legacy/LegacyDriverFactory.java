package org.nicemu.driver.legacy;

import java.util.HashMap;
import java.util.Map;

import org.nicemu.api.driver.DriverException;
import org.nicemu.api.driver.DriverFactory;
import org.nicemu.api.driver.NetDriver;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The DS component registering the legacy driver model ({@code nic.driver=legacy}), the role of a
 * {@code pci_driver} such as 8139too's registered with {@code pci_register_driver()}: each device
 * gets its own {@link LegacyDriver}. Config Admin (PID {@value #PID}) sets the defaults for new
 * instances; parameters given to {@link #create} override them.
 */
@Component(service = DriverFactory.class, property = DriverFactory.KIND + "=" + LegacyDriverFactory.KIND_LEGACY,
        configurationPid = LegacyDriverFactory.PID)
@Designate(ocd = LegacyDriverFactory.Config.class)
public final class LegacyDriverFactory implements DriverFactory {
    /** The value of {@code nic.driver}. */
    public static final String KIND_LEGACY = "legacy";
    /** The configuration PID. */
    public static final String PID = "org.nicemu.driver.legacy";

    /** Defaults of new legacy driver instances. */
    @ObjectClassDefinition(name = "nicemu legacy driver model",
            description = "Defaults for new instances of the single-queue, no-offload, no-NAPI driver (8139too style) and its fault knobs")
    public @interface Config {
        @AttributeDefinition(name = "TX descriptors used", description = "descriptors of the TX ring the driver uses, 1..65536 and at most the NIC's ring; 0 = the whole ring")
        int txRingDescriptors() default 0;

        @AttributeDefinition(name = "Force NETDEV_TX_BUSY every N calls", description = "every Nth ndo_start_xmit returns NETDEV_TX_BUSY; 0 = off, else 2..1000000000")
        int forceBusyEvery() default 0;

        @AttributeDefinition(name = "Stuck queue", description = "stop the TX queue and never wake it until set false")
        boolean stuckQueue() default false;

        @AttributeDefinition(name = "Drop every N skbs", description = "every Nth skb is freed with reason driver-drop; 0 = off")
        int dropEvery() default 0;
    }

    private volatile Map<String, String> defaults = Map.of();

    /** A factory with built-in defaults (no Config Admin), for tests and embedding. */
    public LegacyDriverFactory() {
    }

    @Activate
    @Modified
    void configure(Config c) {
        Map<String, String> m = new HashMap<>();
        m.put(LegacyParams.TX_RING_DESCRIPTORS, Integer.toString(c.txRingDescriptors()));
        m.put(LegacyParams.FORCE_BUSY_EVERY, Integer.toString(c.forceBusyEvery()));
        m.put(LegacyParams.STUCK_QUEUE, Boolean.toString(c.stuckQueue()));
        m.put(LegacyParams.DROP_EVERY, Integer.toString(c.dropEvery()));
        defaults = Map.copyOf(m);
    }

    @Override
    public String kind() { return KIND_LEGACY; }

    @Override
    public NetDriver create(Map<String, String> params) throws DriverException {
        LegacyParams.parse(params); // report a bad given parameter as such, before merging defaults
        Map<String, String> m = new HashMap<>(defaults);
        m.putAll(params);
        return new LegacyDriver(LegacyParams.parse(m));
    }

    @Override
    public String usage() { return LegacyParams.USAGE; }
}
