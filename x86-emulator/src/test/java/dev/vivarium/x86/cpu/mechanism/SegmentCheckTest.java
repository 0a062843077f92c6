package dev.vivarium.x86.cpu.mechanism;

import dev.vivarium.x86.cpu.Cpu;
import org.junit.jupiter.api.Test;

import static dev.vivarium.x86.cpu.mechanism.Code.*;
import static dev.vivarium.x86.cpu.mechanism.Descriptors.*;
import static dev.vivarium.x86.cpu.mechanism.TestMachine.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Segment register loads and segment-relative accesses: the descriptor checks and error codes of
 * MOV Sreg (SDM vol. 2, MOV), limits including expand-down, and the rights of the segment types.
 */
class SegmentCheckTest {

    private static final int SEG = FREE_SEL, SEG_BASE = DATA;

    private final TestMachine m = new TestMachine();

    /** Runs ring-0 code that ends in HLT; returns the vector taken (-1 when the code reached its HLT). */
    private int runRing0(Code code) {
        m.load(code.hlt());
        assertThat(m.run()).isEqualTo(Cpu.Exit.HALT);
        return m.vectorTaken();
    }

    @Test
    void selectorBeyondTheGdtLimitRaisesGpWithTheSelector() {
        Code c = m.code0().movImm(EBX, 1).loadSeg(DS, GDT_ENTRIES * 8 + 3);
        int faulting = c.here() - 2;

        assertThat(runRing0(c)).isEqualTo(13);
        assertThat(m.stack(0)).as("RPL bits dropped").isEqualTo(GDT_ENTRIES * 8);
        assertThat(m.stack(1)).isEqualTo(faulting);
        assertThat(m.cpu.segmentSelector(DS)).isEqualTo(DATA0_SEL);
    }

    @Test
    void systemDescriptorInADataSegmentRegisterRaisesGp() {
        assertThat(runRing0(m.code0().loadSeg(ES, TSS_SEL))).isEqualTo(13);
        assertThat(m.stack(0)).isEqualTo(TSS_SEL);
    }

    @Test
    void executeOnlyCodeCannotBeLoadedIntoDsButReadableCodeCan() {
        m.gdt(SEG, segment(0, 0xFFFFF, PRESENT | S | CODE_X, G | DB));
        m.gdt(SEG + 8, segment(0, 0xFFFFF, PRESENT | S | CODE_XR, G | DB));

        assertThat(runRing0(m.code0().loadSeg(FS, SEG + 8).loadSeg(DS, SEG))).isEqualTo(13);
        assertThat(m.stack(0)).isEqualTo(SEG);
        assertThat(m.cpu.segmentSelector(FS)).isEqualTo(SEG + 8);
    }

    @Test
    void rplAboveDplRaisesGp() {
        assertThat(runRing0(m.code0().loadSeg(DS, DATA0_SEL | 3))).isEqualTo(13);
        assertThat(m.stack(0)).isEqualTo(DATA0_SEL);
    }

    @Test
    void ringThreeCannotLoadARingZeroDataSegment() {
        m.enterUserMode(0x2);
        m.load(m.code3().loadSeg(DS, DATA0_SEL));

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(13);
        assertThat(m.stack(0)).isEqualTo(DATA0_SEL);
        assertThat(m.stack(2)).isEqualTo(CODE3_SEL);
    }

    @Test
    void stackSegmentMustBeWritableDataAtCplWithMatchingRpl() {
        m.gdt(SEG, segment(0, 0xFFFFF, PRESENT | S | DATA_RO, G | DB));
        assertThat(runRing0(m.code0().loadSeg(SS, SEG))).isEqualTo(13);
        assertThat(m.stack(0)).isEqualTo(SEG);
    }

    @Test
    void stackSelectorWithRplNotCplRaisesGp() {
        assertThat(runRing0(m.code0().loadSeg(SS, DATA0_SEL | 1))).isEqualTo(13);
        assertThat(m.stack(0)).isEqualTo(DATA0_SEL);
    }

    @Test
    void nullStackSelectorRaisesGpZeroButNullDataSelectorLoads() {
        assertThat(runRing0(m.code0().loadSeg(ES, 3).loadSeg(SS, 0))).isEqualTo(13);
        assertThat(m.stack(0)).isZero();
        assertThat(m.cpu.segmentSelector(ES)).isEqualTo(3);
    }

