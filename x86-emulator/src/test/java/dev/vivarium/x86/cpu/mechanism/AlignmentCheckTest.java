package dev.vivarium.x86.cpu.mechanism;

import dev.vivarium.x86.cpu.Cpu;
import org.junit.jupiter.api.Test;

import static dev.vivarium.x86.cpu.mechanism.Code.*;
import static dev.vivarium.x86.cpu.mechanism.Descriptors.INT_GATE32;
import static dev.vivarium.x86.cpu.mechanism.TestMachine.*;
import static org.assertj.core.api.Assertions.assertThat;

/** The 486's alignment check: #AC(0) for a misaligned access at CPL 3 when CR0.AM and EFLAGS.AC are both set. */
class AlignmentCheckTest {

    private static final int CR0_AM = 1 << 18, EFLAGS_AC = 1 << 18;

    private final TestMachine m = new TestMachine();

    private void runUser(boolean am, int eflags, Code user) {
        Code c = m.code0();
        if (am) {
            c.movFromCr(EAX, 0).orImm(EAX, CR0_AM).movToCr(0, EAX);
        }
        m.load(c.loadSeg(DS, DATA3_SEL).iretTo(CODE3_SEL, CODE3, DATA3_SEL, STACK3_TOP, eflags));
        m.gateTo(0x81, INT_GATE32, handler(0x81), 3);
        m.load(user.intN(0x81));
        assertThat(m.run()).isEqualTo(Cpu.Exit.HALT);
    }

    @Test
    void misalignedUserAccessRaisesAcWhenEnabled() {
        Code user = m.code3().load(EBX, DATA);
        int at = user.here();
        runUser(true, EFLAGS_AC | 0x2, user.load(ECX, DATA + 2));

        assertThat(m.vectorTaken()).isEqualTo(17);
        assertThat(m.stack(0)).as("error code 0").isZero();
        assertThat(m.stack(1)).isEqualTo(at);
        assertThat(m.stack(2)).isEqualTo(CODE3_SEL);
    }

    @Test
    void misalignedWordAndStackAccessesAreCheckedToo() {
        Code user = m.code3().osize().load(EBX, DATA + 2).movImm(ESP, STACK3_TOP - 2);
        int push = user.here();
        runUser(true, EFLAGS_AC | 0x2, user.push(EAX));

        assertThat(m.vectorTaken()).isEqualTo(17);
        assertThat(m.stack(1)).isEqualTo(push);
        assertThat(m.stack(4)).isEqualTo(STACK3_TOP - 2);
    }

    @Test
    void noCheckWithoutAmOrWithoutAc() {
        runUser(false, EFLAGS_AC | 0x2, m.code3().load(ECX, DATA + 1));
        assertThat(m.vectorTaken()).isEqualTo(0x81);

        TestMachine m2 = new TestMachine();
        m2.load(m2.code0().movFromCr(EAX, 0).orImm(EAX, CR0_AM).movToCr(0, EAX)
                .loadSeg(DS, DATA3_SEL).iretTo(CODE3_SEL, CODE3, DATA3_SEL, STACK3_TOP, 0x2));
        m2.gateTo(0x81, INT_GATE32, handler(0x81), 3);
        m2.load(m2.code3().load(ECX, DATA + 1).intN(0x81));
        m2.run();
        assertThat(m2.vectorTaken()).isEqualTo(0x81);
    }

    @Test
    void ringZeroIsNeverAlignmentChecked() {
        m.load(m.code0().movFromCr(EAX, 0).orImm(EAX, CR0_AM).movToCr(0, EAX)
                .pushImm(EFLAGS_AC | 0x2).popf().load(ECX, DATA + 1).hlt());

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(-1);
    }
}
