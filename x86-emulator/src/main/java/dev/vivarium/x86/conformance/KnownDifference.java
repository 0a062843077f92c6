package dev.vivarium.x86.conformance;

/**
 * The one list of places where the recording CPU, a real 80286, legitimately differs from the
 * i386-class processor under test. Each entry is a predicate over a test (its bytes, prefixes,
 * opcode form, initial registers and recorded outcome) with its reason, so it applies to tests
 * never seen as much as to the shared ones. An entry either skips the test or eases how it is
 * compared ({@link Effect}). A test is never listed because the emulator fails it.
 *
 * <p>What the suite's {@code metadata.json} statuses mean for a 386, and why none of them is an
 * exclusion on its own:
 * <ul>
 * <li>{@code normal}, {@code alias} (82, F6/F7 /1, FF /7), {@code undocumented} (the /6 shift
 *     alias SAL, D6 SALC): the 386 executes these the same way.</li>
 * <li>{@code undefined} with arch 86 (8F, C6, C7 with ModRM reg != 0; FE /2-7): undefined on the
 *     386 too, where they raise #UD as the 286 does, so they are compared. The files of 8F, C6
 *     and C7 mix all regs; the metadata lookup takes the reg from the ModRM byte.</li>
 * <li>{@code undefined} with arch 286 (64-67) and {@code extension} (0F): see
 *     {@link #OPCODE_OF_THE_386_ONLY}.</li>
 * <li>{@code prefix}: no test files of their own; F1 among them is {@link #F1_PREFIX}.</li>
 * <li>{@code fpu}: a 386 without a coprocessor and CR0.EM=0 checks the memory operand and
 *     otherwise does nothing, as the 286 did; compared.</li>
 * </ul>
 */
public enum KnownDifference {

    LOCK_NOT_LOCKABLE(Effect.SKIP, "LOCK (F0) on an instruction that cannot be locked or has a register"
            + " destination: the 286 executes it, a 386 raises #UD") {
        @Override
        boolean appliesTo(TestCase test, Instruction insn) {
            return insn.hasPrefix(Instruction.LOCK) && !insn.lockable();
        }
    },

    FS_GS_SEGMENT_MOVE(Effect.SKIP, "8C/8E with ModRM reg 4 or 5: FS and GS on a 386; the 286 raises #UD") {
        @Override
        boolean appliesTo(TestCase test, Instruction insn) {
            return (insn.opcode() == 0x8C || insn.opcode() == 0x8E) && (insn.reg() == 4 || insn.reg() == 5);
        }
    },

    LONGER_THAN_10_BYTES(Effect.SKIP, "instruction longer than 10 bytes (prefixes included): the 286 raises"
            + " #GP, a 386 executes up to 15 bytes") {
        @Override
        boolean appliesTo(TestCase test, Instruction insn) {
            return insn.length() > 10;
        }
    },

    OPCODE_OF_THE_386_ONLY(Effect.SKIP, "64-67 and two-byte opcodes other than 0F 00-03 and 0F 06: undefined"
            + " (or LOADALL at 0F 05) on the 286, segment/size prefixes and new instructions on a 386") {
        @Override
        boolean appliesTo(TestCase test, Instruction insn) {
            int op = insn.opcode();
            if (op >= 0x64 && op <= 0x67) {
                return true;
            }
            return op > 0x0F03 && op != 0x0F06;
        }
    },

    F1_PREFIX(Effect.SKIP, "F1: a prefix to the 286 (metadata status 'prefix'), INT1 (ICEBP) on a 386") {
        @Override
        boolean appliesTo(TestCase test, Instruction insn) {
            return insn.hasPrefix(0xF1) || insn.opcode() == 0xF1;
        }
    },

