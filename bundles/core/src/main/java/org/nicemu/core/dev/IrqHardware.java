package org.nicemu.core.dev;

import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import org.nicemu.api.nic.NicConfig;
import org.nicemu.api.nic.NicHardware;
import org.nicemu.api.skb.SkBuff;

/**
 * The NIC as a driver sees it, with {@code request_irq()} routed through the core so that the
 * handler runs in hard-IRQ context on the device's IRQ CPU (the role of the kernel's IRQ layer).
 */
final class IrqHardware implements NicHardware {
    private final NicHardware hw;
    private final UnaryOperator<Runnable> irqWrapper;

    IrqHardware(NicHardware hw, UnaryOperator<Runnable> irqWrapper) {
        this.hw = hw;
        this.irqWrapper = irqWrapper;
    }

    @Override public NicConfig config() { return hw.config(); }
    @Override public int txRingFree(int queue) { return hw.txRingFree(queue); }
    @Override public boolean txPost(int queue, SkBuff skb) { return hw.txPost(queue, skb); }
    @Override public void txDoorbell(int queue) { hw.txDoorbell(queue); }
    @Override public SkBuff txReclaim(int queue) { return hw.txReclaim(queue); }
    @Override public void txFlush(int queue, Consumer<SkBuff> sink) { hw.txFlush(queue, sink); }
    @Override public int rxRingFree(int queue) { return hw.rxRingFree(queue); }
    @Override public boolean rxPost(int queue, SkBuff emptySkb) { return hw.rxPost(queue, emptySkb); }
    @Override public SkBuff rxReclaim(int queue) { return hw.rxReclaim(queue); }
    @Override public void rxFlush(int queue, Consumer<SkBuff> sink) { hw.rxFlush(queue, sink); }
    @Override public void setRxCoalesce(long usecs, int frames) { hw.setRxCoalesce(usecs, frames); }
    @Override public void setRssQueues(int n) { hw.setRssQueues(n); }
    @Override public void requestIrq(Runnable handler) { hw.requestIrq(irqWrapper.apply(handler)); }
    @Override public void freeIrq() { hw.freeIrq(); }
    @Override public void irqEnable() { hw.irqEnable(); }
    @Override public void irqDisable() { hw.irqDisable(); }
    @Override public void setTxCoalesce(long usecs, int frames) { hw.setTxCoalesce(usecs, frames); }
    @Override public boolean linkUp() { return hw.linkUp(); }
    @Override public Map<String, Long> ethtoolStats() { return hw.ethtoolStats(); }
}
