package org.nicemu.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RttEstimatorTest {

    private static void assertState(RttEstimator e, long srttUs, long mdevUs, long mdevMaxUs, long rttvarUs, int rttSeq,
            long rtoJiffies, long rtoUs) {
        assertEquals(srttUs, e.srttUs(), "srtt_us (<<3)");
        assertEquals(mdevUs, e.mdevUs(), "mdev_us");
        assertEquals(mdevMaxUs, e.mdevMaxUs(), "mdev_max_us");
        assertEquals(rttvarUs, e.rttvarUs(), "rttvar_us");
        assertEquals(rttSeq, e.rttSeq(), "rtt_seq");
        assertEquals(rtoJiffies, e.rtoJiffies(), "icsk_rto (jiffies)");
        assertEquals(rtoUs, e.rtoUs(), "icsk_rto (us)");
    }

    @Test
    void initialRtoIsOneSecond() {
        RttEstimator e = new RttEstimator();
        assertEquals(1_000_000, e.rtoUs());
        assertEquals(250, e.rtoJiffies());
        assertEquals(0, e.backoff());
        assertFalse(e.hasSample());
    }

    @Test
    void aSequenceOfSamplesGivesTheKernelsNumbersAtHz250() {
        RttEstimator e = new RttEstimator(); // rto_min 200 ms, HZ 250 (4 ms jiffies)
        // first sample 100 ms: srtt = 8m, mdev = 2m, rttvar = max(2m, rto_min); rto = 100 + 200 = 300 ms
        assertTrue(e.tcpAckUpdateRtt(100_000, -1, -1, 1000, 2000));
        assertState(e, 800_000, 200_000, 200_000, 200_000, 2000, 75, 300_000);
        assertEquals(100_000, e.smoothedRttUs());
        // 120 ms, same window: srtt += 20000/8, mdev = 200000 + (20000 - 50000) = 170000;
        // rto = 102500 + 200000 = 302500 us, rounded up to 76 jiffies
        e.tcpAckUpdateRtt(120_000, -1, -1, 1500, 3000);
        assertState(e, 820_000, 170_000, 200_000, 200_000, 2000, 76, 304_000);
        // 300 ms, window ends (snd_una 2500 after rtt_seq 2000): mdev = 170000 + 197500 - 42500 = 325000
        // raises mdev_max and rttvar to 325000; then the window restarts at snd_nxt 4000 with mdev_max = rto_min
        e.tcpAckUpdateRtt(300_000, -1, -1, 2500, 4000);
        assertState(e, 1_017_500, 325_000, 200_000, 325_000, 4000, 114, 456_000);
        // 90 ms (below srtt 127187): |err| = 37187 - 81250 < 0, so mdev falls by 44063 to 280937;
        // window ends: rttvar decays by a quarter of the gap to mdev_max: 325000 - 11015 = 313985
        e.tcpAckUpdateRtt(90_000, -1, -1, 4500, 6000);
        assertState(e, 980_313, 280_937, 200_000, 313_985, 6000, 110, 440_000);
        // 10 ms (far below srtt): |err| - mdev/4 = 112539 - 70234 = 42305 > 0, taken at 1/8: 5288
        e.tcpAckUpdateRtt(10_000, -1, -1, 5000, 7000);
        assertState(e, 867_774, 286_225, 286_225, 313_985, 6000, 106, 424_000);
        assertEquals(108_471, e.smoothedRttUs());
    }

    @Test
    void theRtoIsRoundedToWholeJiffiesOfTheConfiguredHz() {
        RttEstimator e = new RttEstimator(RttEstimator.TCP_RTO_MIN_US, RttEstimator.TCP_RTO_MAX_US, 1000);
        e.tcpAckUpdateRtt(100_000, -1, -1, 1000, 2000);
        assertEquals(300_000, e.rtoUs());
        e.tcpAckUpdateRtt(120_000, -1, -1, 1500, 3000);
        assertEquals(303, e.rtoJiffies());
        assertEquals(303_000, e.rtoUs());
        // a 1 ms path: rto = 1 ms + rto_min = 201 ms -> 51 jiffies of 4 ms at HZ 250
        RttEstimator lan = new RttEstimator();
        lan.tcpAckUpdateRtt(1_000, -1, -1, 1, 2);
        assertEquals(8_000, lan.srttUs());
        assertEquals(2_000, lan.mdevUs());
        assertEquals(200_000, lan.rttvarUs());
        assertEquals(204_000, lan.rtoUs());
        // a larger rto_min (route option rto_min 1s) dominates
        RttEstimator slow = new RttEstimator(1_000_000, RttEstimator.TCP_RTO_MAX_US, 250);
        slow.tcpAckUpdateRtt(1_000, -1, -1, 1, 2);
        assertEquals(1_004_000, slow.rtoUs());
    }

    @Test
    void backoffDoublesUpToTheMaximumAndAValidSampleResetsIt() {
        RttEstimator e = new RttEstimator();
        e.tcpAckUpdateRtt(100_000, -1, -1, 1000, 2000);
        e.tcpAckUpdateRtt(120_000, -1, -1, 1500, 3000); // rto 76 jiffies = 304 ms
        long[] expectJiffies = { 152, 304, 608, 1216, 2432, 4864, 9728, 19456, 30000, 30000 };
        for (int i = 0; i < expectJiffies.length; i++) {
            e.tcpRetransmitTimerBackoff(false, i + 1);
            assertEquals(i + 1, e.backoff());
            assertEquals(expectJiffies[i], e.rtoJiffies(), "after " + (i + 1) + " timeouts");
        }
        assertEquals(120_000_000, e.rtoUs());
        // inet_csk_rto_backoff(): rto << backoff, capped
        assertEquals(120_000_000, e.rtoBackoffUs(RttEstimator.TCP_RTO_MAX_US));
        assertEquals(60_000_000, e.rtoBackoffUs(60_000_000));
        // no sample (Karn): nothing changes
        assertFalse(e.tcpAckUpdateRtt(-1, -1, -1, 3000, 3000));
        assertEquals(10, e.backoff());
        // a timestamp sample is valid under Karn's rule: backoff cleared, rto from the estimate
        assertTrue(e.tcpAckUpdateRtt(-1, -1, 100_000, 3000, 4000));
        assertEquals(0, e.backoff());
        // 100 ms against srtt 102.5 ms: srtt 817500, mdev 170000 - 40000; the window (rtt_seq 2000) ends
        assertState(e, 817_500, 130_000, 200_000, 200_000, 4000, 76, 304_000); // 102187 + 200000 us -> 76 jiffies
    }

    @Test
    void rtoBackoffOfTheProbeTimer() {
        RttEstimator e = new RttEstimator(); // rto 1 s
        e.tcpRetransmitTimerBackoff(false, 1); // icsk_backoff 1, rto 2 s
        assertEquals(2_000_000, e.rtoUs());
        assertEquals(4_000_000, e.rtoBackoffUs(RttEstimator.TCP_RTO_MAX_US)); // 2 s << 1
        assertEquals(3_000_000, e.rtoBackoffUs(3_000_000));
    }

    @Test
    void synTimeoutsAreLinearForTheFirstFour() {
        RttEstimator e = new RttEstimator();
        for (int totalRto = 1; totalRto <= 4; totalRto++) {
            e.tcpRetransmitTimerBackoff(true, totalRto);
            assertEquals(1_000_000, e.rtoUs(), "SYN timeout " + totalRto);
            assertEquals(0, e.backoff());
        }
        e.tcpRetransmitTimerBackoff(true, 5);
        assertEquals(2_000_000, e.rtoUs());
        assertEquals(1, e.backoff());
        e.tcpRetransmitTimerBackoff(true, 6);
        assertEquals(4_000_000, e.rtoUs());
        // handshake done without a valid sample: RFC 6298 5.7 fallback to 3 s
        e.tcpInitMetricsNoSample();
        assertEquals(3_000_000, e.rtoUs());
        assertEquals(3_000_000, e.rttvarUs());
        assertEquals(750, e.rtoJiffies());
    }

    @Test
    void karnsRuleAndTheSampleSources() {
        assertEquals(-1, RttEstimator.karnSeqRttUs(true, 1_000, 5_000));
        assertEquals(4_000, RttEstimator.karnSeqRttUs(false, 1_000, 5_000));
        assertEquals(-1, RttEstimator.karnSeqRttUs(false, -1, 5_000));

        RttEstimator e = new RttEstimator();
        // the ACK's own timing wins over SACK and timestamps
        e.tcpAckUpdateRtt(50_000, 70_000, 90_000, 10, 20);
        assertEquals(400_000, e.srttUs());
        // then the SACK sample
        RttEstimator s = new RttEstimator();
        s.tcpAckUpdateRtt(-1, 70_000, 90_000, 10, 20);
        assertEquals(560_000, s.srttUs());
        // then the timestamp echo
        RttEstimator t = new RttEstimator();
        t.tcpAckUpdateRtt(-1, -1, 90_000, 10, 20);
        assertEquals(720_000, t.srttUs());
        // a zero sample still counts (srtt_us never 0 after a sample)
        RttEstimator z = new RttEstimator();
        z.tcpAckUpdateRtt(0, -1, -1, 10, 20);
        assertEquals(1, z.srttUs());
        assertTrue(z.hasSample());
    }

    @Test
    void timestampEchoRtt() {
        assertEquals(5_000, RttEstimator.tcpRttTsoptUs(1005, 1000, 1));
        assertEquals(1_000, RttEstimator.tcpRttTsoptUs(1000, 1000, 1), "zero delta counts as min ms");
        assertEquals(10_000, RttEstimator.tcpRttTsoptUs(5, -5, 1), "TS clock wraps");
        assertEquals(-1, RttEstimator.tcpRttTsoptUs(1000, 1005, 1), "echo from the future");
    }

    @Test
    void badParametersAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RttEstimator(0, 1, 250));
        assertThrows(IllegalArgumentException.class, () -> new RttEstimator(200_000, 120_000_000, 300));
    }
}
