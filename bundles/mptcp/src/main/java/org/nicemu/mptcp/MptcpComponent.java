package org.nicemu.mptcp;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.nicemu.api.emu.Host;
import org.nicemu.api.mptcp.sched.MptcpSchedOps;
import org.nicemu.api.mptcp.sched.MptcpSchedulerFactory;
import org.nicemu.api.sock.Proto;
import org.nicemu.api.sock.TransportFactory;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The MPTCP bundle's component: registers the {@link TransportFactory} for {@code net.proto=mptcp}
 * (IPPROTO_MPTCP, the role of {@code mptcp_proto_init()}) and tracks the scheduler services
 * ({@code mptcp.scheduler=NAME}, as {@code mptcp_register_scheduler()}). When a scheduler goes away
 * its connections move to {@code default} on their loop before the unbind returns; when it comes
 * back, connections that wanted it get it again.
 */
@Component(service = TransportFactory.class, property = TransportFactory.KIND + "=mptcp")
public final class MptcpComponent implements TransportFactory {
    private final Map<String, MptcpSchedulerFactory> schedulers = new ConcurrentHashMap<>();
    private final List<MptcpProto> protos = new CopyOnWriteArrayList<>();

    @Override
    public int protocol() { return MptcpProto.IPPROTO_MPTCP; }

    @Override
    public Proto create(Host host) {
        MptcpProto[] self = new MptcpProto[1];
        self[0] = new MptcpProto(host, this::newScheduler, () -> protos.remove(self[0]));
        protos.add(self[0]);
        return self[0];
    }

    private MptcpSchedOps newScheduler(String name) {
        MptcpSchedulerFactory f = schedulers.get(name);
        if (f == null) return null;
        try {
            return f.create();
        } catch (RuntimeException e) {
            System.err.println("nicemu: mptcp: scheduler " + name + " could not be created: " + e);
            return null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    public void addScheduler(MptcpSchedulerFactory f) {
        schedulers.put(f.name(), f);
        onLoops(p -> p.schedBack(f.name()));
    }

    public void removeScheduler(MptcpSchedulerFactory f) {
        if (!schedulers.remove(f.name(), f)) return;
        onLoops(p -> p.schedGone(f.name()));
    }

    @Deactivate
    void deactivate() {
        protos.clear();
    }

    /** Runs {@code action} on each host's loop and waits (at most 5 s each), as DESIGN §6 asks of unbinds. */
    private void onLoops(Consumer<MptcpProto> action) {
        for (MptcpProto p : protos) {
            Runnable r = () -> {
                try {
                    action.accept(p);
                } catch (RuntimeException e) {
                    System.err.println("nicemu: mptcp: " + e);
                }
            };
            try {
                if (!p.host().loop().runAndWait(r, 5000)) System.err.println("nicemu: mptcp: loop of " + p.host().name() + " did not answer in 5 s");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
