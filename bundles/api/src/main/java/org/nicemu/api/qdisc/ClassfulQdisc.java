package org.nicemu.api.qdisc;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A qdisc with classes that hold child qdiscs, shaped like {@code struct Qdisc_class_ops}
 * ({@code leaf}, {@code graft}). Class minors start at 1, as {@code tc} numbers them (1:1, 1:2...).
 */
@ConsumerType
public interface ClassfulQdisc extends Qdisc {
    /** Number of classes. */
    int classCount();

    /** Mirrors {@code Qdisc_class_ops.leaf}: the child qdisc of class {@code minor}. */
    Qdisc leaf(int minor);

    /**
     * Mirrors {@code Qdisc_class_ops.graft}: installs {@code child} in class {@code minor} and returns
     * the previous child, which the caller migrates and destroys. The parent's qlen/backlog must be
     * adjusted by the caller-visible amounts: the new child arrives empty.
     */
    Qdisc graft(int minor, Qdisc child);
}
