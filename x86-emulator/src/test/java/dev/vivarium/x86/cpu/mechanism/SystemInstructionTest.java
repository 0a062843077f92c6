package dev.vivarium.x86.cpu.mechanism;

import dev.vivarium.x86.cpu.Cpu;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static dev.vivarium.x86.cpu.mechanism.Code.*;
import static dev.vivarium.x86.cpu.mechanism.Descriptors.*;
import static dev.vivarium.x86.cpu.mechanism.TestMachine.*;
import static org.assertj.core.api.Assertions.assertThat;

/** CPUID, LAR/LSL/VERR/VERW, ARPL, SMSW/LMSW/CLTS, the table registers and debug registers. */
class SystemInstructionTest {

    private static final int ZF = 0x40;
    private static final int SEG = FREE_SEL;

    private final TestMachine m = new TestMachine();

    private void runRing0(Code c) {
        m.load(c.hlt());
        assertThat(m.run()).isEqualTo(Cpu.Exit.HALT);
        assertThat(m.vectorTaken()).as("no exception").isEqualTo(-1);
    }

    private boolean zf() {
        return (m.cpu.eflags() & ZF) != 0;
    }

    @Test
    void cpuidLeafZeroNamesTheHighestLeafAndTheVendor() {
        runRing0(m.code0().xor(EAX, EAX).cpuid());

        assertThat(m.cpu.reg(EAX)).isEqualTo(1);
        ByteBuffer vendor = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(m.cpu.reg(EBX)).putInt(m.cpu.reg(EDX)).putInt(m.cpu.reg(ECX));
        assertThat(new String(vendor.array(), StandardCharsets.US_ASCII)).isEqualTo("VivariumVCPU");
    }

    @Test
    void cpuidLeafOneReportsExactlyFpuTscCx8AndCmov() {
        runRing0(m.code0().movImm(EAX, 1).cpuid());

        assertThat(m.cpu.reg(EAX)).as("family 6 model 1 stepping 0").isEqualTo(0x610);
        assertThat(m.cpu.reg(EDX)).isEqualTo(1 | 1 << 4 | 1 << 8 | 1 << 15);
        assertThat(m.cpu.reg(EDX) & 1 << 24).as("no FXSAVE").isZero();
        assertThat(m.cpu.reg(ECX)).isZero();
    }

    @Test
    void aModelWithoutAnFpuDoesNotReportOne() {
        m.cpu.setFpuPresent(false);
        runRing0(m.code0().movImm(EAX, 1).cpuid());

        assertThat(m.cpu.reg(EDX)).isEqualTo(1 << 4 | 1 << 8 | 1 << 15);
    }

    @Test
    void cpuidIsDetectableThroughTheIdFlagAndAcIsWritable() {
        // The classic probe: flip EFLAGS.ID (bit 21) and AC (bit 18) and see whether they stick.
        runRing0(m.code0().pushf().pop(EAX).mov(ECX, EAX).db(0x35).dword(0x240000) // XOR EAX, 0x240000
                .push(EAX).popf().pushf().pop(EBX));

        assertThat((m.cpu.reg(EBX) ^ m.cpu.reg(ECX)) & 0x240000).isEqualTo(0x240000);
    }

    @Test
    void cmpxchg8bAndCmovDoWhatCpuidPromises() {
        m.memory.writeDword(DATA, 1);
        m.memory.writeDword(DATA + 4, 2);
        runRing0(m.code0().movImm(EAX, 1).movImm(EDX, 2).movImm(EBX, 3).movImm(ECX, 4)
                .db(0x0F, 0xC7, 0x0D).dword(DATA)        // CMPXCHG8B [DATA]
                .movImm(ESI, 9).db(0x0F, 0x44, 0xFE));      // CMOVE EDI, ESI (ZF from CMPXCHG8B)

        assertThat(m.memory.readDword(DATA)).isEqualTo(3);
        assertThat(m.memory.readDword(DATA + 4)).isEqualTo(4);
        assertThat(m.cpu.reg(EDI)).isEqualTo(9);
    }

