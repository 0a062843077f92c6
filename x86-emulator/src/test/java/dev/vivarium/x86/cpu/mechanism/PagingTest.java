package dev.vivarium.x86.cpu.mechanism;

import dev.vivarium.x86.cpu.Cpu;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.vivarium.x86.cpu.mechanism.Code.*;
import static dev.vivarium.x86.cpu.mechanism.Descriptors.*;
import static dev.vivarium.x86.cpu.mechanism.TestMachine.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two-level 4 KiB paging: #PF with CR2 and the error code (P, W/R, U/S), accessed and dirty bits,
 * CR0.WP, user/supervisor, and the TLB with INVLPG (SDM vol. 3, 4.3, 4.7, 4.8, 4.10).
 */
class PagingTest {

    private static final int P = 1, RW = 2, US = 4, ACCESSED = 0x20, DIRTY = 0x40;
    private static final int CR0_WP = 1 << 16;
    /** A page the tests play with, and a second physical frame to remap it to. */
    private static final int PAGE = 0x100000, OTHER_FRAME = 0x200000;

    private final TestMachine m = new TestMachine();

    @BeforeEach
    void identityMapped() {
        m.identityPaging(P | RW | US, P | RW | US);
    }

    private Code pagedRing0() {
        return m.code0().enablePaging(PAGE_DIRECTORY);
    }

    private void assertPageFault(int errorCode, int cr2, int eip) {
        assertThat(m.vectorTaken()).isEqualTo(14);
        assertThat(m.stack(0)).as("error code").isEqualTo(errorCode);
        assertThat(m.cpu.cr(2)).as("CR2").isEqualTo(cr2);
        assertThat(m.stack(1)).as("faulting EIP").isEqualTo(eip);
    }

    @Test
    void notPresentReadAndWriteAtRingZero() {
        m.setPte(PAGE, 0);
        Code c = pagedRing0();
        int faulting = c.here();
        m.load(c.load(EBX, PAGE + 0x234).hlt());

        m.run();

        assertPageFault(0, PAGE + 0x234, faulting);

        TestMachine m2 = new TestMachine();
        m2.identityPaging(P | RW | US, P | RW | US);
        m2.setPte(PAGE, PAGE | RW | US); // not present, other bits set: still not present
        Code c2 = m2.code0().enablePaging(PAGE_DIRECTORY);
        int faulting2 = c2.here();
        m2.load(c2.store(PAGE + 0xFFC, EBX).hlt());
        m2.run();
        assertThat(m2.vectorTaken()).isEqualTo(14);
        assertThat(m2.stack(0)).isEqualTo(2);
        assertThat(m2.cpu.cr(2)).isEqualTo(PAGE + 0xFFC);
        assertThat(m2.stack(1)).isEqualTo(faulting2);
    }

    @Test
    void notPresentPageDirectoryEntryFaultsLikeAMissingTable() {
        m.memory.writeDword(PAGE_DIRECTORY + 4, 0); // 4..8 MiB: no table
        Code c = pagedRing0();
        int faulting = c.here();
        m.load(c.load(EBX, 0x400010).hlt());

        m.run();

        assertPageFault(0, 0x400010, faulting);
    }

    @Test
    void userAccessToASupervisorPage() {
        m.setPte(PAGE, PAGE | P | RW);
        m.load(pagedRing0().loadSeg(DS, DATA3_SEL).iretTo(CODE3_SEL, CODE3, DATA3_SEL, STACK3_TOP, 0x2));
        m.load(m.code3().load(EBX, PAGE + 8));

        m.run();

        assertPageFault(P | US, PAGE + 8, CODE3);
        assertThat(m.stack(2)).isEqualTo(CODE3_SEL);
    }

    @Test
    void userWriteToASupervisorPage() {
        m.setPte(PAGE, PAGE | P | RW);
        m.load(pagedRing0().loadSeg(DS, DATA3_SEL).iretTo(CODE3_SEL, CODE3, DATA3_SEL, STACK3_TOP, 0x2));
        m.load(m.code3().store(PAGE + 8, EBX));

        m.run();

        assertPageFault(P | RW | US, PAGE + 8, CODE3);
    }

