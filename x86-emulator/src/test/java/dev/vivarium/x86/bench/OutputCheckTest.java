package dev.vivarium.x86.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OutputCheckTest {

    private static final Workload UNPACK = new Workload("unpack", "rounds=1");
    private static final String GOOD = "unpack archive 988269 bytes\nunpack round 1 crc32 507dca08\nunpack ok\n";

    @Test
    void anIdenticalRunPasses() throws BenchmarkFailure {
        OutputCheck check = new OutputCheck(UNPACK, new RunOutcome(GOOD, 0, 1));
        assertThatCode(() -> check.check("QEMU", new RunOutcome(GOOD, 0, 2))).doesNotThrowAnyException();
        assertThat(check.reference()).isEqualTo(GOOD);
    }

    @Test
    void aDifferentLineFailsNamingIt() throws BenchmarkFailure {
        OutputCheck check = new OutputCheck(UNPACK, new RunOutcome(GOOD, 0, 1));
        String bad = GOOD.replace("507dca08", "00000000");
        assertThatThrownBy(() -> check.check("Vivarium", new RunOutcome(bad, 0, 2)))
                .isInstanceOf(BenchmarkFailure.class)
                .hasMessageContaining("in Vivarium")
                .hasMessageContaining("line 2: native 'unpack round 1 crc32 507dca08', here 'unpack round 1 crc32 00000000'");
    }

    @Test
    void aShorterOutputOrOtherBytesFail() throws BenchmarkFailure {
        OutputCheck check = new OutputCheck(UNPACK, new RunOutcome(GOOD, 0, 1));
        assertThatThrownBy(() -> check.check("QEMU", new RunOutcome("unpack archive 988269 bytes\n", 0, 2)))
                .hasMessageContaining("line 2: native 'unpack round 1 crc32 507dca08', here '(end of output)'");
        assertThatThrownBy(() -> check.check("QEMU", new RunOutcome(GOOD.replace("\n", "\r\n"), 0, 2)))
                .hasMessageContaining("the bytes differ");
    }

    @Test
    void anotherExitCodeFails() throws BenchmarkFailure {
        OutputCheck check = new OutputCheck(UNPACK, new RunOutcome(GOOD, 0, 1));
        assertThatThrownBy(() -> check.check("QEMU", new RunOutcome(GOOD, 3, 2)))
                .hasMessageContaining("exited with 3 in QEMU but with 0 natively");
    }

    @Test
    void aFailedOrIncompleteNativeRunIsNoReference() {
        assertThatThrownBy(() -> new OutputCheck(UNPACK, new RunOutcome("unpack: corrupt archive\n", 1, 1)))
                .hasMessageContaining("failed natively with exit code 1");
        assertThatThrownBy(() -> new OutputCheck(UNPACK, new RunOutcome("unpack archive 988269 bytes\n", 0, 1)))
                .hasMessageContaining("no 'unpack ok' line");
    }
}
