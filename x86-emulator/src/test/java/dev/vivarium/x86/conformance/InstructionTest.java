package dev.vivarium.x86.conformance;

import org.junit.jupiter.api.Test;

import static dev.vivarium.x86.conformance.Fixtures.code;
import static dev.vivarium.x86.conformance.Fixtures.regs;
import static dev.vivarium.x86.conformance.Fixtures.test;
import static org.assertj.core.api.Assertions.assertThat;

class InstructionTest {

    private static Instruction decode(int... bytes) {
        return Instruction.decode(code(bytes));
    }

    @Test
    void lengthCountsPrefixesOpcodeModrmDisplacementAndImmediate() {
        assertThat(decode(0x40, 0xF4).length()).isEqualTo(1);
        assertThat(decode(0x01, 0xC0).length()).isEqualTo(2); // add ax,ax
        assertThat(decode(0x01, 0x47, 0x10).length()).isEqualTo(3); // disp8
        assertThat(decode(0x01, 0x87, 0x10, 0x20).length()).isEqualTo(4); // disp16
        assertThat(decode(0x01, 0x06, 0x10, 0x20).length()).isEqualTo(4); // [disp16]
        assertThat(decode(0x81, 0x87, 1, 2, 3, 4).length()).isEqualTo(6); // disp16 + imm16
        assertThat(decode(0x83, 0x47, 1, 2).length()).isEqualTo(4); // disp8 + imm8
        assertThat(decode(0xF6, 0x07, 0x55).length()).isEqualTo(3); // test byte [bx],imm8
        assertThat(decode(0xF6, 0x17).length()).isEqualTo(2); // not byte [bx]: no immediate
        assertThat(decode(0xF7, 0xC0, 1, 2).length()).isEqualTo(4); // test ax,imm16
        assertThat(decode(0x9A, 1, 2, 3, 4).length()).isEqualTo(5);
        assertThat(decode(0xC8, 1, 2, 3).length()).isEqualTo(4);
        assertThat(decode(0xA1, 1, 2).length()).isEqualTo(3); // mov ax,[moffs]
        assertThat(decode(0x2E, 0x3E, 0xF3, 0xA5).length()).isEqualTo(4);
        assertThat(decode(0x0F, 0x01, 0xE0).length()).isEqualTo(3); // smsw ax
        assertThat(decode(0x0F, 0x06).length()).isEqualTo(2); // clts
    }

    @Test
    void prefixesAndOpcodeAreSeparated() {
        Instruction i = decode(0x26, 0xF0, 0x01, 0x07, 0xF4);
        assertThat(i.prefixes()).containsExactly(0x26, 0xF0);
        assertThat(i.hasPrefix(Instruction.LOCK)).isTrue();
        assertThat(i.hasPrefix(0xF3)).isFalse();
        assertThat(i.opcode()).isEqualTo(0x01);
        assertThat(i.modrm()).isEqualTo(0x07);
        assertThat(decode(0x0F, 0x20, 0xC0).opcode()).isEqualTo(0x0F20);
    }

    @Test
    void bytesMissingPastTheEndReadAsZero() {
        Instruction i = decode(0x8F, 0xA1, 0xF4); // the recorded bytes of a #UD stop early
        assertThat(i.length()).isEqualTo(4);
        assertThat(i.displacement()).isEqualTo(0xF4);
    }

    @Test
    void operandSegmentFollowsOverridesElseBpBasedFormsUseSs() {
        assertThat(decode(0x01, 0x02).operandSegment()).isEqualTo(Register.SS); // [bp+si]
        assertThat(decode(0x01, 0x46, 0).operandSegment()).isEqualTo(Register.SS); // [bp+d8]
        assertThat(decode(0x01, 0x06, 0, 0).operandSegment()).isEqualTo(Register.DS); // [d16]
        assertThat(decode(0x01, 0x07).operandSegment()).isEqualTo(Register.DS); // [bx]
        assertThat(decode(0x3E, 0x01, 0x02).operandSegment()).isEqualTo(Register.DS);
        assertThat(decode(0x36, 0x26, 0x01, 0x07).operandSegment()).isEqualTo(Register.ES); // last one wins
    }

    @Test
    void operandOffsetWrapsAt64k() {
        TestCase t = test(-1, regs("bx", 0xFFF0, "si", 0x20, "bp", 0x10));
        assertThat(decode(0x01, 0x00).operandOffset(t)).isEqualTo(0x10); // bx+si
        assertThat(decode(0x01, 0x47, 0xF0).operandOffset(t)).isEqualTo(0xFFE0); // bx-16
        assertThat(decode(0x01, 0x06, 0x34, 0x12).operandOffset(t)).isEqualTo(0x1234);
        assertThat(decode(0x01, 0x86, 0xFF, 0xFF).operandOffset(t)).isEqualTo(0x000F); // bp+FFFF
    }

    @Test
    void operandSizeByOpcode() {
        assertThat(decode(0x00, 0x07).operandSize()).isEqualTo(1);
        assertThat(decode(0x01, 0x07).operandSize()).isEqualTo(2);
        assertThat(decode(0xC4, 0x07).operandSize()).isEqualTo(4);
        assertThat(decode(0xFF, 0x1F).operandSize()).isEqualTo(4); // call far [bx]
        assertThat(decode(0xFF, 0x17).operandSize()).isEqualTo(2); // call [bx]
        assertThat(decode(0x8E, 0x07).operandSize()).isEqualTo(2);
        assertThat(decode(0xD8, 0x07).operandSize()).isEqualTo(4);
    }

    @Test
    void lockableMeansA386LockableInstructionWithMemoryDestination() {
        assertThat(decode(0x01, 0x07).lockable()).isTrue(); // add [bx],ax
        assertThat(decode(0x31, 0x07).lockable()).isTrue(); // xor [bx],ax
        assertThat(decode(0x03, 0x07).lockable()).isFalse(); // add ax,[bx]
        assertThat(decode(0x39, 0x07).lockable()).isFalse(); // cmp [bx],ax
        assertThat(decode(0x01, 0xC0).lockable()).isFalse(); // register destination
        assertThat(decode(0x80, 0x07, 1).lockable()).isTrue();
        assertThat(decode(0x80, 0x3F, 1).lockable()).isFalse(); // cmp byte [bx],1
        assertThat(decode(0xF6, 0x17).lockable()).isTrue(); // not
        assertThat(decode(0xF6, 0x07, 1).lockable()).isFalse(); // test
        assertThat(decode(0xFF, 0x07).lockable()).isTrue(); // inc word [bx]
        assertThat(decode(0xFF, 0x37).lockable()).isFalse(); // push word [bx]
        assertThat(decode(0x87, 0x07).lockable()).isTrue(); // xchg [bx],ax
        assertThat(decode(0x89, 0x07).lockable()).isFalse(); // mov
        assertThat(decode(0x90).lockable()).isFalse();
    }

    @Test
    void stringAndStackInstructionsAreRecognised() {
        assertThat(decode(0xF3, 0xA5).isString()).isTrue();
        assertThat(decode(0x6C).isString()).isTrue();
        assertThat(decode(0xA8, 1).isString()).isFalse(); // test al,imm8 sits between them
        assertThat(decode(0x58).usesStack()).isTrue();
        assertThat(decode(0xC9).usesStack()).isTrue();
        assertThat(decode(0xFF, 0x37).usesStack()).isTrue();
        assertThat(decode(0xFF, 0x27).usesStack()).isFalse(); // jmp [bx]
        assertThat(decode(0x90).usesStack()).isFalse();
    }
}
