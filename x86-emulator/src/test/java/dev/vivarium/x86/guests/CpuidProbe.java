package dev.vivarium.x86.guests;

import dev.vivarium.x86.machine.MachineConfig;
import dev.vivarium.x86.machine.PcMachine;
import dev.vivarium.x86.machine.RunResult;

/** Asks the emulated CPU itself, by CPUID, what it reports: a guest's view, not the emulator's constants. */
final class CpuidProbe {

    private CpuidProbe() {
    }

    /** CPUID leaf 1, EDX bit 0: an x87 FPU on the chip. */
    static boolean hasFpu() throws Exception {
        byte[] program = {
                (byte) 0xB8, 1, 0, 0, 0,     // mov eax,1
                0x0F, (byte) 0xA2,           // cpuid
                (byte) 0x89, (byte) 0xD0,    // mov eax,edx
                0x24, 0x01,                  // and al,1
                (byte) 0xE6, (byte) 0xF4     // out 0xF4,al: exit with the bit
        };
        try (PcMachine machine = PcMachine.create(new MachineConfig(1 << 20,
                new MachineConfig.FlatBinary(program, 0x10000, 0x10000), null, false, 0))) {
            RunResult r = machine.run(100);
            if (!(r instanceof RunResult.Exited exited)) {
                throw new AssertionError("the CPUID probe did not exit: " + r);
            }
            return exited.code() == 1;
        }
    }
}
