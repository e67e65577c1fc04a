package org.nicemu.api.emu;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Executes management commands in the style of iproute2 and friends on one host of an emulation,
 * the way a user types them in a shell: {@code tc qdisc replace dev eth0 root tbf rate 1gbit burst
 * 64kb latency 10ms}, {@code tc -s qdisc show dev eth0}, {@code ip -s link}, {@code ethtool -S eth0},
 * {@code sysctl -w net.core.dev_weight=32}, {@code pktgen start g1 dev eth0 count 1000},
 * {@code capture eth0 pcap file out.pcap}, {@code counters}, {@code run 10ms}, {@code pause} ...
 * ({@code help} lists them all, docs/shell.md describes each).
 *
 * <p>Host and device state is only touched on the emulation's loop thread (through
 * {@link Emulation#call}); this service may be called from any thread, including the loop thread
 * itself (then the work runs in place). {@code run DURATION} blocks the caller until the emulated
 * time was reached and must not be called on the loop thread.
 */
@ProviderType
public interface Commands {
    /**
     * Executes one command line.
     *
     * @param emu  the emulation to act on; may be null for {@code help} only
     * @param host the host the command applies to; may be null when the emulation has exactly one
     *             host or the command does not need one ({@code run}, {@code pause}, {@code help})
     * @param line the command line, words separated by blanks; single or double quotes group words
     * @return the output as the real tool would print it (compact), possibly empty, never null
     * @throws IllegalArgumentException bad input (unknown command, unknown device, bad parameter,
     *                                  unknown qdisc kind ...): ONE message naming what was wrong and
     *                                  what is accepted; nothing was changed then
     * @throws IllegalStateException    the emulation is closed or a runtime step failed
     */
    String execute(Emulation emu, String host, String line);
}
