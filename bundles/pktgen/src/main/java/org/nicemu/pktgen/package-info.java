/**
 * The packet generator bundle: net/core/pktgen.c in queue_xmit mode as a DS component providing
 * {@link org.nicemu.api.emu.PktgenService}. Private package; only the service is visible.
 */
package org.nicemu.pktgen;
