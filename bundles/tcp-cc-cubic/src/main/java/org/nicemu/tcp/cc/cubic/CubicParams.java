package org.nicemu.tcp.cc.cubic;

/**
 * The module parameters of net/ipv4/tcp_cubic.c and the scaling factors {@code cubictcp_register()}
 * precomputes from them ({@code beta_scale}, {@code cube_rtt_scale}, {@code cube_factor}). Immutable;
 * an instance of {@link Cubic} keeps the parameters it was created with.
 *
 * <p>Differences from Linux: the kernel reads {@code fast_convergence}, {@code beta},
 * {@code tcp_friendliness} and the HyStart parameters live on every ACK (they are writable module
 * parameters) while {@code beta_scale} stays what it was at module load; here every value, derived
 * ones included, is fixed for the lifetime of a socket's instance and a configuration change applies
 * to instances created afterwards.
 */
public final class CubicParams {
    /** {@code BICTCP_BETA_SCALE}: beta is in units of 1/1024. */
    public static final int BICTCP_BETA_SCALE = 1024;
    /** {@code BICTCP_HZ}: the cubic function counts time in units of 2^-10 s. */
    public static final int BICTCP_HZ = 10;
    /** {@code HYSTART_ACK_TRAIN}: detection by the length of the ACK train. */
    public static final int HYSTART_ACK_TRAIN = 0x1;
    /** {@code HYSTART_DELAY}: detection by the increase of the RTT. */
    public static final int HYSTART_DELAY = 0x2;

    /** Defaults of the kernel's module parameters. */
    public static final CubicParams DEFAULTS = new CubicParams(true, 717, 41, true, true,
            HYSTART_ACK_TRAIN | HYSTART_DELAY, 16, 2000, 0);

    /** {@code fast_convergence}: lower Wmax when a loss comes before the previous Wmax was reached. */
    public final boolean fastConvergence;
    /** {@code beta}: multiplicative decrease factor in 1/1024 (717 = 0.7). */
    public final int beta;
    /** {@code bic_scale}: the cubic coefficient C in 1/1024 before the 100 ms RTT scaling (41 → C = 0.4). */
    public final int bicScale;
    /** {@code tcp_friendliness}: grow at least as fast as an emulated Reno flow. */
    public final boolean tcpFriendliness;
    /** {@code hystart}: hybrid slow start on/off. */
    public final boolean hystart;
    /** {@code hystart_detect}: bit set of {@link #HYSTART_ACK_TRAIN} and {@link #HYSTART_DELAY}. */
    public final int hystartDetect;
    /** {@code hystart_low_window}: HyStart acts only from this cwnd (packets) on. */
    public final int hystartLowWindow;
    /** {@code hystart_ack_delta_us}: largest ACK spacing (µs) that still counts as one train. */
    public final int hystartAckDeltaUs;
    /** {@code initial_ssthresh}: initial slow-start threshold in packets when HyStart is off; 0 = none. */
    public final int initialSsthresh;

    /** {@code beta_scale = 8 * (1024 + beta) / 3 / (1024 - beta)}: ACKs per Reno increase, scaled by 8. */
    public final long betaScale;
    /** {@code cube_rtt_scale = bic_scale * 10}: 1024 * C / RTT with the kernel's fixed 100 ms RTT. */
    public final long cubeRttScale;
    /** {@code cube_factor = 2^(10 + 3 * BICTCP_HZ) / (bic_scale * 10)}: K^3 per packet of (Wmax − cwnd). */
    public final long cubeFactor;

    CubicParams(boolean fastConvergence, int beta, int bicScale, boolean tcpFriendliness, boolean hystart,
            int hystartDetect, int hystartLowWindow, int hystartAckDeltaUs, int initialSsthresh) {
        this.fastConvergence = fastConvergence;
        this.beta = beta;
        this.bicScale = bicScale;
        this.tcpFriendliness = tcpFriendliness;
        this.hystart = hystart;
        this.hystartDetect = hystartDetect;
        this.hystartLowWindow = hystartLowWindow;
        this.hystartAckDeltaUs = hystartAckDeltaUs;
        this.initialSsthresh = initialSsthresh;
        // cubictcp_register()
        this.betaScale = 8L * (BICTCP_BETA_SCALE + beta) / 3 / (BICTCP_BETA_SCALE - beta);
        this.cubeRttScale = bicScale * 10L;
        this.cubeFactor = (1L << (10 + 3 * BICTCP_HZ)) / (bicScale * 10L);
    }

    /**
     * Validated parameters.
     *
     * @throws IllegalArgumentException naming the parameter and the accepted range
     */
    public static CubicParams of(boolean fastConvergence, int beta, int bicScale, boolean tcpFriendliness,
            boolean hystart, int hystartDetect, int hystartLowWindow, int hystartAckDeltaUs, int initialSsthresh) {
        check("beta", beta, 1, BICTCP_BETA_SCALE - 1, " (in 1/1024; 717 = 0.7)");
        check("bicScale", bicScale, 1, 1 << 20, " (in 1/1024; 41 = C of 0.4)");
        check("hystartDetect", hystartDetect, 0, 3, " (1 = ACK train, 2 = delay, 3 = both, 0 = none)");
        check("hystartLowWindow", hystartLowWindow, 0, Integer.MAX_VALUE, " packets");
        check("hystartAckDeltaUs", hystartAckDeltaUs, 0, Integer.MAX_VALUE, " microseconds");
        check("initialSsthresh", initialSsthresh, 0, Integer.MAX_VALUE, " packets (0 = none)");
        return new CubicParams(fastConvergence, beta, bicScale, tcpFriendliness, hystart, hystartDetect,
                hystartLowWindow, hystartAckDeltaUs, initialSsthresh);
    }

    private static void check(String name, int v, int min, int max, String what) {
        if (v < min || v > max) {
            throw new IllegalArgumentException("cubic: parameter '" + name + "' is " + v + "; accepted: " + min
                    + (max == Integer.MAX_VALUE ? " or more" : " to " + max) + what);
        }
    }

    @Override
    public String toString() {
        return "fastConvergence=" + fastConvergence + " beta=" + beta + " bicScale=" + bicScale + " tcpFriendliness="
                + tcpFriendliness + " hystart=" + hystart + " hystartDetect=" + hystartDetect + " hystartLowWindow="
                + hystartLowWindow + " hystartAckDeltaUs=" + hystartAckDeltaUs + " initialSsthresh=" + initialSsthresh;
    }
}