    @Test
    void userWriteToAReadOnlyPageFaultsAndWritesNothing() {
        m.setPte(PAGE, PAGE | P | US);
        m.memory.writeDword(PAGE + 0x10, 0x77);
        m.load(pagedRing0().loadSeg(DS, DATA3_SEL).iretTo(CODE3_SEL, CODE3, DATA3_SEL, STACK3_TOP, 0x2));
        m.load(m.code3().movImm(EBX, 5).store(PAGE + 0x10, EBX));

        m.run();

        assertPageFault(P | RW | US, PAGE + 0x10, CODE3 + 5);
        assertThat(m.memory.readDword(PAGE + 0x10)).isEqualTo(0x77);
    }

    @Test
    void readOnlyDirectoryEntryMakesTheWholeTableReadOnlyForUsers() {
        m.memory.writeDword(PAGE_DIRECTORY, PAGE_TABLE | P | US);
        m.load(pagedRing0().loadSeg(DS, DATA3_SEL).iretTo(CODE3_SEL, CODE3, DATA3_SEL, STACK3_TOP, 0x2));
        m.load(m.code3().store(PAGE, EBX));

        m.run();

        // The fault is delivered on the ring-0 stack, which supervisor writes reach with WP=0.
        assertPageFault(P | RW | US, PAGE, CODE3);
    }

    @Test
    void supervisorWriteToAReadOnlyPageSucceedsWithWpClear() {
        m.setPte(PAGE, PAGE | P | US);
        m.load(pagedRing0().movImm(EBX, 0x1234).store(PAGE + 4, EBX).hlt());

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(-1);
        assertThat(m.memory.readDword(PAGE + 4)).isEqualTo(0x1234);
        assertThat(m.pte(PAGE) & DIRTY).isNotZero();
    }

    @Test
    void supervisorWriteToAReadOnlyPageFaultsWithWpSet() {
        m.setPte(PAGE, PAGE | P | US);
        Code c = pagedRing0().movFromCr(EAX, 0).orImm(EAX, CR0_WP).movToCr(0, EAX);
        int faulting = c.here();
        m.load(c.store(PAGE + 4, EBX).hlt());

        m.run();

        assertPageFault(P | RW, PAGE + 4, faulting);
        assertThat(m.memory.readDword(PAGE + 4)).isZero();
        assertThat(m.pte(PAGE) & DIRTY).isZero();
    }

    @Test
    void accessedAndDirtyBitsAreSetInDirectoryAndTableEntries() {
        m.memory.writeDword(PAGE_DIRECTORY, PAGE_TABLE | P | RW | US);
        int page2 = PAGE + 0x1000;
        m.load(pagedRing0().load(EBX, PAGE).store(page2, EBX).hlt());

        m.run();

        assertThat(m.pde() & (ACCESSED | DIRTY)).as("PDE: accessed only").isEqualTo(ACCESSED);
        assertThat(m.pte(PAGE) & (ACCESSED | DIRTY)).as("read page").isEqualTo(ACCESSED);
        assertThat(m.pte(page2) & (ACCESSED | DIRTY)).as("written page").isEqualTo(ACCESSED | DIRTY);
        assertThat(m.pte(PAGE + 0x2000) & (ACCESSED | DIRTY)).as("untouched page").isZero();
    }

    @Test
    void readThenWriteSetsDirtyEvenWhenTheTranslationIsCached() {
        m.load(pagedRing0().load(EBX, PAGE).store(PAGE + 4, EBX).hlt());

        m.run();

        assertThat(m.pte(PAGE) & (ACCESSED | DIRTY)).isEqualTo(ACCESSED | DIRTY);
    }

