package org.nicemu.pktgen;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.nicemu.api.emu.Device;
import org.nicemu.api.emu.PktgenService;
import org.nicemu.api.exec.EventLoop;
import org.nicemu.api.exec.Timer;
import org.nicemu.api.qdisc.NetXmit;
import org.nicemu.api.skb.SkBuff;
import org.nicemu.api.skb.SkbAllocator;
import org.nicemu.api.wire.EthernetHeader;
import org.nicemu.api.wire.Ipv4Header;
import org.nicemu.api.wire.UdpHeader;

/**
 * One running generator on one device, mirroring {@code struct pktgen_dev} of net/core/pktgen.c
 * driven in {@code xmit_mode queue_xmit}: every frame is built afresh ({@code fill_packet_ipv4()})
 * and handed to {@link Device#devQueueXmit} ({@code pktgen_xmit()}), so it takes the whole device
 * path: queue selection, qdisc, driver, NIC.
 *
 * <p>Differences from Linux, deliberately: there is no kernel thread spinning or sleeping
 * ({@code spin()}); a reusable loop {@link Timer} fires at each departure time of an exact
 * integer schedule ({@link Pacer}); every attempt counts towards {@code count} (a frame refused
 * with NET_XMIT_DROP/CN is an error and is not retried), and the pktgen sequence number and the IP
 * ID advance per attempt, so a receiver sees local drops as gaps. The payload timestamp comes
 * from the emulation clock, not the wall clock.
 *
 * <p>Loop thread only, except {@link #stop()}, which posts itself to the loop when called from
 * another thread. Steady state allocates nothing but the skb, which the host's allocator pools.
 */
final class PktgenDev implements PktgenService.Generator, Runnable {
    /** Headroom reserved in front of the Ethernet header, the role of LL_RESERVED_SPACE(dev). */
    static final int LL_RESERVE = 64;

    private final String name;
    private final Device device;
    private final EventLoop loop;
    private final SkbAllocator allocator;
    private final PktgenParams p;
    private final Timer timer;
    private final Pacer pacer;
    private final Runnable onFinish;
    private final long startNanos;

    /** Frames attempted so far: the index of the next frame. */
    private long attempts;
    /** pkt_dev->sofar: frames accepted by dev_queue_xmit(). */
    private long sofar;
    /** pkt_dev->errors: frames refused (NET_XMIT_DROP / NET_XMIT_CN). */
    private long errors;
    /** pkt_dev->tx_bytes: bytes of the accepted frames. */
    private long txBytes;
    private long lastNanos = -1;
    private int flow;
    private boolean stopped;
    private boolean finished;

    PktgenDev(String name, Device device, PktgenParams params, Runnable onFinish) {
        this.name = name;
        this.device = device;
        this.loop = device.host().loop();
        this.allocator = device.host().allocator();
        this.p = params;
        this.onFinish = onFinish;
        this.startNanos = loop.now() + params.startOffsetNanos;
        this.pacer = new Pacer(startNanos, params.intervalNum, params.intervalDen);
        this.timer = loop.newTimer("pktgen:" + name, this);
    }

    /** Arms the first departure (pktgen_run()). */
    void begin() {
        if (p.count == 0 || attempts < p.count) timer.arm(pacer.next());
        else finish();
    }

    /** The timer action: one departure (pktgen_xmit()), then the next one is armed. */
    @Override
    public void run() {
        if (stopped) return;
        pktgenXmit();
        pacer.advance();
        if (p.count != 0 && attempts >= p.count) finish();
        else timer.arm(pacer.next());
    }

    /**
     * Mirrors {@code pktgen_xmit()} in queue_xmit mode: builds the frame and gives it to
     * {@code dev_queue_xmit()}; NET_XMIT_SUCCESS counts in sofar and tx_bytes, any other code in
     * errors. The skb belongs to the device layer afterwards in both cases.
     */
    private void pktgenXmit() {
        long now = loop.now();
        SkBuff skb = fillPacketIpv4(now);
        lastNanos = now;
        int ret = device.devQueueXmit(skb);
        if ((ret & NetXmit.NET_XMIT_MASK) == NetXmit.NET_XMIT_SUCCESS) {
            sofar++;
            txBytes += p.pktSize;
        } else {
            errors++;
        }
    }

