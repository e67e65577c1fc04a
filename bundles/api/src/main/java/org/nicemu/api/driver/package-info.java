/** The driver SPI, shaped like struct net_device_ops plus NAPI, and the device services a driver calls. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.3.0")
package org.nicemu.api.driver;
