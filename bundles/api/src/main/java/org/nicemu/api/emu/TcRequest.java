package org.nicemu.api.emu;

import java.util.Objects;

import org.nicemu.api.qdisc.QdiscParams;

/**
 * One {@code tc qdisc} request: {@code tc qdisc (add|replace|change|del) dev DEV (root|parent X:Y)
 * [handle H:] KIND PARAMS [migrate|drop]}.
 *
 * @param op      the operation
 * @param parent  "root" or a class id "X:Y" (hex, as tc writes them)
 * @param handle  the new qdisc's handle "H:" or null for automatic
 * @param kind    the qdisc kind (null for del)
 * @param params  kind parameters
 * @param migrate true: queued packets move to the new qdisc; false: they are dropped as Linux does
 */
public record TcRequest(Op op, String parent, String handle, String kind, QdiscParams params, boolean migrate) {
    public enum Op { ADD, REPLACE, CHANGE, DEL }

    public TcRequest {
        Objects.requireNonNull(op, "op");
        parent = parent == null ? "root" : parent;
        params = params == null ? QdiscParams.empty() : params;
    }
}
