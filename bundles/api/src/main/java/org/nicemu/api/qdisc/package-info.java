/** The queueing discipline SPI, shaped like struct Qdisc_ops (include/net/sch_generic.h). */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.nicemu.api.qdisc;