    @Test
    void larReturnsTheAccessRightsOfSegmentsTssAndCallGates() {
        m.gdt(SEG, segment(0x12345678, 0xABCDE, PRESENT | 2 << 5 | S | DATA_RW, G | DB));
        m.gdt(SEG + 8, gate(CALL_GATE32, CODE0_SEL, 0, 3, 0));
        m.gdt(SEG + 16, gate(INT_GATE32, CODE0_SEL, 0, 3, 0));
        runRing0(m.code0()
                .movImm(ECX, SEG).lar(EAX, ECX).pushf()
                .movImm(ECX, TSS_SEL).lar(EBX, ECX).pushf()
                .movImm(ECX, SEG + 8).lar(EDX, ECX).pushf()
                .movImm(ESI, 0x5A5A).movImm(ECX, SEG + 16).lar(ESI, ECX).pushf()
                .movImm(EDI, 0x5A5A).movImm(ECX, 0).lar(EDI, ECX).pushf()
                .movImm(EBP, 0x5A5A).movImm(ECX, GDT_ENTRIES * 8).lar(EBP, ECX).pushf());

        // Descriptor bits 8..23 of the high dword: type, S, DPL, P, limit 19:16, AVL, D/B, G.
        assertThat(m.cpu.reg(EAX)).isEqualTo(0x00CAD200);
        assertThat(m.cpu.reg(EBX)).as("busy 32-bit TSS").isEqualTo(0x00008B00);
        assertThat(m.cpu.reg(EDX)).isEqualTo(0x0000EC00);
        assertThat(m.cpu.reg(ESI)).as("interrupt gates are not valid for LAR").isEqualTo(0x5A5A);
        assertThat(m.cpu.reg(EDI)).as("null selector").isEqualTo(0x5A5A);
        assertThat(m.cpu.reg(EBP)).as("beyond the GDT").isEqualTo(0x5A5A);
        int[] zf = new int[6];
        for (int i = 0; i < 6; i++) {
            zf[i] = m.stack(5 - i) & ZF;
        }
        assertThat(zf).containsExactly(ZF, ZF, ZF, 0, 0, 0);
    }

    @Test
    void lslReturnsTheByteLimitAndRejectsGates() {
        m.gdt(SEG, segment(0, 0x1234, PRESENT | S | DATA_RW, 0));
        m.gdt(SEG + 8, gate(CALL_GATE32, CODE0_SEL, 0, 0, 0));
        runRing0(m.code0()
                .movImm(ECX, SEG).lsl(EAX, ECX).pushf()
                .movImm(ECX, DATA0_SEL).lsl(EBX, ECX).pushf()
                .movImm(ECX, TSS_SEL).lsl(EDX, ECX).pushf()
                .movImm(ESI, 77).movImm(ECX, SEG + 8).lsl(ESI, ECX).pushf());

        assertThat(m.cpu.reg(EAX)).isEqualTo(0x1234);
        assertThat(m.cpu.reg(EBX)).as("page-granular flat limit").isEqualTo(0xFFFFFFFF);
        assertThat(m.cpu.reg(EDX)).isEqualTo(TSS_LIMIT);
        assertThat(m.cpu.reg(ESI)).isEqualTo(77);
        assertThat(m.stack(3) & ZF).isEqualTo(ZF);
        assertThat(m.stack(0) & ZF).isZero();
    }

    @Test
    void larAndLslFromRingThreeSeeOnlyWhatTheCplMayUse() {
        m.gdt(SEG, segment(0, 0xFFFFF, PRESENT | S | CODE_XR_CONFORMING, G | DB));
        m.enterUserMode(0x2);
        m.gateTo(0x81, INT_GATE32, handler(0x81), 3);
        m.load(m.code3()
                .movImm(EAX, 1).movImm(ECX, DATA0_SEL).lar(EAX, ECX).pushf()
                .movImm(ECX, SEG).lar(EBX, ECX).pushf()
                .movImm(ECX, DATA3_SEL).lsl(EDX, ECX).pushf()
                .pop(EBP).pop(EDI).pop(ESI).intN(0x81));

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(0x81);
        assertThat(m.cpu.reg(EAX)).isEqualTo(1);
        assertThat(m.cpu.reg(ESI) & ZF).as("DPL 0 data: invisible").isZero();
        assertThat(m.cpu.reg(EDI) & ZF).as("conforming code: visible").isEqualTo(ZF);
        assertThat(m.cpu.reg(EBP) & ZF).isEqualTo(ZF);
        assertThat(m.cpu.reg(EDX)).isEqualTo(0xFFFFFFFF);
    }

