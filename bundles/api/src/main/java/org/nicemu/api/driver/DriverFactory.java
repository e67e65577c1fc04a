package org.nicemu.api.driver;

import java.util.Map;

import org.osgi.annotation.versioning.ConsumerType;

/** An OSGi service that makes driver instances of one model (the role of a registered {@code pci_driver}). */
@ConsumerType
public interface DriverFactory {
    /** Service property naming the driver model, e.g. {@code nic.driver=generic}. */
    String KIND = "nic.driver";

    String kind();

    /** A new driver instance with the given parameters; rejects unknown or bad ones. */
    NetDriver create(Map<String, String> params) throws DriverException;

    /** One line of help: the accepted parameters with their units. */
    String usage();
}
