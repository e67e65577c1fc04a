/**
 * The ECF MPTCP scheduler (net/mptcp/mptcp_ecf.c; Lim, Nahum, Towsley, Gibbens, CoNEXT 2017) as a
 * plugin bundle: one DS component providing {@link org.nicemu.api.mptcp.sched.MptcpSchedulerFactory}
 * with {@code mptcp.scheduler=ecf}.
 */
package org.nicemu.mptcp.sched.ecf;