    @Test
    void changedEntryTakesEffectAfterInvlpg() {
        m.memory.writeDword(PAGE, 1);
        m.memory.writeDword(OTHER_FRAME, 2);
        m.load(pagedRing0()
                .load(EBX, PAGE)                                 // caches the translation
                .storeImm(PAGE_TABLE + (PAGE >>> 12) * 4, OTHER_FRAME | P | RW)
                .load(ECX, PAGE)                                 // the TLB may still hold the old one
                .invlpg(PAGE)
                .load(EDX, PAGE)                                 // now the new entry is walked
                .hlt());

        m.run();

        assertThat(m.cpu.reg(EBX)).isEqualTo(1);
        // This TLB keeps the old translation until INVLPG, as the SDM allows (4.10.4.2); that
        // makes the INVLPG below observable.
        assertThat(m.cpu.reg(ECX)).isEqualTo(1);
        assertThat(m.cpu.reg(EDX)).isEqualTo(2);
    }

    @Test
    void reloadingCr3FlushesTheTlb() {
        m.memory.writeDword(PAGE, 1);
        m.memory.writeDword(OTHER_FRAME, 2);
        m.load(pagedRing0()
                .load(EBX, PAGE)
                .storeImm(PAGE_TABLE + (PAGE >>> 12) * 4, OTHER_FRAME | P | RW)
                .movFromCr(EAX, 3).movToCr(3, EAX)
                .load(EDX, PAGE)
                .hlt());

        m.run();

        assertThat(m.cpu.reg(EDX)).isEqualTo(2);
    }

    @Test
    void instructionFetchFromANotPresentPageReportsTheTargetAddress() {
        int target = PAGE + 0x123;
        m.setPte(PAGE, 0);
        m.load(pagedRing0().jmp(target));

        m.run();

        assertPageFault(0, target, target);
    }

    @Test
    void instructionCrossingIntoANotPresentPageReportsTheSecondPage() {
        // MOV EAX, imm32 starting 2 bytes before the end of a present page.
        int start = PAGE - 2;
        m.setPte(PAGE, 0);
        m.load(m.code(start, 32).movImm(EAX, 0x11223344));
        m.load(pagedRing0().jmp(start));

        m.run();

        assertPageFault(0, PAGE, start);
        assertThat(m.cpu.reg(EAX)).isNotEqualTo(0x11223344);
    }

    @Test
    void userFetchFromASupervisorPage() {
        m.setPte(CODE3, CODE3 | P | RW);
        m.load(pagedRing0().iretTo(CODE3_SEL, CODE3, DATA3_SEL, STACK3_TOP, 0x2));

        m.run();

        assertPageFault(P | US, CODE3, CODE3);
    }

    @Test
    void writeCrossingIntoAReadOnlyPageChangesNeitherPage() {
        // A dword at PAGE-2: two bytes on a writable user page, two on a read-only one.
        m.setPte(PAGE, PAGE | P | US);
        m.memory.writeDword(PAGE - 4, 0xAAAAAAAA);
        m.memory.writeDword(PAGE, 0xBBBBBBBB);
        m.load(pagedRing0().loadSeg(DS, DATA3_SEL).iretTo(CODE3_SEL, CODE3, DATA3_SEL, STACK3_TOP, 0x2));
        Code user = m.code3().movImm(EBX, 0x01020304);
        int faulting = user.here();
        m.load(user.store(PAGE - 2, EBX));

        m.run();

        assertPageFault(P | RW | US, PAGE, faulting);
        assertThat(m.memory.readDword(PAGE - 4)).isEqualTo(0xAAAAAAAA);
        assertThat(m.memory.readDword(PAGE)).isEqualTo(0xBBBBBBBB);
    }

    @Test
    void descriptorTablesAreReadWithSupervisorRightsFromRingThree() {
        // GDT and IDT on supervisor-only pages: ring 3 still loads segments and takes interrupts.
        m.setPte(GDT, GDT | P | RW);
        m.setPte(IDT, IDT | P | RW);
        m.gateTo(0x81, INT_GATE32, handler(0x81), 3);
        m.load(pagedRing0().iretTo(CODE3_SEL, CODE3, DATA3_SEL, STACK3_TOP, 0x2));
        m.load(m.code3().loadSeg(FS, DATA3_SEL).intN(0x81));

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(0x81);
        assertThat(m.cpu.segmentSelector(FS)).isEqualTo(DATA3_SEL);
    }

