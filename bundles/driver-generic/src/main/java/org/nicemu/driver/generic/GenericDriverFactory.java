package org.nicemu.driver.generic;

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
 * The DS component registering the generic driver model ({@code nic.driver=generic}), the role of
 * a {@code pci_driver} registered with {@code pci_register_driver()}: every device bound to it gets
 * its own {@link GenericDriver}. Config Admin (PID {@value #PID}) sets the defaults for new
 * instances; parameters given to {@link #create} override them.
 */
@Component(service = DriverFactory.class, property = DriverFactory.KIND + "=" + GenericDriverFactory.KIND_GENERIC,
        configurationPid = GenericDriverFactory.PID)
@Designate(ocd = GenericDriverFactory.Config.class)
public final class GenericDriverFactory implements DriverFactory {
    /** The value of {@code nic.driver}. */
    public static final String KIND_GENERIC = "generic";
    /** The configuration PID. */
    public static final String PID = "org.nicemu.driver.generic";

    /** Defaults of new generic driver instances. */
    @ObjectClassDefinition(name = "nicemu generic driver model",
            description = "Defaults for new instances of the generic multi-queue driver (ixgbe/mlx5 style, NAPI, BQL, RSS)")
    public @interface Config {
        @AttributeDefinition(name = "TX interrupt coalescing time (µs)",
                description = "ethtool -C tx-usecs, 0..1000000 microseconds; -1 keeps the NIC's configured value")
        long txCoalesceUsecs() default -1;

        @AttributeDefinition(name = "TX interrupt coalescing count (completions)",
                description = "ethtool -C tx-frames, 0..65535 completions; -1 keeps the NIC's configured value")
        int txCoalesceFrames() default -1;

        @AttributeDefinition(name = "Byte queue limits", description = "BQL (dynamic queue limits) on the TX queues")
        boolean bql() default true;

        @AttributeDefinition(name = "RX interrupt coalescing time (µs)",
                description = "ethtool -C rx-usecs, 0..1000000 microseconds; -1 keeps the NIC's value (0)")
        long rxCoalesceUsecs() default -1;

        @AttributeDefinition(name = "RX interrupt coalescing count (frames)",
                description = "ethtool -C rx-frames, 0..65535 frames; -1 keeps the NIC's value (0)")
        int rxCoalesceFrames() default -1;
    }

    private volatile Map<String, String> defaults = Map.of();

    /** A factory with built-in defaults (no Config Admin), for tests and embedding. */
    public GenericDriverFactory() {
    }

    @Activate
    @Modified
    void configure(Config c) {
        Map<String, String> m = new HashMap<>();
        if (c.txCoalesceUsecs() >= 0) m.put(GenericParams.TX_COALESCE_USECS, Long.toString(c.txCoalesceUsecs()));
        if (c.txCoalesceFrames() >= 0) m.put(GenericParams.TX_COALESCE_FRAMES, Integer.toString(c.txCoalesceFrames()));
        m.put(GenericParams.BQL, Boolean.toString(c.bql()));
        if (c.rxCoalesceUsecs() >= 0) m.put(GenericParams.RX_COALESCE_USECS, Long.toString(c.rxCoalesceUsecs()));
        if (c.rxCoalesceFrames() >= 0) m.put(GenericParams.RX_COALESCE_FRAMES, Integer.toString(c.rxCoalesceFrames()));
        defaults = Map.copyOf(m);
    }

    @Override
    public String kind() { return KIND_GENERIC; }

    @Override
    public NetDriver create(Map<String, String> params) throws DriverException {
        GenericParams.parse(params); // report a bad given parameter as such, before merging defaults
        Map<String, String> m = new HashMap<>(defaults);
        m.putAll(params);
        return new GenericDriver(GenericParams.parse(m));
    }

    @Override
    public String usage() { return GenericParams.USAGE; }
}
