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
 *     otherwise does nothing, as the 286 did; compared, on a processor model without an FPU
 *     ({@code Cpu.setFpuPresent(false)}, as {@link TestExecutor} sets it).</li>
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

    MEMORY_OPERAND_OVERRUN(Effect.SKIP, "a memory operand crossing offset FFFF in real mode (the far pointer of"
            + " LES/LDS or CALL/JMP FAR [mem], BOUND's pair, an FPU operand): the 286 accesses it a word at a time and"
            + " wraps the next word to offset 0, a 386 checks the whole operand against the limit and raises #GP") {
        @Override
        boolean appliesTo(TestCase test, Instruction insn) {
            if (!insn.hasMemoryOperand() || insn.opcode() == 0x8D || insn.opcode() > 0xFF) {
                return false; // LEA reads no memory; LAR, LSL and the system groups #UD in real mode
            }
            if (insn.operandOffset(test) + insn.operandSize() <= 0x10000 || test.exception() == Vector.UD) {
                return false; // within the segment, or an undefined form that never reaches its operand
            }
            // A single word at FFFF faults on both (#GP; #SS on a 386 for SS, see STACK_SEGMENT_OVERRUN);
            // it differs only when the 286 did not fault.
            return insn.operandSize() > 2 || test.exception() != Vector.GP;
        }
    },

    AAM_ZERO(Effect.SKIP, "AAM with a zero divisor: the 286 changes SF, ZF and PF before it raises #DE, a 386 raises"
            + " #DE with FLAGS as they were") {
        @Override
        boolean appliesTo(TestCase test, Instruction insn) {
            return insn.opcode() == 0xD4 && insn.immediate8() == 0;
        }
    },

    IDIV_OVERFLOW_MISSED(Effect.SKIP, "IDIV (F6 /7, F7 /7) whose quotient does not fit and the 286 recorded no #DE:"
            + " this 286 leaves a truncated quotient for some of them (its divide quirk), a 386 raises #DE") {
        @Override
        boolean appliesTo(TestCase test, Instruction insn) {
            if ((insn.opcode() != 0xF6 && insn.opcode() != 0xF7) || insn.reg() != 7 || test.exception() == 0) {
                return false;
            }
            boolean wide = insn.opcode() == 0xF7;
            long divisor = KnownDifference.operandValue(test, insn, wide);
            if (divisor < 0) {
                return false; // the operand's bytes are not in the record
            }
            divisor = wide ? (short) divisor : (byte) divisor;
            if (divisor == 0) {
                return false; // #DE on both
            }
            long dividend = wide ? (test.initial(Register.DX) << 16 | test.initial(Register.AX))
                    : (short) test.initial(Register.AX);
            if (wide) {
                dividend = (int) dividend;
            }
            long quotient = dividend / divisor;
            return wide ? quotient != (short) quotient : quotient != (byte) quotient;
        }
    },

    INTERRUPT_FRAME_CS_RECORDING(Effect.SKIP, "INT n, INT3 or INTO whose recorded interrupt frame holds something other"
            + " than CS in its CS word (SS's value, in the tests seen): a fault of the recording, which patches the"
            + " final state from the NMI frame it pushes right after; every CPU pushes CS there") {
        @Override
        boolean appliesTo(TestCase test, Instruction insn) {
            int op = insn.opcode();
            if (op != 0xCC && op != 0xCD && op != 0xCE) {
                return false;
            }
            int csWord = (test.initial(Register.SS) << 4) + ((test.initial(Register.SP) - 4) & 0xFFFF);
            int lo = test.finalRam().valueAt(csWord), hi = test.finalRam().valueAt(csWord + 1);
            if (lo < 0 || hi < 0) {
                return false; // no frame there in the record (INTO without OF, say)
            }
            return (lo | hi << 8) != test.initial(Register.CS);
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
        static final int UD = 6;
        static final int GP = 13;
    }

    private static final KnownDifference[] ALL = values();

    /**
     * The value of the instruction's r/m operand as the test recorded it: a register, or the
     * initial memory bytes at its real-mode address; -1 when a byte is not in the record.
     */
    static long operandValue(TestCase test, Instruction insn, boolean word) {
        int modrm = insn.modrm();
        if (modrm >= 0xC0) {
            int rm = modrm & 7;
            Register[] regs = {Register.AX, Register.CX, Register.DX, Register.BX, Register.SP, Register.BP,
                    Register.SI, Register.DI};
            if (word) {
                return test.initial(regs[rm]);
            }
            int v = test.initial(regs[rm & 3]);
            return rm < 4 ? v & 0xFF : v >>> 8 & 0xFF;
        }
        int linear = (test.initial(insn.operandSegment()) << 4) + insn.operandOffset(test);
        int lo = test.initialRam().valueAt(linear);
        int hi = word ? test.initialRam().valueAt(linear + 1) : 0;
        return lo < 0 || hi < 0 ? -1 : lo | hi << 8;
    }

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
