/**
 * The BLEST MPTCP scheduler (net/mptcp/mptcp_blest.c; Ferlin, Alay, Mehani, Boreli, IFIP Networking
 * 2016) as a plugin bundle: one DS component providing
 * {@link org.nicemu.api.mptcp.sched.MptcpSchedulerFactory} with {@code mptcp.scheduler=blest}.
 */
package org.nicemu.mptcp.sched.blest;
