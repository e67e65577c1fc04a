/**
 * The redundant MPTCP scheduler (net/mptcp/mptcp_redundant.c of multipath-tcp.org v0.95) as a plugin
 * bundle: one DS component providing {@link org.nicemu.api.mptcp.sched.MptcpSchedulerFactory} with
 * {@code mptcp.scheduler=redundant}. Private package.
 */
package org.nicemu.mptcp.sched.redundant;
