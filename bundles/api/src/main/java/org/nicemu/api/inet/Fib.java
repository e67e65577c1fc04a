package org.nicemu.api.inet;

import java.util.ArrayList;
import java.util.List;

/**
 * The IPv4 forwarding table of one host ({@code RT_TABLE_MAIN}) with longest-prefix match, the
 * role of {@code fib_table_lookup()}. Plain data on the emulation loop; the IP layer decides what to
 * put in it (connected routes when addresses are added, static and default routes from {@code ip route}).
 */
public final class Fib {
    private final List<Route> routes = new ArrayList<>();

    /** Adds a route; a route with the same prefix, metric and device is an error (RTNETLINK: File exists). */
    public void add(Route r) {
        for (Route x : routes) {
            if (x.dst() == r.dst() && x.prefixLen() == r.prefixLen() && x.metric() == r.metric() && java.util.Objects.equals(x.dev(), r.dev())) {
                throw new IllegalArgumentException("route " + describe(r) + " exists already");
            }
        }
        routes.add(r);
    }

    /** Removes the route equal to {@code r}; false if there was none. */
    public boolean remove(Route r) {
        return routes.remove(r);
    }

    /** Removes every route through {@code dev} (the device went away or lost its address). */
    public void removeDev(String dev) {
        routes.removeIf(r -> dev.equals(r.dev()));
    }

    /** The routes in the order they were added. */
    public List<Route> routes() {
        return List.copyOf(routes);
    }

    /** fib_lookup(): the longest matching prefix, then the lowest metric; null when nothing matches. */
    public Route lookup(int daddr) {
        Route best = null;
        for (int i = 0; i < routes.size(); i++) {
            Route r = routes.get(i);
            if (!r.matches(daddr)) continue;
            if (best == null || r.prefixLen() > best.prefixLen() || (r.prefixLen() == best.prefixLen() && r.metric() < best.metric())) best = r;
        }
        return best;
    }

    /** {@code ip route} style text of one route. */
    public static String describe(Route r) {
        StringBuilder sb = new StringBuilder();
        if (r.type() != Route.Type.UNICAST) sb.append(r.type().name().toLowerCase(java.util.Locale.ROOT)).append(' ');
        sb.append(r.prefixLen() == 0 ? "default" : org.nicemu.api.wire.Ipv4Address.toString(r.dst()) + "/" + r.prefixLen());
        if (r.gateway() != 0) sb.append(" via ").append(org.nicemu.api.wire.Ipv4Address.toString(r.gateway()));
        if (r.dev() != null) sb.append(" dev ").append(r.dev());
        if (r.prefsrc() != 0) sb.append(" src ").append(org.nicemu.api.wire.Ipv4Address.toString(r.prefsrc()));
        if (r.metric() != 0) sb.append(" metric ").append(r.metric());
        return sb.toString();
    }
}
