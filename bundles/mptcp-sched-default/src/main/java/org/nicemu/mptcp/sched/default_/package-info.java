/**
 * The multipath-tcp.org default MPTCP scheduler (net/mptcp/mptcp_sched.c {@code mptcp_sched_default},
 * lowest RTT first) as a plugin bundle: one DS component providing
 * {@link org.nicemu.api.mptcp.sched.MptcpSchedulerFactory} with {@code mptcp.scheduler=default}.
 * The package is {@code default_} because {@code default} is a Java keyword (JLS §6.1); the bundle
 * symbolic name is {@code org.nicemu.mptcp.sched.default}. Private package; only the service is visible.
 */
package org.nicemu.mptcp.sched.default_;
