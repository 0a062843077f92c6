package dev.vivarium.x86.cpu.mechanism;

import dev.vivarium.x86.bus.InterruptLine;
import dev.vivarium.x86.cpu.Cpu;

import static dev.vivarium.x86.cpu.mechanism.Code.EAX;
import static dev.vivarium.x86.cpu.mechanism.Code.DS;
import static dev.vivarium.x86.cpu.mechanism.Code.ES;
import static dev.vivarium.x86.cpu.mechanism.Code.FS;
import static dev.vivarium.x86.cpu.mechanism.Code.GS;
import static dev.vivarium.x86.cpu.mechanism.Code.SS;
import static dev.vivarium.x86.cpu.mechanism.Code.ESP;
import static dev.vivarium.x86.cpu.mechanism.Descriptors.*;

/**
 * A small PC for the mechanism tests: 4 MiB of flat RAM, a port log, and the system tables a
 * protected-mode kernel sets up (GDT, IDT, a 32-bit TSS with an I/O bitmap, identity page
 * tables on request). The CPU starts in real mode at {@link #BOOT} and boots the way real code
 * does: LGDT, LIDT, set CR0.PE, far JMP into 32-bit code, load the data and stack segments, LTR,
 * then jump to the test's ring-0 code at {@link #CODE0}.
 *
 * <p>Every IDT vector starts as a ring-0 interrupt gate to its own one-byte handler, a HLT at
 * {@link #handler(int)}: after a fault the CPU halts there, so {@link #vectorTaken()} names the
 * vector and the exception frame is on the ring-0 stack for {@link #stack(int)}.
 */
final class TestMachine {

    static final int MEMORY_SIZE = 4 << 20;

    // Memory map (all linear = physical unless a test changes the page tables).
    static final int BOOT = 0x1000, BOOT32 = 0x1100;
    static final int GDT = 0x2000, GDT_ENTRIES = 32;
    static final int GDTR = 0x2F00, IDTR = 0x2F08;
    static final int IDT = 0x3000;
    static final int TSS = 0x4000, IO_BITMAP = TSS + 0x68, TSS_LIMIT = 0x68 + 0x2000;
    static final int LDT_BASE = 0x7000;
    static final int PAGE_DIRECTORY = 0x8000, PAGE_TABLE = 0x9000;
    static final int CODE0 = 0x10000;
    static final int HANDLERS = 0x20000, HANDLER_STRIDE = 16;
    static final int CODE3 = 0x30000;
    static final int DATA = 0x50000;
    static final int STACK1_TOP = 0x60000, STACK3_TOP = 0x70000, STACK0_TOP = 0x80000;

    // GDT selectors.
    static final int CODE0_SEL = 0x08, DATA0_SEL = 0x10, CODE3_SEL = 0x1B, DATA3_SEL = 0x23, TSS_SEL = 0x28,
            CODE1_SEL = 0x31, DATA1_SEL = 0x39;
    /** First GDT slot free for a test's own descriptors. */
    static final int FREE_SEL = 0x40;

    static final int EFLAGS_IF = 0x200, EFLAGS_TF = 0x100;

    final FlatMemory memory = new FlatMemory(MEMORY_SIZE);
    final PortLog ports = new PortLog();
    final Cpu cpu;

    TestMachine() {
        this(InterruptLine.NONE);
    }

