package dev.vivarium.x86.machine;

import dev.vivarium.x86.conformance.SharedSuite;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * test386.asm (Marco Bortolin's 386 test ROM, built as {@code shared/x86-conformance/test386/README.md}
 * says) runs as the BIOS through real mode, protected mode, paging, rings, virtual-8086 mode and
 * the arithmetic series of POST EE, and must print exactly the reference output on port 0xE9
 * and end at POST FF, halted. The ROM and the reference are read from {@code shared/}.
 */
class Test386Test {

    /** It runs some 80 million instructions; anything far beyond is a loop, not a pass. */
    private static final long BUDGET = 400_000_000L;

    @Test
    void printsTheReferenceOutputAndEndsAtPostFf() throws Exception {
        Path dir = SharedSuite.locateTest386();
        byte[] rom = Files.readAllBytes(dir.resolve("test386.bin"));
        byte[] reference = Files.readAllBytes(dir.resolve("upstream").resolve("test386-EE-reference.txt"));
        MachineConfig config = new MachineConfig(16L << 20, new MachineConfig.BiosRom(rom), null, false,
                MachineConfig.DEFAULT_START_EPOCH_NANOS, false);
        ByteArrayOutputStream e9 = new ByteArrayOutputStream();
        RunResult result;
        try (PcMachine machine = PcMachine.create(config)) {
            machine.chipset().debugConsole().output().subscribe(e9::write);
            result = machine.run(BUDGET);
            assertThat(machine.chipset().postCodes().lastCode()).as("the last POST code").isEqualTo(0xFF);
        }
        assertThat(result).as("it halts with interrupts off at the end").isInstanceOf(RunResult.HaltedForever.class);
        String expected = new String(reference, java.nio.charset.StandardCharsets.ISO_8859_1);
        String actual = e9.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(actual.lines().count()).isEqualTo(expected.lines().count());
        assertThat(actual).isEqualTo(expected);
    }
}