    @Test
    void verrAndVerwFollowTheSegmentType() {
        m.gdt(SEG, segment(0, 0xFFFF, PRESENT | S | DATA_RO, 0));
        m.gdt(SEG + 8, segment(0, 0xFFFF, PRESENT | S | CODE_X, 0));
        m.gdt(SEG + 16, segment(0, 0xFFFF, PRESENT | S | CODE_XR, 0));
        Code c = m.code0();
        int[] sels = {DATA0_SEL, SEG, SEG + 8, SEG + 16, TSS_SEL, 0};
        for (int sel : sels) {
            c.movImm(ECX, sel).verr(ECX).pushf().verw(ECX).pushf();
        }
        runRing0(c);

        boolean[] readable = new boolean[sels.length], writable = new boolean[sels.length];
        for (int i = 0; i < sels.length; i++) {
            int top = 2 * (sels.length - 1 - i);
            writable[i] = (m.stack(top) & ZF) != 0;
            readable[i] = (m.stack(top + 1) & ZF) != 0;
        }
        assertThat(readable).containsExactly(true, true, false, true, false, false);
        assertThat(writable).containsExactly(true, false, false, false, false, false);
    }

    @Test
    void verwFromRingThreeRejectsRingZeroData() {
        m.enterUserMode(0x2);
        m.gateTo(0x81, INT_GATE32, handler(0x81), 3);
        m.load(m.code3().movImm(ECX, DATA0_SEL).verw(ECX).pushf().pop(EBX)
                .movImm(ECX, DATA3_SEL).verw(ECX).pushf().pop(ESI).intN(0x81));

        m.run();

        assertThat(m.cpu.reg(EBX) & ZF).isZero();
        assertThat(m.cpu.reg(ESI) & ZF).isEqualTo(ZF);
    }

    @Test
    void arplRaisesTheRplToTheSourcesAndReportsItInZf() {
        runRing0(m.code0()
                .movImm(EAX, 0x10).movImm(ECX, 0x23).arpl(EAX, ECX).pushf()
                .movImm(EBX, 0x13).movImm(ECX, 0x21).arpl(EBX, ECX).pushf());

        assertThat(m.cpu.reg(EAX)).isEqualTo(0x13);
        assertThat(m.cpu.reg(EBX)).isEqualTo(0x13);
        assertThat(m.stack(1) & ZF).isEqualTo(ZF);
        assertThat(m.stack(0) & ZF).isZero();
    }

    @Test
    void lmswSetsMpEmTsButCannotClearPeAndCltsClearsTs() {
        runRing0(m.code0().movImm(EAX, 0).lmsw(EAX).smsw(EBX)
                .movImm(EAX, 0xE).lmsw(EAX).smsw(ECX)
                .clts().smsw(EDX));

        assertThat(m.cpu.reg(EBX) & 0xF).as("PE stays set").isEqualTo(1);
        assertThat(m.cpu.reg(ECX) & 0xF).isEqualTo(0xF);
        assertThat(m.cpu.reg(EDX) & 0xF).isEqualTo(0x7);
        assertThat(m.cpu.cr(0) & 0xF).isEqualTo(0x7);
    }

    @Test
    void lmswCanEnterProtectedModeFromRealMode() {
        m.load(m.code(BOOT, 16).movImm(EAX, 1).lmsw(EAX).smsw(EBX).hlt());

        m.run();

        assertThat(m.cpu.cr(0) & 1).isEqualTo(1);
        assertThat(m.cpu.reg(EBX) & 0xFFFF & 1).isEqualTo(1);
    }

    @Test
    void sgdtSidtStrSldtReadBackTheTableRegisters() {
        runRing0(m.code0().sgdt(DATA).db(0x0F, 0x01, 0x0D).dword(DATA + 8) // SIDT [DATA+8]
                .str(EAX).sldt(EBX));

        assertThat(m.memory.readWord(DATA)).isEqualTo(GDT_ENTRIES * 8 - 1);
        assertThat(m.memory.readDword(DATA + 2)).isEqualTo(GDT);
        assertThat(m.memory.readWord(DATA + 8)).isEqualTo(0x7FF);
        assertThat(m.memory.readDword(DATA + 10)).isEqualTo(IDT);
        assertThat(m.cpu.reg(EAX)).isEqualTo(TSS_SEL);
        assertThat(m.cpu.reg(EBX)).isZero();
    }

