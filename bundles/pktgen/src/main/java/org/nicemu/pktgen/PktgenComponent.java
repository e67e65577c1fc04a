package org.nicemu.pktgen;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.nicemu.api.emu.Device;
import org.nicemu.api.emu.PktgenService;
import org.nicemu.api.exec.EventLoop;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * The packet generator service: Linux net/core/pktgen.c in {@code xmit_mode queue_xmit}, where
 * frames enter the stack at {@code dev_queue_xmit()} and so meet the device's queue selection,
 * qdisc, driver and NIC. Each {@link #start} makes a {@link PktgenDev} (the kernel's
 * {@code struct pktgen_dev}) paced by a timer on the emulation's loop.
 *
 * <p>When this bundle stops, {@link #deactivate()} stops every running generator on its loop and
 * waits for that, so none of this bundle's code is left armed in an emulation (DESIGN §6).
 */
@Component(service = PktgenService.class)
public final class PktgenComponent implements PktgenService {
    /** How long deactivation waits for a loop to stop a generator before giving up on it. */
    private static final long STOP_WAIT_MILLIS = 5_000;

    private final Set<PktgenDev> running = ConcurrentHashMap.newKeySet();

    /**
     * Starts a generator on {@code device}; must be called on the device's emulation loop. The
     * first frame departs {@code start} after the current emulated time, never within this call.
     *
     * @throws IllegalArgumentException a bad name or parameter; the message names it and what is accepted
     * @throws IllegalStateException    when called off the loop thread
     */
    @Override
    public Generator start(Device device, String name, Map<String, String> params) {
        Objects.requireNonNull(device, "device");
        if (name == null || name.isBlank()) throw new IllegalArgumentException("pktgen: a generator needs a non-empty name");
        EventLoop loop = device.host().loop();
        if (!loop.inLoop()) {
            throw new IllegalStateException("pktgen: start generator '" + name + "' on the emulation's loop thread (Emulation.call)");
        }
        PktgenParams p = PktgenParams.parse(device, params);
        PktgenDev[] self = new PktgenDev[1];
        PktgenDev g = new PktgenDev(name, device, p, () -> running.remove(self[0]));
        self[0] = g;
        running.add(g);
        g.begin();
        return g;
    }

    @Override
    public String usage() {
        return PktgenParams.usage();
    }

    /** Generators started by this service and not yet done. */
    List<Generator> running() {
        return List.copyOf(running);
    }

    /**
     * Stops every running generator on its own loop and waits until each loop did so. A loop that
     * does not answer within a few seconds (a closed emulation) is not waited for any longer.
     */
    @Deactivate
    void deactivate() {
        for (PktgenDev g : List.copyOf(running)) {
            EventLoop loop = g.device().host().loop();
            if (loop.inLoop()) {
                g.stop();
                continue;
            }
            CountDownLatch latch = new CountDownLatch(1);
            loop.post(() -> {
                try {
                    g.stop();
                } finally {
                    latch.countDown();
                }
            });
            try {
                latch.await(STOP_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        running.clear();
    }
}
