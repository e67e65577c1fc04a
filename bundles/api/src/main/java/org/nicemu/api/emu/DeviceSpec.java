package org.nicemu.api.emu;

import java.util.Map;

import org.nicemu.api.nic.NicConfig;

/**
 * What a device is made of: its name, the NIC hardware, the driver model with its parameters, and
 * the XPS map (CPU → TX queue; empty for none).
 */
public record DeviceSpec(String name, NicConfig nic, String driver, Map<String, String> driverParams, int[] xpsCpuToQueue) {
    public DeviceSpec {
        if (name == null || !name.matches("[A-Za-z0-9_.-]{1,15}")) {
            throw new IllegalArgumentException("device name must be 1-15 characters of letters, digits, '_', '.', '-'; got '" + name + "'");
        }
        driverParams = Map.copyOf(driverParams == null ? Map.of() : driverParams);
        xpsCpuToQueue = xpsCpuToQueue == null ? new int[0] : xpsCpuToQueue.clone();
    }
}
