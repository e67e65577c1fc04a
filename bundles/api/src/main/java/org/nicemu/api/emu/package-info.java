/** Management view of emulations, hosts and devices, used by the shell, scenarios and tests. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.5.0")
package org.nicemu.api.emu;