    @Test
    void notPresentDataSegmentRaisesNpAndNotPresentStackRaisesSs() {
        m.gdt(SEG, notPresent(flatData(0)));
        assertThat(runRing0(m.code0().loadSeg(DS, SEG))).isEqualTo(11);
        assertThat(m.stack(0)).isEqualTo(SEG);

        TestMachine m2 = new TestMachine();
        m2.gdt(SEG, notPresent(flatData(0)));
        m2.load(m2.code0().loadSeg(SS, SEG).hlt());
        m2.run();
        assertThat(m2.vectorTaken()).isEqualTo(12);
        assertThat(m2.stack(0)).isEqualTo(SEG);
    }

    @Test
    void accessThroughANullSelectorRaisesGpZero() {
        Code c = m.code0().loadSeg(ES, 0).db(0x26).load(EAX, DATA); // ES: MOV EAX, [DATA]
        assertThat(runRing0(c)).isEqualTo(13);
        assertThat(m.stack(0)).isZero();
    }

    @Test
    void loadingASegmentSetsItsAccessedBit() {
        long d = flatData(0);
        m.gdt(SEG, d);
        assertThat(m.gdtEntry(SEG) >>> 40 & 1).isZero();

        assertThat(runRing0(m.code0().loadSeg(GS, SEG))).isEqualTo(-1);

        assertThat(m.gdtEntry(SEG)).isEqualTo(d | 1L << 40);
    }

    @Test
    void localDescriptorTableSelectorsWorkAfterLldtAndFaultWithoutIt() {
        int ldtSel = SEG;
        m.gdt(ldtSel, segment(LDT_BASE, 0xF, PRESENT | LDT, 0));
        m.ldt(0x8, segment(SEG_BASE, 0xFFF, PRESENT | S | DATA_RW, DB));
        m.memory.writeDword(SEG_BASE + 0x10, 0xCAFEF00D);
        Code c = m.code0()
                .loadSeg(ES, 0x0C); // TI=1 before LLDT: no LDT yet
        int faulting = c.here() - 2;

        assertThat(runRing0(c)).isEqualTo(13);
        assertThat(m.stack(0)).isEqualTo(0x0C);
        assertThat(m.stack(1)).isEqualTo(faulting);

        TestMachine m2 = new TestMachine();
        m2.gdt(ldtSel, segment(LDT_BASE, 0xF, PRESENT | LDT, 0));
        m2.ldt(0x8, segment(SEG_BASE, 0xFFF, PRESENT | S | DATA_RW, DB));
        m2.memory.writeDword(SEG_BASE + 0x10, 0xCAFEF00D);
        m2.load(m2.code0().osize().movImm(EAX, ldtSel).lldt(EAX).loadSeg(ES, 0x0C)
                .db(0x26).load(EBX, 0x10).sldt(ECX).hlt());
        m2.run();
        assertThat(m2.vectorTaken()).isEqualTo(-1);
        assertThat(m2.cpu.reg(EBX)).isEqualTo(0xCAFEF00D);
        assertThat(m2.cpu.segmentBase(ES)).isEqualTo(SEG_BASE);
        assertThat(m2.cpu.reg(ECX) & 0xFFFF).isEqualTo(ldtSel);
        // An LDT selector beyond the LDT's limit (16 bytes: entries 0 and 1).
        TestMachine m3 = new TestMachine();
        m3.gdt(ldtSel, segment(LDT_BASE, 0xF, PRESENT | LDT, 0));
        m3.load(m3.code0().osize().movImm(EAX, ldtSel).lldt(EAX).loadSeg(ES, 0x17).hlt());
        m3.run();
        assertThat(m3.vectorTaken()).isEqualTo(13);
        assertThat(m3.stack(0)).isEqualTo(0x14);
    }

    @Test
    void readPastTheLimitRaisesGpZeroAndTheLastDwordInsideWorks() {
        m.gdt(SEG, segment(SEG_BASE, 0xFF, PRESENT | S | DATA_RW, DB));
        m.memory.writeDword(SEG_BASE + 0xFC, 0x01020304);
        Code c = m.code0().loadSeg(DS, SEG).load(EBX, 0xFC).load(ECX, 0xFD);
        int faulting = c.here() - 6;

        assertThat(runRing0(c)).isEqualTo(13);
        assertThat(m.stack(0)).isZero();
        assertThat(m.stack(1)).isEqualTo(faulting);
        assertThat(m.cpu.reg(EBX)).isEqualTo(0x01020304);
    }

