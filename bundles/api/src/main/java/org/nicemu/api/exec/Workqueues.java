package org.nicemu.api.exec;

import org.osgi.annotation.versioning.ProviderType;

/** The workqueues of one emulated host (kernel/workqueue.c). */
@ProviderType
public interface Workqueues {
    /**
     * Queues {@code work} on the worker of {@code cpu}. Mirrors queue_work_on(): returns false,
     * and counts an already-pending hit, when the work is already pending.
     */
    boolean queueWorkOn(int cpu, WorkStruct work);
}
