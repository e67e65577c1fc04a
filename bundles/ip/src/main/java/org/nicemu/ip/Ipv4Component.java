package org.nicemu.ip;

import org.nicemu.api.emu.Host;
import org.nicemu.api.inet.InetNs;
import org.nicemu.api.inet.Ipv4Layer;
import org.nicemu.api.inet.Ipv4LayerFactory;
import org.osgi.service.component.annotations.Component;

/**
 * The IPv4 layer service ({@code net.layer=ipv4}): makes one {@link Ipv4LayerImpl} per host, the
 * role of {@code inet_init()} registering {@code ip_packet_type} and {@code arp_packet_type}
 * (the core registers the handlers of the layer it gets from here).
 */
@Component(service = Ipv4LayerFactory.class, property = Ipv4LayerFactory.KIND + "=ipv4")
public final class Ipv4Component implements Ipv4LayerFactory {
    @Override
    public Ipv4Layer create(Host host, InetNs ns) {
        return new Ipv4LayerImpl(host, ns);
    }
}
