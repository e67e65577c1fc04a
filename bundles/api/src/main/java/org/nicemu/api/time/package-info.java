/** Clocks of an emulation: virtual (discrete-event) and real time, in nanoseconds. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package org.nicemu.api.time;