    /**
     * Mirrors {@code fill_packet_ipv4()}: an skb with LL_RESERVE bytes of headroom holding Ethernet,
     * IPv4 (DF, TTL 64, incrementing ID, header checksum), UDP (port of this frame's flow, checksum
     * per {@code csum}) and a payload that starts with {@code struct pktgen_hdr} (magic, sequence
     * number, timestamp in seconds and microseconds of the emulation clock) followed by zeros.
     */
    private SkBuff fillPacketIpv4(long now) {
        PktgenParams c = p;
        int size = c.pktSize;
        long n = attempts++;
        SkBuff skb = allocator.allocSkb(LL_RESERVE + size);
        skb.reserve(LL_RESERVE);
        int eth = skb.put(size);
        byte[] b = skb.head();
        int ip = eth + EthernetHeader.ETH_HLEN;
        int udp = ip + Ipv4Header.MIN_LEN;
        int pl = udp + UdpHeader.LEN;
        int udpLen = size - EthernetHeader.ETH_HLEN - Ipv4Header.MIN_LEN;

        EthernetHeader.write(b, eth, c.dstMac, c.srcMac, EthernetHeader.ETH_P_IP);

        // struct pktgen_hdr, then zeros (pooled buffers hold old bytes)
        putBe32(b, pl, PktgenParams.PKTGEN_MAGIC);
        putBe32(b, pl + 4, (int) (n + 1));
        putBe32(b, pl + 8, (int) (now / 1_000_000_000L));
        putBe32(b, pl + 12, (int) (now % 1_000_000_000L / 1_000L));
        Arrays.fill(b, pl + PktgenParams.PKTGEN_HDR_LEN, eth + size, (byte) 0);

        UdpHeader.write(b, udp, c.udpSrcMin + flow, c.udpDst, udpLen);
        if (++flow == c.flows) flow = 0;
        Ipv4Header.write(b, ip, c.tos, size - EthernetHeader.ETH_HLEN, (int) n & 0xffff, Ipv4Header.IP_DF,
                Ipv4Header.IPDEFTTL, Ipv4Header.IPPROTO_UDP, c.srcIp, c.dstIp);

        skb.resetMacHeader();
        skb.setNetworkHeader(EthernetHeader.ETH_HLEN);
        skb.setTransportHeader(EthernetHeader.ETH_HLEN + Ipv4Header.MIN_LEN);
        switch (c.csum) {
            case SW:
                UdpHeader.setChecksum(b, udp, c.srcIp, c.dstIp, udpLen);
                break;
            case OFFLOAD:
                UdpHeader.setPartialChecksum(b, udp, c.srcIp, c.dstIp, udpLen);
                skb.ipSummed = SkBuff.CHECKSUM_PARTIAL;
                skb.csumStart = skb.transportHeader;
                skb.csumOffset = UdpHeader.CHECK;
                break;
            default:
                break; // NONE: the zero UDP.write left
        }
        skb.protocol = EthernetHeader.ETH_P_IP;
        skb.priority = c.priority;
        skb.senderCpu = c.cpu;
        return skb;
    }

    private static void putBe32(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    private void finish() {
        if (finished) return;
        finished = true;
        timer.cancel();
        onFinish.run();
    }

    @Override
    public String name() {
        return name;
    }

    /** True when {@code count} frames were attempted (handed over or refused), or after {@link #stop()}. */
    @Override
    public boolean done() {
        return finished;
    }

    /** Mirrors {@code pktgen_stop_device()}: cancels the timer; frames already handed over go on. */
    @Override
    public void stop() {
        if (!loop.inLoop()) {
            loop.post(this::stop);
            return;
        }
        stopped = true;
        finish();
    }

    /**
     * Counters as pktgen's "Result:" line reports them: sofar, errors, bytes, plus the applied
     * settings (count, pkt_size, flows, rate_bps or rate_pps) and the emulated times of the first
     * scheduled and the last departure (last_ns is -1 before the first frame).
     */
    @Override
    public Map<String, Long> stats() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("sofar", sofar);
        m.put("errors", errors);
        m.put("bytes", txBytes);
        m.put("count", p.count);
        m.put("pkt_size", (long) p.pktSize);
        m.put("flows", (long) p.flows);
        if (p.ratePps != 0) m.put("rate_pps", p.ratePps);
        else m.put("rate_bps", p.rateBitsPerSec);
        m.put("start_ns", startNanos);
        m.put("last_ns", lastNanos);
        m.put("running", finished ? 0L : 1L);
        return m;
    }

    /** The settings this generator applies. */
    Map<String, String> params() {
        return p.asMap();
    }

    /** The device it sends on. */
    Device device() {
        return device;
    }

    @Override
    public String toString() {
        return "pktgen " + name + " on " + device.host().name() + "/" + device.name() + " sofar=" + sofar + " errors=" + errors;
    }
}
