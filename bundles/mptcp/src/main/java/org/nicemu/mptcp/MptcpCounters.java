package org.nicemu.mptcp;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Data-level counters of one MPTCP connection (the per-connection part of the kernel's MPTCP MIB,
 * net/mptcp/mib.c, plus byte counts {@code ss -M} would need), reported by {@code ss} and in
 * summary.json. Bytes are data-level payload bytes.
 */
final class MptcpCounters {
    long bytesQueued, bytesSent, bytesAcked, reinjectedBytes, metaRetransBytes, reinjectQueued;
    long bytesReceived, bytesReceivedSubflows, dupBytes;
    long mappingsRx, unmappedData, badOptions, badMappings;
    long synTx, mpCapableOk, joinOk, joinHmacBad, joinRejected;
    long fallbacks;
    String fallbackReason;
    long addAddrTx, addAddrRx, addAddrEchoRx, rmAddrRx, fastcloseRx, tcprstRx;
    long subflowsClosed, rtoCount, schedChanges;
    long csumFailures;
    long addAddrRetrans, rmAddrTx, mpPrioTx, mpPrioRx;
    String csumFailureReason;

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bytes_queued", bytesQueued);
        m.put("bytes_sent", bytesSent);
        m.put("bytes_acked", bytesAcked);
        m.put("bytes_received", bytesReceived);
        m.put("reinjected_bytes", reinjectedBytes);
        m.put("meta_retrans_bytes", metaRetransBytes);
        m.put("reinjections_queued", reinjectQueued);
        m.put("duplicate_bytes_received", dupBytes);
        m.put("syn_tx", synTx);
        m.put("mp_capable_ok", mpCapableOk);
        m.put("mp_join_ok", joinOk);
        m.put("mp_join_bad_hmac", joinHmacBad);
        m.put("mp_join_rejected", joinRejected);
        m.put("fallbacks", fallbacks);
        if (fallbackReason != null) m.put("fallback_reason", fallbackReason);
        m.put("add_addr_tx", addAddrTx);
        m.put("add_addr_rx", addAddrRx);
        m.put("add_addr_echo_rx", addAddrEchoRx);
        m.put("add_addr_retrans", addAddrRetrans);
        m.put("rm_addr_tx", rmAddrTx);
        m.put("rm_addr_rx", rmAddrRx);
        m.put("mp_prio_tx", mpPrioTx);
        m.put("mp_prio_rx", mpPrioRx);
        m.put("subflows_closed", subflowsClosed);
        m.put("data_rto", rtoCount);
        m.put("scheduler_changes", schedChanges);
        m.put("mappings_rx", mappingsRx);
        m.put("unmapped_data", unmappedData);
        m.put("mp_tcprst_rx", tcprstRx);
        m.put("fastclose_rx", fastcloseRx);
        m.put("bad_options", badOptions);
        m.put("bad_mappings", badMappings);
        m.put("dss_checksum_failures", csumFailures);
        return m;
    }
}
