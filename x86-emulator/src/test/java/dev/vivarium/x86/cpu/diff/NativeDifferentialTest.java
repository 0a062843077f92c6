package dev.vivarium.x86.cpu.diff;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

/**
 * Differential tests of the CPU against a reference: every snippet runs in the reference and in
 * the emulator (flat 32-bit protected mode at CPL 3, as a Linux process runs) from the same
 * registers, flags and memory, and what the Intel SDM defines of the outcome must agree:
 * registers, EFLAGS, the data buffer, and the exception (vector and restart point) if one was
 * raised. One dynamic test per instruction family.
 *
 * <p>The reference is the host processor in a 32-bit process when the host can run one; where it
 * cannot (a kernel without 32-bit support) each family runs against the emulator that agrees with
 * hardware on it ({@link FamilyReferences}), and the output says which. {@code VIVARIUM_NATIVE32=off}
 * forces that fallback.
 *
 * <p>System properties: {@code difftest.seed} (default fixed), {@code difftest.scale} (cases per
 * snippet multiplier, default 1), {@code difftest.only} (run only snippets whose source contains it),
 * {@code difftest.reference} (native, qemu-i386 or qemu-system-i386: compare every family with that
 * one, which is how a reference's agreement with hardware is checked).
 */
class NativeDifferentialTest {

    static final long SEED = Long.decode(System.getProperty("difftest.seed", "0x19850386"));
    private static final int SCALE = Integer.getInteger("difftest.scale", 1);
    private static final String ONLY = System.getProperty("difftest.only", "");
    private static final String FORCED = System.getProperty("difftest.reference", "");

    @TestFactory
    Stream<DynamicTest> hostAndEmulatorAgree() throws Exception {
        Reference forced = FORCED.isEmpty() ? null : Arrays.stream(Reference.values()).filter(r -> r.label().equals(FORCED)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("difftest.reference=" + FORCED + ": not one of " + Arrays.toString(Reference.values())));
        return new DifferentialRun("NativeDifferentialTest", Path.of("target", "difftest").toAbsolutePath(),
                References.nativeSwitchedOff(), forced, ONLY, SEED, SCALE, Integer.MAX_VALUE).tests();
    }
}
