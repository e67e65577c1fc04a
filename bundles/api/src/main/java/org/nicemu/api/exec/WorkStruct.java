package org.nicemu.api.exec;

/**
 * A deferred work item, mirroring {@code struct work_struct} with its
 * {@code WORK_STRUCT_PENDING_BIT}: while pending it is not queued a second time.
 */
public final class WorkStruct {
    private final String name;
    private final Runnable func;
    private boolean pending;

    public WorkStruct(String name, Runnable func) {
        this.name = name;
        this.func = func;
    }

    public String name() { return name; }

    public Runnable func() { return func; }

    /** The WORK_STRUCT_PENDING_BIT. */
    public boolean isPending() { return pending; }

    /** Mirrors test_and_set_bit(WORK_STRUCT_PENDING_BIT): returns the previous value. */
    public boolean testAndSetPending() {
        boolean was = pending;
        pending = true;
        return was;
    }

    /** Clears the pending bit just before the work function runs (as process_one_work() does). */
    public void clearPending() { pending = false; }

    @Override
    public String toString() { return "work " + name + (pending ? " (pending)" : ""); }
}
