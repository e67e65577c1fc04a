package org.nicemu.tcp;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.nicemu.api.emu.Host;
import org.nicemu.api.sock.Proto;
import org.nicemu.api.sock.TransportFactory;
import org.nicemu.api.tcp.cc.TcpCongestionFactory;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The TCP bundle's component: registers the {@link TransportFactory} for {@code net.proto=tcp}
 * (the role of {@code inet_init()} registering {@code tcp_prot}) and tracks the congestion-control
 * services ({@code tcp.cc=...}, as {@code tcp_register_congestion_control()}). When an algorithm
 * goes away its sockets move to the default on their loop before the unbind returns; when it comes
 * back, sockets that wanted it get it again.
 */
@Component(service = TransportFactory.class, property = TransportFactory.KIND + "=tcp")
public final class TcpComponent implements TransportFactory {
    private final Map<String, TcpCongestionFactory> ccs = new ConcurrentHashMap<>();
    private final List<TcpProto> protos = new CopyOnWriteArrayList<>();

    @Override
    public int protocol() { return 6; }

    @Override
    public Proto create(Host host) {
        TcpProto[] self = new TcpProto[1];
        self[0] = new TcpProto(host, ccs, () -> protos.remove(self[0]));
        protos.add(self[0]);
        return self[0];
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void addCc(TcpCongestionFactory f) {
        ccs.put(f.name(), f);
        onLoops(p -> p.ccBack(f.name()));
    }

    public void removeCc(TcpCongestionFactory f) {
        if (!ccs.remove(f.name(), f)) return;
        onLoops(p -> p.ccGone(f.name()));
    }

    @Deactivate
    void deactivate() {
        protos.clear();
    }

    /** Runs {@code action} on each host's loop and waits (at most 5 s each), as DESIGN §6 asks of unbinds. */
    private void onLoops(java.util.function.Consumer<TcpProto> action) {
        for (TcpProto p : protos) {
            Runnable r = () -> {
                try {
                    action.accept(p);
                } catch (RuntimeException e) {
                    System.err.println("nicemu: tcp: " + e);
                }
            };
            try {
                if (!p.host().loop().runAndWait(r, 5000)) System.err.println("nicemu: tcp: loop of " + p.host().name() + " did not answer in 5 s");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
