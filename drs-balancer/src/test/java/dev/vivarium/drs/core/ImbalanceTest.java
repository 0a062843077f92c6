package dev.vivarium.drs.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ImbalanceTest {

    @Test
    void thePriorityIsVmwaresFormula() {
        // 6 - ceil(imbalance / 0.1 * sqrt(hosts)): 6 - ceil(3.99) = 2 for 0.282 on two hosts
        assertThat(Imbalance.priority(0.282, 2)).isEqualTo(2);
        assertThat(Imbalance.priority(0.05, 4)).isEqualTo(5);
        assertThat(Imbalance.priority(0.12, 4)).isEqualTo(3);
        assertThat(Imbalance.priority(3, 4)).isEqualTo(2); // clamped: priority 1 is for rules and maintenance
    }

    @Test
    void theThresholdTargetsAreWhatItsPrioritiesTolerate() {
        assertThat(Imbalance.target(1, 3)).isInfinite();
        assertThat(Imbalance.target(3, 4)).isCloseTo(0.1, within(1e-12));
        assertThat(Imbalance.target(2, 9)).isCloseTo(0.1, within(1e-12));
        assertThat(Imbalance.target(5, 9)).isZero();
        // Just above the target the priority is the threshold itself: the move is taken.
        for (int k = 2; k <= 5; k++) {
            assertThat(Imbalance.priority(Imbalance.target(k, 7) + 1e-9, 7)).isLessThanOrEqualTo(k);
        }
    }

    @Test
    void aThresholdOutsideOneToFiveIsRefused() {
        assertThatThrownBy(() -> Imbalance.target(0, 3)).hasMessageContaining("1 (conservative) to 5");
        assertThatThrownBy(() -> Imbalance.target(6, 3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theStandardDeviationIsThePopulations() {
        // loads 0.2 and 0.8: mean 0.5, deviation 0.3
        assertThat(Imbalance.stddev(2, 1.0, 0.04 + 0.64)).isCloseTo(0.3, within(1e-12));
    }
}
