package dev.vivarium.x86.cpu.fuzz;

import dev.vivarium.x86.bus.InterruptLine;
import dev.vivarium.x86.bus.IoPorts;
import dev.vivarium.x86.cpu.Cpu;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The budget rule the fuzzer found broken: a REP iteration counts as one instruction, so a
 * run(n) that ends inside a REP loop retires exactly n and leaves EIP on the REP to resume it.
 */
class RepSliceTest {

    private static final int CODE = 0x1000, SOURCE = 0x2000, TARGET = 0x3000;

    private final FuzzMemory memory = new FuzzMemory();
    private final Cpu cpu = new Cpu(memory, IoPorts.NONE, InterruptLine.NONE);

    /** Real mode: REP MOVSB of five bytes, then HLT. */
    private void repMovsbOfFive() {
        memory.write(CODE << 4, new byte[]{(byte) 0xF3, (byte) 0xA4, (byte) 0xF4});
        memory.write(SOURCE << 4, new byte[]{11, 22, 33, 44, 55});
        cpu.loadSegmentReal(Cpu.CS, CODE);
        cpu.setEip(0);
        cpu.loadSegmentReal(Cpu.DS, SOURCE);
        cpu.loadSegmentReal(Cpu.ES, TARGET);
        cpu.setReg(Cpu.ESI, 0);
        cpu.setReg(Cpu.EDI, 0);
        cpu.setReg(Cpu.ECX, 5);
    }

    @Test
    void oneInstructionAtATimeIsOneIterationAtATime() {
        repMovsbOfFive();
        for (int done = 1; done <= 5; done++) {
            long before = cpu.instructions();
            assertThat(cpu.run(1)).isEqualTo(Cpu.Exit.BUDGET);
            assertThat(cpu.instructions() - before).as("instructions retired by run(1)").isEqualTo(1);
            assertThat(cpu.reg(Cpu.ECX)).isEqualTo(5 - done);
            assertThat(cpu.eip()).as("EIP after iteration %d", done).isEqualTo(done < 5 ? 0 : 2);
        }
        assertThat(cpu.run(1)).isEqualTo(Cpu.Exit.HALT);
        for (int i = 0; i < 5; i++) {
            assertThat(memory.readByte((TARGET << 4) + i)).isEqualTo(11 * (i + 1));
        }
    }

    @Test
    void aSliceEndingInsideTheLoopRetiresExactlyItsBudget() {
        repMovsbOfFive();
        long before = cpu.instructions();
        assertThat(cpu.run(3)).isEqualTo(Cpu.Exit.BUDGET);
        assertThat(cpu.instructions() - before).isEqualTo(3);
        assertThat(cpu.reg(Cpu.ECX)).isEqualTo(2);
        assertThat(cpu.eip()).isZero();
        assertThat(cpu.run(10)).isEqualTo(Cpu.Exit.HALT);
        assertThat(cpu.instructions() - before).as("five iterations and the HLT").isEqualTo(6);
    }
}