    TestMachine(InterruptLine interrupts) {
        cpu = new Cpu(memory, ports, interrupts);
        gdt(CODE0_SEL, flatCode(0));
        gdt(DATA0_SEL, flatData(0));
        gdt(CODE3_SEL, flatCode(3));
        gdt(DATA3_SEL, flatData(3));
        gdt(CODE1_SEL, flatCode(1));
        gdt(DATA1_SEL, flatData(1));
        gdt(TSS_SEL, segment(TSS, TSS_LIMIT, PRESENT | TSS32, 0));
        memory.writeWord(GDTR, GDT_ENTRIES * 8 - 1);
        memory.writeDword(GDTR + 2, GDT);
        memory.writeWord(IDTR, 256 * 8 - 1);
        memory.writeDword(IDTR + 2, IDT);
        for (int v = 0; v < 256; v++) {
            memory.writeByte(handler(v), 0xF4); // HLT
            idt(v, gate(INT_GATE32, CODE0_SEL, handler(v), 0, 0));
        }
        tss(4, STACK0_TOP);   // ESP0
        tss(8, DATA0_SEL);    // SS0
        tss(12, STACK1_TOP);  // ESP1
        tss(16, DATA1_SEL);   // SS1
        memory.writeWord(TSS + 0x66, 0x68); // I/O map base: the bitmap follows the TSS, all ports allowed
        memory.writeByte(IO_BITMAP + 0x2000, 0xFF); // the terminating byte the SDM asks for
        load(boot());
        cpu.loadSegmentReal(Code.CS, 0);
        cpu.setEip(BOOT);
    }

    /** Real mode to flat 32-bit ring 0, then a jump to {@link #CODE0}. */
    private static Code boot() {
        Code c = new Code(BOOT, 16)
                .lgdt(GDTR)
                .lidt(IDTR)
                .movFromCr(EAX, 0)
                .orImm(EAX, 1)          // 16-bit OR AX, 1 sets PE
                .movToCr(0, EAX)
                .osize().jmpFar(CODE0_SEL, BOOT32); // JMP DWORD 08:BOOT32, as real boot code does
        Code pm = new Code(BOOT32, 32)
                .loadSeg(DS, DATA0_SEL).loadSeg(ES, DATA0_SEL).loadSeg(FS, DATA0_SEL).loadSeg(GS, DATA0_SEL)
                .loadSeg(SS, DATA0_SEL)
                .movImm(ESP, STACK0_TOP)
                .osize().movImm(EAX, TSS_SEL).ltr(EAX)
                .jmp(CODE0);
        byte[] a = c.bytes(), b = pm.bytes();
        if (BOOT + a.length > BOOT32) {
            throw new IllegalStateException("boot stub overlaps its 32-bit part");
        }
        Code all = new Code(BOOT, 16).db(toInts(a));
        while (all.here() < BOOT32) {
            all.nop();
        }
        return all.db(toInts(b));
    }