    @Test
    void pageGranularLimitCoversWholePages() {
        // Limit field 1 with G=1: the limit is 0x1FFF.
        m.gdt(SEG, segment(SEG_BASE, 0x1, PRESENT | S | DATA_RW, G | DB));
        assertThat(runRing0(m.code0().loadSeg(DS, SEG).load(EBX, 0x1FFC).load(ECX, 0x2000))).isEqualTo(13);
        assertThat(m.cpu.segmentLimit(DS)).isEqualTo(0x1FFF);
    }

    @Test
    void stackAccessPastTheLimitRaisesSsZero() {
        // A 256-byte ring-3 stack with ESP at its bottom: the second PUSH wraps below offset 0,
        // past the limit. #SS(0) goes to ring 0 on the TSS stack, restarting at the PUSH.
        m.gdt(SEG | 3, segment(SEG_BASE, 0xFF, PRESENT | 3 << 5 | S | DATA_RW, DB));
        m.enterUserMode(0x2);
        Code c = m.code3().loadSeg(SS, SEG | 3).movImm(ESP, 4).pushImm(1);
        int faulting = c.here();
        m.load(c.pushImm(2));

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(12);
        assertThat(m.stack(0)).isZero();
        assertThat(m.stack(1)).isEqualTo(faulting);
        assertThat(m.stack(4)).as("ESP as before the faulting PUSH").isZero();
        assertThat(m.stack(5)).isEqualTo(SEG | 3);
        assertThat(m.memory.readDword(SEG_BASE)).isEqualTo(1);
    }

    @Test
    void exhaustedRingZeroStackEndsInTripleFault() {
        // At CPL 0 there is no stack switch: the #SS cannot be pushed (#DF), nor the #DF: shutdown.
        m.gdt(SEG, segment(SEG_BASE, 0xFF, PRESENT | S | DATA_RW, DB));
        m.load(m.code0().loadSeg(SS, SEG).movImm(ESP, 4).pushImm(1).pushImm(2).hlt());

        assertThat(m.run()).isEqualTo(Cpu.Exit.SHUTDOWN);
        assertThat(m.cpu.isShutdown()).isTrue();
    }

    @Test
    void expandDownSegmentAllowsOnlyOffsetsAboveTheLimit() {
        // Expand-down, B=1: valid offsets are limit+1 .. 0xFFFFFFFF.
        m.gdt(SEG, segment(0, 0xFFF, PRESENT | S | DATA_RW_DOWN, DB));
        m.memory.writeDword(DATA, 0x55AA55AA);
        Code c = m.code0().loadSeg(DS, SEG).load(EBX, DATA).load(ECX, 0xFFE);
        int faulting = c.here() - 6;

        assertThat(runRing0(c)).isEqualTo(13);
        assertThat(m.stack(0)).isZero();
        assertThat(m.stack(1)).isEqualTo(faulting);
        assertThat(m.cpu.reg(EBX)).isEqualTo(0x55AA55AA);
    }

    @Test
    void sixteenBitExpandDownSegmentEndsAtFfff() {
        // B=0: the upper bound is 0xFFFF, so a dword at 0xFFFC fits and one at 0xFFFE does not.
        m.gdt(SEG, segment(SEG_BASE, 0xFFF, PRESENT | S | DATA_RW_DOWN, 0));
        m.memory.writeDword(SEG_BASE + 0xFFFC, 0x12345678);
        Code c = m.code0().loadSeg(DS, SEG).load(EBX, 0xFFFC).load(ECX, 0xFFFE);

        assertThat(runRing0(c)).isEqualTo(13);
        assertThat(m.cpu.reg(EBX)).isEqualTo(0x12345678);
    }

    @Test
    void expandDownStackSegmentGrowsDownToItsLimit() {
        // The classic use: SS expand-down with limit 0xFFF; pushes at offsets above 0x1000 work.
        m.gdt(SEG, segment(0, 0xFFF, PRESENT | S | DATA_RW_DOWN, DB));
        m.load(m.code0().loadSeg(SS, SEG).movImm(ESP, 0x1008).pushImm(1).pushImm(2).mov(EBX, ESP).hlt());

        assertThat(m.run()).isEqualTo(Cpu.Exit.HALT);

        assertThat(m.vectorTaken()).isEqualTo(-1);
        assertThat(m.cpu.reg(EBX)).isEqualTo(0x1000);
        assertThat(m.memory.readDword(0x1000)).isEqualTo(2);
    }

