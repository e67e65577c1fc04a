/**
 * TCP's own wire format beyond the fixed header (which is {@code org.nicemu.api.wire.TcpHeader}):
 * the option codec ({@link org.nicemu.tcp.wire.TcpOptions}) with its parse result
 * ({@link org.nicemu.tcp.wire.TcpOptionsReceived}) and its output description
 * ({@link org.nicemu.tcp.wire.TcpOutOptions}). No protocol state lives here. Private package.
 */
package org.nicemu.tcp.wire;
