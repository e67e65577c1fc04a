/**
 * The TCP bundle (net/ipv4/tcp*.c): so far its self-contained building blocks, which the connection
 * state machine uses: {@link org.nicemu.tcp.TcpSeq} (sequence arithmetic),
 * {@link org.nicemu.tcp.RttEstimator} (RFC 6298 as {@code tcp_rtt_estimator()}/{@code tcp_set_rto()}),
 * {@link org.nicemu.tcp.SackScoreboard} (the retransmit queue's SACK scoreboard, RFC 6675 loss
 * detection) and {@link org.nicemu.tcp.WindowMath} (window selection, scaling, MSS and size goal).
 * Private package.
 */
package org.nicemu.tcp;