    @Test
    void writeToReadOnlyDataRaisesGpZeroAndLeavesMemory() {
        m.gdt(SEG, segment(SEG_BASE, 0xFFF, PRESENT | S | DATA_RO, DB));
        m.memory.writeDword(SEG_BASE + 8, 77);
        Code c = m.code0().loadSeg(DS, SEG).movImm(EBX, 99).store(8, EBX);

        assertThat(runRing0(c)).isEqualTo(13);
        assertThat(m.stack(0)).isZero();
        assertThat(m.memory.readDword(SEG_BASE + 8)).isEqualTo(77);
    }

    @Test
    void writeThroughCodeSegmentOverrideRaisesGpZero() {
        Code c = m.code0().movImm(EBX, 99).db(0x2E).store(DATA, EBX); // CS: MOV [DATA], EBX
        assertThat(runRing0(c)).isEqualTo(13);
        assertThat(m.stack(0)).isZero();
        assertThat(m.memory.readDword(DATA)).isZero();
    }

    @Test
    void readThroughExecuteOnlyCodeSegmentRaisesGp() {
        m.gdt(SEG, segment(0, 0xFFFFF, PRESENT | S | CODE_X, G | DB));
        int target = DATA + 0x300;
        m.load(m.code(target, 32).db(0x2E).load(EBX, DATA).hlt()); // CS: MOV EBX, [DATA]
        assertThat(runRing0(m.code0().jmpFar(SEG, target))).isEqualTo(13);
        assertThat(m.stack(0)).isZero();
        assertThat(m.stack(2)).isEqualTo(SEG);
    }

    @Test
    void farJumpBeyondTheTargetLimitRaisesGpZero() {
        m.gdt(SEG, segment(0, 0xFFFF, PRESENT | S | CODE_XR, DB));
        assertThat(runRing0(m.code0().jmpFar(SEG, 0x10000))).isEqualTo(13);
        assertThat(m.stack(0)).isZero();
        assertThat(m.stack(2)).as("CS not changed").isEqualTo(CODE0_SEL);
    }

    @Test
    void segmentBaseIsAddedToEveryOffset() {
        m.gdt(SEG, segment(SEG_BASE, 0xFFFF, PRESENT | S | DATA_RW, DB));
        m.memory.writeDword(SEG_BASE + 0x20, 0xABCD1234);
        Code c = m.code0().loadSeg(ES, SEG).db(0x26).load(EBX, 0x20).movImm(ECX, 5).db(0x26).store(0x24, ECX);

        assertThat(runRing0(c)).isEqualTo(-1);
        assertThat(m.cpu.reg(EBX)).isEqualTo(0xABCD1234);
        assertThat(m.memory.readDword(SEG_BASE + 0x24)).isEqualTo(5);
    }

    @Test
    void runningOffTheEndOfTheCodeSegmentRaisesGpAtTheInstruction() {
        // A 16-byte code segment of NOPs followed by a MOV EAX, imm32 that straddles its limit.
        m.gdt(SEG, segment(DATA, 0xF, PRESENT | S | CODE_XR, DB));
        Code small = m.code(DATA, 32);
        for (int i = 0; i < 14; i++) {
            small.nop();
        }
        m.load(small.movImm(EAX, 0x12345678));

        assertThat(runRing0(m.code0().jmpFar(SEG, 0))).isEqualTo(13);
        assertThat(m.stack(0)).isZero();
        assertThat(m.stack(1)).isEqualTo(14);
        assertThat(m.stack(2)).isEqualTo(SEG);
    }

    @Test
    void popSsAdvancesEspByTheOldStackSize() {
        // POP SS from a 32-bit stack into a 16-bit one: the pop itself still belongs to the old
        // stack, so all of ESP moves on (0x7FFFC -> 0x80000), not only SP.
        m.gdt(SEG, segment(0, 0xFFFF, PRESENT | S | DATA_RW, 0));
        runRing0(m.code0().movImm(ESP, STACK0_TOP).pushImm(SEG).popSeg(SS).mov(EBX, ESP));

        assertThat(m.cpu.reg(EBX)).isEqualTo(STACK0_TOP);
        assertThat(m.cpu.segmentSelector(SS)).isEqualTo(SEG);
    }
}
