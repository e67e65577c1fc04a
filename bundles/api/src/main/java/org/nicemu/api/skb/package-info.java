/** The socket buffer model (include/linux/skbuff.h, net/core/skbuff.c). */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package org.nicemu.api.skb;