    private static int[] toInts(byte[] bytes) {
        int[] r = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            r[i] = bytes[i] & 0xFF;
        }
        return r;
    }

    // ---- building the guest ----

    static int handler(int vector) {
        return HANDLERS + vector * HANDLER_STRIDE;
    }

    /** 32-bit ring-0 code at {@link #CODE0}, where the boot stub jumps. */
    Code code0() {
        return new Code(CODE0, 32);
    }

    /** Ring-0 code that loads DS and ES with the ring-3 data segment and IRETs to {@link #CODE3} at CPL 3. */
    TestMachine enterUserMode(int eflags) {
        return load(code0().loadSeg(DS, DATA3_SEL).loadSeg(ES, DATA3_SEL)
                .iretTo(CODE3_SEL, CODE3, DATA3_SEL, STACK3_TOP, eflags));
    }

    /** 32-bit ring-3 code at {@link #CODE3}. */
    Code code3() {
        return new Code(CODE3, 32);
    }

    Code code(int origin, int bits) {
        return new Code(origin, bits);
    }

    TestMachine load(Code code) {
        memory.load(code.origin, code.bytes());
        return this;
    }

    TestMachine gdt(int selector, long descriptor) {
        writeDescriptor(GDT + (selector & ~7), descriptor);
        return this;
    }

    TestMachine ldt(int selector, long descriptor) {
        writeDescriptor(LDT_BASE + (selector & ~7), descriptor);
        return this;
    }

    TestMachine idt(int vector, long gate) {
        writeDescriptor(IDT + vector * 8, gate);
        return this;
    }

    long gdtEntry(int selector) {
        int a = GDT + (selector & ~7);
        return (memory.readDword(a) & 0xFFFFFFFFL) | (long) memory.readDword(a + 4) << 32;
    }

    private void writeDescriptor(int address, long descriptor) {
        memory.writeDword(address, (int) descriptor);
        memory.writeDword(address + 4, (int) (descriptor >>> 32));
    }

    /** A 32-bit interrupt or trap gate for {@code vector} to ring-0 code at {@code target}. */
    TestMachine gateTo(int vector, int type, int target, int dpl) {
        return idt(vector, Descriptors.gate(type, CODE0_SEL, target, dpl, 0));
    }

    void tss(int offset, int value) {
        memory.writeDword(TSS + offset, value);
    }

    /** Sets the I/O bitmap bit of {@code port}: accesses to it at CPL > IOPL fault. */
    void denyPort(int port) {
        int a = IO_BITMAP + (port >>> 3);
        memory.writeByte(a, memory.readByte(a) | 1 << (port & 7));
    }

    /** Page directory at {@link #PAGE_DIRECTORY} with one table mapping the 4 MiB of RAM onto itself. */
    void identityPaging(int pdeFlags, int pteFlags) {
        memory.writeDword(PAGE_DIRECTORY, PAGE_TABLE | pdeFlags);
        for (int i = 0; i < 1024; i++) {
            memory.writeDword(PAGE_TABLE + i * 4, i << 12 | pteFlags);
        }
    }

    int pte(int linear) {
        return memory.readDword(PAGE_TABLE + (linear >>> 12) * 4);
    }

    void setPte(int linear, int value) {
        memory.writeDword(PAGE_TABLE + (linear >>> 12) * 4, value);
    }

    int pde() {
        return memory.readDword(PAGE_DIRECTORY);
    }

    // ---- running and looking ----

    /** Runs until HLT, shutdown or a generous budget; returns why it stopped. */
    Cpu.Exit run() {
        return cpu.run(100_000);
    }

    /** The vector whose default handler the CPU halted in, or -1 when it halted elsewhere. */
    int vectorTaken() {
        int at = cpu.eip() - 1 - HANDLERS;
        if (cpu.segmentSelector(Code.CS) != CODE0_SEL || at < 0 || at % HANDLER_STRIDE != 0
                || at / HANDLER_STRIDE > 255) {
            return -1;
        }
        return at / HANDLER_STRIDE;
    }

    /** The dword at SS:ESP + 4 * index (through the segment base; linear = physical here). */
    int stack(int index) {
        return memory.readDword(cpu.segmentBase(SS) + cpu.reg(Cpu.ESP) + 4 * index);
    }

    /** The top {@code count} dwords of the stack, lowest address first: an exception or call frame. */
    int[] frame(int count) {
        int[] r = new int[count];
        for (int i = 0; i < count; i++) {
            r[i] = stack(i);
        }
        return r;
    }

    /** The top {@code count} words of a 16-bit stack, lowest address first. */
    int[] frame16(int count) {
        int[] r = new int[count];
        for (int i = 0; i < count; i++) {
            r[i] = stack16(i);
        }
        return r;
    }

    /** Real mode with SS:SP = 0000:{@code sp} and IVT[{@code vector}] = 0000:{@code handlerIp} holding a HLT. */
    void realModeHandler(int sp, int vector, int handlerIp) {
        cpu.loadSegmentReal(Code.SS, 0);
        cpu.setReg(Cpu.ESP, sp);
        memory.writeWord(vector * 4, handlerIp);
        memory.writeWord(vector * 4 + 2, 0);
        memory.writeByte(handlerIp, 0xF4);
    }

    /** The word at SS:SP + 2 * index, for 16-bit frames. */
    int stack16(int index) {
        return memory.readWord(cpu.segmentBase(SS) + (cpu.reg(Cpu.ESP) & 0xFFFF) + 2 * index);
    }

    int cs() {
        return cpu.segmentSelector(Code.CS);
    }
}
