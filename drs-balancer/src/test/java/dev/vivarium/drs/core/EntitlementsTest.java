package dev.vivarium.drs.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.vivarium.drs.model.Vm;
import java.util.List;
import org.junit.jupiter.api.Test;

class EntitlementsTest {

    @Test
    void everyVmGetsItsDemandWhenTheClusterHasEnough() {
        double[] e = Entitlements.divide(List.of(Vm.of("a", "h", 100, 16), Vm.of("b", "h", 300, 16)), 1000);
        assertThat(e).containsExactly(100, 300);
    }

    @Test
    void aLimitCapsTheDemand() {
        double[] e = Entitlements.divide(List.of(Vm.of("a", "h", 500, 16).withLimit(200)), 1000);
        assertThat(e).containsExactly(200);
    }

    @Test
    void underContentionSharesDivideTheCapacityAndTheSumIsTheCapacity() {
        List<Vm> vms = List.of(Vm.of("a", "h", 1000, 16).withShares(2000), Vm.of("b", "h", 1000, 16).withShares(1000),
                Vm.of("c", "h", 1000, 16).withShares(1000));
        double[] e = Entitlements.divide(vms, 800);
        assertThat(e[0]).isCloseTo(400, within(1e-6));
        assertThat(e[1]).isCloseTo(200, within(1e-6));
        assertThat(e[2]).isCloseTo(200, within(1e-6));
    }

    @Test
    void whatAVmDoesNotWantGoesToTheOthers() {
        List<Vm> vms = List.of(Vm.of("small", "h", 50, 16), Vm.of("big", "h", 1000, 16), Vm.of("big2", "h", 1000, 16));
        double[] e = Entitlements.divide(vms, 650);
        assertThat(e[0]).isCloseTo(50, within(1e-6));
        assertThat(e[1]).isCloseTo(300, within(1e-6));
        assertThat(e[2]).isCloseTo(300, within(1e-6));
    }

    @Test
    void aReservationIsAFloorEvenWithFewShares() {
        List<Vm> vms = List.of(Vm.of("r", "h", 1000, 16).withReservation(300).withShares(1),
                Vm.of("o", "h", 1000, 16).withShares(1000));
        double[] e = Entitlements.divide(vms, 500);
        assertThat(e[0]).isCloseTo(300, within(1e-6));
        assertThat(e[1]).isCloseTo(200, within(1e-6));
    }

    @Test
    void reservationsAboveTheCapacityStillCount() {
        List<Vm> vms = List.of(Vm.of("r1", "h", 1000, 16).withReservation(400),
                Vm.of("r2", "h", 1000, 16).withReservation(400));
        assertThat(Entitlements.divide(vms, 500)).containsExactly(400, 400);
    }
}