    STACK_SEGMENT_OVERRUN(Effect.SKIP, "a real-mode SS access crossing offset FFFF (stack operation, BP-based"
            + " or SS: operand): the 286 raises #GP (13), a 386 raises #SS (12)") {
        @Override
        boolean appliesTo(TestCase test, Instruction insn) {
            if (test.exception() != Vector.GP || insn.isString() || insn.length() > 10) {
                return false;
            }
            if (insn.opcode() == 0xCD && insn.immediate8() == Vector.GP) {
                return false; // INT 0Dh raises vector 13 by itself
            }
            if (test.initial(Register.IP) + insn.length() > 0x10000) {
                return false; // the instruction runs past CS's limit: #GP on either CPU
            }
            if (insn.hasMemoryOperand() && insn.opcode() != 0x8D
                    && insn.operandOffset(test) + insn.operandSize() > 0x10000) {
                return insn.operandSegment() == Register.SS;
            }
            return insn.usesStack();
        }
    },

    STRING_SEGMENT_OVERRUN(Effect.SKIP, "a string instruction whose access crosses offset FFFF: the 286 updates"
            + " SI/DI (and CX) before raising #GP, a 386 faults before changing anything (restartable)") {
        @Override
        boolean appliesTo(TestCase test, Instruction insn) {
            return insn.isString() && test.exception() == Vector.GP;
        }
    },

    POP_MEMORY_OVERRUN(Effect.SKIP, "POP r/m (8F) whose memory destination crosses offset FFFF: the 286 has"
            + " already added 2 to SP when it raises #GP, a 386 leaves SP as it was (restartable)") {
        @Override
        boolean appliesTo(TestCase test, Instruction insn) {
            return insn.opcode() == 0x8F && insn.hasMemoryOperand() && test.exception() == Vector.GP;
        }
    },

    IP_PAST_SEGMENT_END(Effect.ALLOW_EIP_10000, "a HLT in the last byte of the code segment: the 286's IP wraps"
            + " to 0, a 386's EIP becomes 10000 (it faults on the next fetch instead of wrapping)") {
        @Override
        boolean appliesTo(TestCase test, Instruction insn) {
            return test.expected(Register.IP) == 0;
        }
    },

    POPF_IRET_IOPL_NT(Effect.IGNORE_FLAGS_12_TO_15, "POPF and IRET in real mode: a 386 loads IOPL and NT from"
            + " the popped FLAGS, a 286 keeps them zero") {
        @Override
        boolean appliesTo(TestCase test, Instruction insn) {
            return insn.opcode() == 0x9D || insn.opcode() == 0xCF;
        }
    };

    /** What a difference does to its tests. */
    public enum Effect {
        /** The test is not run and counts as skipped. */
        SKIP,
        /** The test runs; FLAGS bits 12-15 are not compared. */
        IGNORE_FLAGS_12_TO_15,
        /** The test runs; an expected IP of 0 also accepts EIP = 10000. */
        ALLOW_EIP_10000
    }

    private static final class Vector {
        static final int GP = 13;
    }

    private static final KnownDifference[] ALL = values();

    private final Effect effect;
    private final String reason;

    KnownDifference(Effect effect, String reason) {
        this.effect = effect;
        this.reason = reason;
    }

    abstract boolean appliesTo(TestCase test, Instruction insn);

    public Effect effect() {
        return effect;
    }

    public String reason() {
        return reason;
    }

    /** The first difference that skips this test, or null when it runs. */
    public static KnownDifference skipping(TestCase test, Instruction insn) {
        for (KnownDifference d : ALL) {
            if (d.effect == Effect.SKIP && d.appliesTo(test, insn)) {
                return d;
            }
        }
        return null;
    }

    /** How to compare a test that runs: its flags mask from the metadata, eased by the differences that apply. */
    public static CompareRules rules(TestCase test, Instruction insn, int metadataFlagsMask) {
        int ignored = 0;
        boolean eipPastEnd = false;
        for (KnownDifference d : ALL) {
            if (d.effect != Effect.SKIP && d.appliesTo(test, insn)) {
                switch (d.effect) {
                    case IGNORE_FLAGS_12_TO_15 -> ignored |= TestCase.FLAGS_286_REAL_MODE_ZERO;
                    case ALLOW_EIP_10000 -> eipPastEnd = true;
                    default -> { }
                }
            }
        }
        return new CompareRules(CompareRules.comparedFlags(metadataFlagsMask, ignored), eipPastEnd);
    }
}
