package org.nicemu.apps;

/**
 * The application contract on the real stack with generic receive offload on both devices and
 * 50 µs RX/TX interrupt coalescing: received segments go up merged (ethtool -K eth0 gro on).
 */
class AppsOverTcpGroTest extends AppsOverTcpTest {
    @Override
    boolean gro() {
        return true;
    }
}
