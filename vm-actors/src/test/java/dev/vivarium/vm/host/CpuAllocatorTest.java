package dev.vivarium.vm.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.vivarium.datastore.config.CpuAllocation;
import java.util.List;
import org.junit.jupiter.api.Test;

class CpuAllocatorTest {
    private static final double BUSY = Double.POSITIVE_INFINITY;

    private static CpuAllocator.Claim claim(int shares, long reservation, long limit, double demand) {
        return new CpuAllocator.Claim(new CpuAllocation(shares, reservation, limit), demand);
    }

    @Test
    void busyVmsSplitTheCapacityByShares() {
        double[] got = CpuAllocator.allocate(300, List.of(claim(2000, 0, -1, BUSY), claim(1000, 0, -1, BUSY)));
        assertThat(got[0]).isCloseTo(200, within(1e-6));
        assertThat(got[1]).isCloseTo(100, within(1e-6));
    }

    @Test
    void aReservationIsGuaranteedBeforeSharesCount() {
        double[] got = CpuAllocator.allocate(300, List.of(claim(1000, 250, -1, BUSY), claim(1000, 0, -1, BUSY)));
        assertThat(got[0]).isCloseTo(275, within(1e-6));
        assertThat(got[1]).isCloseTo(25, within(1e-6));
    }

    @Test
    void aLimitCapsAndTheRestGoesToTheOthers() {
        double[] got = CpuAllocator.allocate(300, List.of(claim(1000, 0, 50, BUSY), claim(1000, 0, -1, BUSY)));
        assertThat(got[0]).isCloseTo(50, within(1e-6));
        assertThat(got[1]).isCloseTo(250, within(1e-6));
    }

    @Test
    void whatAnIdleVmDoesNotWantGoesToTheBusyOnes() {
        double[] got = CpuAllocator.allocate(300, List.of(claim(1000, 0, -1, 10), claim(1000, 0, -1, BUSY), claim(1000, 0, -1, BUSY)));
        assertThat(got[1]).isCloseTo(145, within(1e-6));
        assertThat(got[2]).isCloseTo(145, within(1e-6));
        assertThat(got[0]).isCloseTo(10, within(1e-6));
        assertThat(got[0] + got[1] + got[2]).isCloseTo(300, within(1e-6));
    }

    @Test
    void leftoverCapacityIsSpreadUpToTheLimits() {
        double[] got = CpuAllocator.allocate(300, List.of(claim(1000, 0, 40, 5), claim(3000, 0, -1, 5)));
        assertThat(got[0]).isCloseTo(40, within(1e-6));
        assertThat(got[1]).isCloseTo(260, within(1e-6));
    }
}
