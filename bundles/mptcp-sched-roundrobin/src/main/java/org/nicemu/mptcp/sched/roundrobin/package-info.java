/**
 * The round-robin MPTCP scheduler (net/mptcp/mptcp_rr.c of multipath-tcp.org) as a plugin bundle: one
 * DS component providing {@link org.nicemu.api.mptcp.sched.MptcpSchedulerFactory} with
 * {@code mptcp.scheduler=roundrobin}. Private package.
 */
package org.nicemu.mptcp.sched.roundrobin;
