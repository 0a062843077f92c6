package dev.vivarium.x86.conformance;

/**
 * One SingleStepTests record: an instruction, the machine state before it and what changed after.
 *
 * @param form         the opcode form the test belongs to: its file name without {@code .json.gz}
 * @param index        the record's {@code idx}
 * @param code         the record's {@code bytes}: prefixes, opcode, operands and the closing HLT
 * @param initialRegs  every register before the test, indexed by {@link Register#ordinal()}
 * @param finalRegs    the registers the test changed, -1 where the record leaves one out
 * @param exception    the vector of the exception or interrupt the instruction raised, -1 when none
 */
public record TestCase(String form, int index, String name, byte[] code, String hash,
                       int[] initialRegs, RamImage initialRam,
                       int[] finalRegs, RamImage finalRam, int exception) {

    /**
     * FLAGS bits 12-15 (IOPL, NT, reserved), which a 286 in real mode cannot hold: the recorded
     * initial value is random there, so the run clears them before the test.
     */
    public static final int FLAGS_286_REAL_MODE_ZERO = 0xF000;

    public TestCase {
        if (initialRegs.length != Register.count() || finalRegs.length != Register.count()) {
            throw new IllegalArgumentException("register arrays must hold " + Register.count() + " entries");
        }
    }

    public int initial(Register r) {
        return r == Register.FLAGS ? initialRegs[r.ordinal()] & ~FLAGS_286_REAL_MODE_ZERO : initialRegs[r.ordinal()];
    }

    /** The register after the test: the recorded final value, or the initial one when it did not change. */
    public int expected(Register r) {
        int v = finalRegs[r.ordinal()];
        return v >= 0 ? v : initial(r);
    }

    public int codeByte(int i) {
        return i < code.length ? code[i] & 0xFF : 0;
    }

    public int codeLength() {
        return code.length;
    }

    public boolean raisesException() {
        return exception >= 0;
    }

    @Override
    public String toString() {
        return form + "#" + index + " " + name;
    }
}
