package org.nicemu.api.qdisc;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * An OSGi service that makes qdisc instances of one kind (the role of a registered
 * {@code Qdisc_ops}); registered with the service property {@value #KIND} naming the kind.
 */
@ConsumerType
public interface QdiscFactory {
    /** Service property naming the kind, e.g. {@code qdisc.kind=tbf}. */
    String KIND = "qdisc.kind";

    /** The kind this factory makes. */
    String kind();

    /** A new, uninitialised instance; the core calls {@link Qdisc#init} next. */
    Qdisc create();

    /** One line of help: the accepted parameters with their units. */
    String usage();
}
