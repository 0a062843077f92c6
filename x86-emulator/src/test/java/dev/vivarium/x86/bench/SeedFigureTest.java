package dev.vivarium.x86.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SeedFigureTest {

    /** The seed's slide rounds its "Verlust" row to 30 % (unpacking) and 21 % (compiling): 1 - native/VM. */
    @Test
    void theSeedsLossRowIsOneMinusNativeOverVm() {
        assertThat(SeedFigure.forWorkload("unpack").orElseThrow().lossPercent()).isCloseTo(29.9, within(0.05));
        assertThat(SeedFigure.forWorkload("compile").orElseThrow().lossPercent()).isCloseTo(21.3, within(0.05));
        assertThat(SeedFigure.forWorkload("unpack").orElseThrow().overheadPercent()).isCloseTo(42.6, within(0.05));
        assertThat(SeedFigure.forWorkload("compile").orElseThrow().overheadPercent()).isCloseTo(27.1, within(0.05));
    }
}