    @Test
    void ltrOfABusyTssRaisesGp() {
        m.load(m.code0().osize().movImm(EAX, TSS_SEL).ltr(EAX).hlt());
        m.run();

        assertThat(m.vectorTaken()).isEqualTo(13);
        assertThat(m.stack(0)).isEqualTo(TSS_SEL);
    }

    @Test
    void ltrRejectsNullAndNonTssDescriptors() {
        m.load(m.code0().osize().movImm(EAX, DATA0_SEL).ltr(EAX).hlt());
        m.run();
        assertThat(m.vectorTaken()).isEqualTo(13);
        assertThat(m.stack(0)).isEqualTo(DATA0_SEL);

        TestMachine m2 = new TestMachine();
        m2.load(m2.code0().osize().movImm(EAX, 0).ltr(EAX).hlt());
        m2.run();
        assertThat(m2.vectorTaken()).isEqualTo(13);
        assertThat(m2.stack(0)).isZero();
    }

    @Test
    void lldtRejectsADescriptorThatIsNoLdtAndAcceptsNull() {
        m.load(m.code0().osize().movImm(EAX, 0).lldt(EAX).osize().movImm(EAX, DATA0_SEL).lldt(EAX).hlt());
        m.run();

        assertThat(m.vectorTaken()).isEqualTo(13);
        assertThat(m.stack(0)).isEqualTo(DATA0_SEL);
    }

    @Test
    void cr4AcceptsOnlyTheBitsThisProcessorHas() {
        // PSE (bit 4) is not reported by CPUID, so setting it is #GP(0); TSD (bit 2) works.
        m.load(m.code0().movImm(EAX, 4).movToCr(4, EAX).movImm(EAX, 0x10).movToCr(4, EAX).hlt());
        m.run();

        assertThat(m.vectorTaken()).isEqualTo(13);
        assertThat(m.stack(0)).isZero();
        assertThat(m.cpu.cr(4)).isEqualTo(4);
    }

    @Test
    void debugRegistersHoldAddressesAndDr6ReadsItsFixedOnes() {
        runRing0(m.code0().movImm(EAX, 0x12345678).db(0x0F, 0x23, 0xC0) // MOV DR0, EAX
                .db(0x0F, 0x21, 0xC3)                                  // MOV EBX, DR0
                .movImm(EAX, 0).db(0x0F, 0x23, 0xF0)                   // MOV DR6, EAX
                .db(0x0F, 0x21, 0xF1)                                  // MOV ECX, DR6
                .db(0x0F, 0x21, 0xFA));                                // MOV EDX, DR7

        assertThat(m.cpu.reg(EBX)).isEqualTo(0x12345678);
        assertThat(m.cpu.reg(ECX)).isEqualTo(0xFFFF0FF0);
        assertThat(m.cpu.reg(EDX)).isEqualTo(0x400);
    }

    @Test
    void protectedModeOnlyInstructionsAreUndefinedInRealMode() {
        for (int[] insn : new int[][]{{0x0F, 0x00, 0xC0}, {0x0F, 0x02, 0xC1}, {0x0F, 0x00, 0xE1}, {0x63, 0xC8}}) {
            TestMachine real = new TestMachine();
            real.realModeHandler(0x8000, 6, 0x500);
            real.load(real.code(BOOT, 16).db(insn).hlt());

            real.run();

            assertThat(real.cpu.eip()).as("#UD handler").isEqualTo(0x501);
            assertThat(real.memory.readWord(0x8000 - 6)).as("IP of the instruction").isEqualTo(BOOT);
        }
    }

    @Test
    void cr0ExtensionTypeReadsOneAsOnTheP6Family() {
        // SDM vol. 3, 2.5: ET is hardwired to 1 on P6-family processors, the family CPUID reports.
        runRing0(m.code0().movFromCr(EBX, 0).movImm(EAX, 1).movToCr(0, EAX) // PE only, ET clear
                .movFromCr(ECX, 0));

        assertThat(m.cpu.reg(EBX) & 0x10).isEqualTo(0x10);
        assertThat(m.cpu.reg(ECX)).isEqualTo(0x11);
    }
}