    @Test
    void pageFaultWhoseDeliveryFaultsBecomesADoubleFault() {
        // #PF, then #NP on its handler's code segment: page fault followed by a contributory
        // fault is #DF (SDM table 6-5), error code 0, pointing at the faulting instruction.
        int absent = FREE_SEL;
        m.gdt(absent, notPresent(flatCode(0)));
        m.idt(14, gate(INT_GATE32, absent, handler(14), 0, 0));
        m.setPte(PAGE, 0);
        Code c = pagedRing0();
        int faulting = c.here();
        m.load(c.load(EBX, PAGE).hlt());

        m.run();

        assertThat(m.vectorTaken()).isEqualTo(8);
        assertThat(m.stack(0)).isZero();
        assertThat(m.stack(1)).isEqualTo(faulting);
        assertThat(m.cpu.cr(2)).isEqualTo(PAGE);
    }

    @Test
    void pagingNeedsProtectedMode() {
        // MOV CR0 with PG=1 and PE=0 is #GP(0); in real mode it goes through the IVT.
        TestMachine real = new TestMachine();
        real.realModeHandler(0x8000, 13, 0x500);
        real.load(real.code(BOOT, 16).osize().movImm(EAX, 0x80000000).movToCr(0, EAX).hlt());

        assertThat(real.run()).isEqualTo(Cpu.Exit.HALT);

        assertThat(real.cpu.eip()).isEqualTo(0x501);
        assertThat(real.cpu.cr(0) & 0x80000001).isZero();
        assertThat(real.memory.readWord(0x8000 - 6)).as("pushed IP").isEqualTo(BOOT + 6);
    }

    @Test
    void repMovsFaultingMidwayResumesWhereItStoppedOnceTheHandlerMapsThePage() {
        // Demand paging: REP MOVSB reads across into a not-present page. The fault leaves ESI,
        // EDI and ECX at the first byte not yet copied and EIP on the REP MOVSB; the handler maps
        // the page, drops the error code and IRETs; the copy then completes.
        int src = PAGE - 0x10, dst = DATA, pf = DATA + 0x800;
        for (int i = 0; i < 0x20; i++) {
            m.memory.writeByte(src + i, 0x40 + i);
        }
        m.setPte(PAGE, PAGE | RW | US);
        m.load(m.code(pf, 32)
                .mov(EBP, ECX)                                                   // ECX at the fault
                .storeImm(PAGE_TABLE + (PAGE >>> 12) * 4, PAGE | P | RW | US)
                .addImm(ESP, 4)
                .iret());
        m.gateTo(14, INT_GATE32, pf, 0);
        Code c = pagedRing0().movImm(ESI, src).movImm(EDI, dst).movImm(ECX, 0x20).db(0xFC); // CLD
        int rep = c.here();
        m.load(c.db(0xF3, 0xA4).hlt()); // REP MOVSB

        assertThat(m.run()).isEqualTo(Cpu.Exit.HALT);

        assertThat(m.cpu.eip()).isEqualTo(rep + 3);
        assertThat(m.cpu.reg(EBP)).as("ECX when the fault hit").isEqualTo(0x10);
        assertThat(m.cpu.cr(2)).isEqualTo(PAGE);
        assertThat(m.cpu.reg(ECX)).isZero();
        assertThat(m.cpu.reg(ESI)).isEqualTo(src + 0x20);
        for (int i = 0; i < 0x20; i++) {
            assertThat(m.memory.readByte(dst + i)).as("byte %d", i).isEqualTo(0x40 + i);
        }
        assertThat(m.cpu.reg(Cpu.ESP)).isEqualTo(STACK0_TOP);
    }
}
