package dev.vivarium.x86.cpu.diff;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which emulator stands in for hardware, family by family, on a host that cannot run 32-bit
 * programs. A family runs against an emulator only where that emulator agrees with hardware on
 * it, never with a mask or an exclusion added to make it agree.
 *
 * <p>How agreement was checked (2026-12-07, seed 0x19850386, 30,490 cases, `-Ddifftest.reference=...`
 * on every family): the emulator matched the host processor on every case of every family in the
 * native run of commit 328aeeb (CI, AMD EPYC, 32-bit runner), and the emulator is unchanged since;
 * so where a reference matches the emulator on every case of a family it matches that hardware
 * too, and where it differs it is the reference that is wrong. Measured:
 * <ul>
 * <li>qemu-i386 (user mode): all cases agree in alu, shift, bits, data, bcd, addressing, string,
 *     stack, branch and chain; it differs in muldiv (11 of 39 snippets: divide errors are not
 *     reported as the hardware reports them), fault (74 of 76: exceptions and their restart
 *     points), segment (18 of 61: user mode checks no descriptor) and encoding (2 of 22: the
 *     F6/F7 /1 aliases of TEST).</li>
 * <li>qemu-system-i386 (TCG, system mode, the harness of src/test/native/system): all cases agree
 *     in every family but fault (9 of 76: no #UD for LOCK on instructions that cannot be locked, no
 *     #GP for a write through CS), segment (12 of 61: no #GP for an access through a null
 *     selector or to a read-only segment) and encoding (2 of 22: #UD for the TEST aliases).</li>
 * <li>Bochs 2.7 (the same harness): all cases agree in every family, once the one snippet whose
 *     outcome the SDM leaves to the implementation (a 32-bit PUSH SS writes 2 or 4 bytes) presets
 *     its stack slot, as its neighbours already did.</li>
 * </ul>
 * Bochs interprets, so it is the slowest; each family takes the fastest reference that agrees.
 */
final class FamilyReferences {

    /** The references that agree with hardware on a family, fastest first, and why these. */
    record Fallback(List<Reference> references, String why) {
    }

    private static final Fallback USER_MODE = new Fallback(List.of(Reference.QEMU_USER, Reference.QEMU_SYSTEM, Reference.BOCHS),
            "agrees with hardware on every case");
    private static final Fallback DIVIDE_ERRORS = new Fallback(List.of(Reference.QEMU_SYSTEM, Reference.BOCHS),
            "qemu-i386 reports divide errors unlike hardware");
    private static final Fallback CHECKS = new Fallback(List.of(Reference.BOCHS),
            "both QEMUs skip checks hardware makes: LOCK #UD, segment rights and limits, null selectors, the TEST aliases");

    private static final Map<String, Fallback> TABLE = Map.ofEntries(
            Map.entry("alu", USER_MODE), Map.entry("shift", USER_MODE), Map.entry("bits", USER_MODE),
            Map.entry("data", USER_MODE), Map.entry("bcd", USER_MODE), Map.entry("addressing", USER_MODE),
            Map.entry("string", USER_MODE), Map.entry("stack", USER_MODE), Map.entry("branch", USER_MODE),
            Map.entry("chain", USER_MODE),
            Map.entry("muldiv", DIVIDE_ERRORS),
            Map.entry("fault", CHECKS), Map.entry("segment", CHECKS), Map.entry("encoding", CHECKS));

    private FamilyReferences() {
    }

    /** The family's fallback; a family nobody has checked has none, and runs only natively. */
    static Fallback of(String family) {
        return TABLE.getOrDefault(family, new Fallback(List.of(), "no emulator has been checked against hardware on it"));
    }

    /** Every family with a fallback. */
    static Set<String> families() {
        return TABLE.keySet();
    }
}
