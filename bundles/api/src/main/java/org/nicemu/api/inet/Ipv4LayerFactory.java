package org.nicemu.api.inet;

import org.nicemu.api.emu.Host;
import org.osgi.annotation.versioning.ConsumerType;

/** An OSGi service that makes the IPv4 layer of each host; registered with {@value #KIND}={@code ipv4}. */
@ConsumerType
public interface Ipv4LayerFactory {
    String KIND = "net.layer";

    /** A layer for {@code host} working on its IPv4 state {@code ns}. */
    Ipv4Layer create(Host host, InetNs ns);
}
