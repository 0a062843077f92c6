package dev.vivarium.node.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What `lab up` says it did with the demo VMs: created them, or found them and left them alone. */
class DemoVmsTest {

    @Test
    void aNewLabCreatesAndPowersOnEveryVm() {
        assertThat(DemoVms.summary(6, List.of())).startsWith("Created and powered on 6 demo VMs;");
    }

    @Test
    void aLabBroughtUpAgainSaysItLeftItsVmsAsTheyWere() {
        String said = DemoVms.summary(3, DemoVms.names(3));
        assertThat(said).startsWith("The 3 demo VMs exist already and stay as they were").doesNotContain("Created");
    }

    @Test
    void moreVmsThanLastTimeCreatesOnlyTheNewOnes() {
        assertThat(DemoVms.summary(4, DemoVms.names(3)))
                .startsWith("Created and powered on 1 demo VM; 3 exist already and stay as they were (counter-1, cpuburn-1, memdirty-1)");
    }
}
