package dev.vivarium.x86.cpu.fuzz;

import dev.vivarium.x86.cpu.Cpu;

import java.util.SplittableRandom;

/**
 * A CPU on random memory, put into one of the {@link FuzzMode}s. System structures are built
 * in the first 64 KiB (GDT, IDT, TSS, page tables, a boot stub, the ring-0 stack); everything
 * else is random bytes, which is where code starts and where every interrupt handler points,
 * so faults are delivered properly some of the time and then execute garbage at ring 0.
 */
final class FuzzMachine {

    static final int GDT = 0x1000, GDT_LIMIT = 0x7F, IDT = 0x2000, TSS = 0x3000, PAGE_DIR = 0x4000,
            PAGE_TABLE = 0x5000, STUB = 0x6000, HANDLERS = 0x7000, KERNEL_STACK_TOP = 0x9000, RANDOM_GDT = 0xA000,
            RANDOM_START = 0x10000;

    static final int KERNEL_CODE = 0x08, KERNEL_DATA = 0x10, USER_CODE = 0x1B, USER_DATA = 0x23, TSS_SEL = 0x28,
            CODE16 = 0x30, DATA16 = 0x38, CALL_GATE = 0x43, CONFORMING_CODE = 0x48;

    private static final int CR0_PE = 1, CR0_ET = 0x10, CR0_WP = 1 << 16, CR0_PG = 1 << 31;
    private static final int IF = 1 << 9;

    final FuzzMemory memory = new FuzzMemory();
    final FuzzDevices devices;
    final Cpu cpu;
    final FuzzMode mode;
    private final SplittableRandom random;

    FuzzMachine(FuzzMode mode, long seed) {
        this.mode = mode;
        this.random = new SplittableRandom(seed);
        this.devices = new FuzzDevices(seed);
        this.cpu = new Cpu(memory, devices, devices);
        devices.attach(cpu);
        memory.fillRandom(random);
    }

    /** Resets the CPU and enters the mode afresh, with new registers and entry point. */
    void start() {
        cpu.reset();
        switch (mode) {
            case REAL -> startReal();
            case PROTECTED16 -> startProtected16();
            case PROTECTED32 -> startProtected32(false, random.nextBoolean(), false);
            case RING3_PAGING -> startProtected32(true, true, false);
            case RANDOM_TABLES -> startProtected32(random.nextBoolean(), random.nextBoolean(), true);
        }
    }

    private void randomRegisters() {
        for (int r = Cpu.EAX; r <= Cpu.EDI; r++) {
            cpu.setReg(r, random.nextInt());
        }
    }

    /** Random arithmetic flags, DF and IF; IOPL 0 or 3; now and then TF (single-step traps), NT, RF or AC. */
    private int randomFlags() {
        int f = random.nextInt() & (0x8D5 | 1 << 10 | IF);
        if (random.nextInt(4) == 0) {
            f |= 3 << 12;
        }
        for (int rare : new int[]{1 << 8, 1 << 14, 1 << 16, 1 << 18}) {
            if (random.nextInt(8) == 0) {
                f |= rare;
            }
        }
        return f | 2;
    }

    private void startReal() {
        randomRegisters();
        for (int seg = 0; seg < 6; seg++) {
            cpu.loadSegmentReal(seg, random.nextInt(0x10000));
        }
        cpu.setEip(random.nextInt(0x10000));
        cpu.setEflags(randomFlags() & ~(3 << 12));
    }

    private void startProtected16() {
        writeGdt(random.nextInt(RANDOM_START, FuzzMemory.SIZE - 0x10000), false);
        for (int v = 0; v < 256; v++) {
            int type = random.nextBoolean() ? 0x86 : 0x87; // 16-bit interrupt / trap gate
            writeGate(v, CODE16, random.nextInt(0x10000), type | random.nextInt(4) << 5);
        }
        cpu.setGdt(GDT, GDT_LIMIT);
        cpu.setIdt(IDT, 256 * 8 - 1);
        cpu.setCr(0, CR0_PE | CR0_ET);
        int base16 = readDescriptorBase(CODE16);
        cpu.loadSegmentCache(Cpu.CS, CODE16, base16, 0xFFFF, 0x009B);
        for (int seg : new int[]{0, 2, 3, 4, 5}) {
            cpu.loadSegmentCache(seg, DATA16, readDescriptorBase(DATA16), 0xFFFF, 0x0093);
        }
        randomRegisters();
        cpu.setEip(random.nextInt(0x10000));
        cpu.setEflags(randomFlags());
    }

    /**
     * Flat 32-bit protected mode. The boot stub runs at ring 0 with the real CPU: it loads the
     * task register and IRETs to the entry point (at ring 3 for {@code user}), so the TSS and
     * the privilege change go through the same code the guest uses.
     */
    private void startProtected32(boolean user, boolean paging, boolean randomTables) {
        writeGdt(random.nextInt(RANDOM_START, FuzzMemory.SIZE), randomTables);
        int codeEnd = paging ? 0x400000 : Integer.MAX_VALUE;
        for (int v = 0; v < 256; v++) {
            int type = random.nextBoolean() ? 0x8E : 0x8F; // 32-bit interrupt / trap gate
            int dpl = random.nextInt(4) == 0 ? 0 : 3 << 5;
            boolean handled = random.nextBoolean();
            int handler = handled ? writeHandler(v, random.nextInt(RANDOM_START, user ? 0x400000 : codeEnd))
                    : random.nextInt(RANDOM_START, codeEnd);
            writeGate(v, !handled && random.nextInt(8) == 0 ? CONFORMING_CODE : KERNEL_CODE, handler, type | dpl);
        }
        writeTss();
        if (paging) {
            writePageTables();
        }
        cpu.setGdt(GDT, GDT_LIMIT);
        cpu.setIdt(IDT, 256 * 8 - 1);
        cpu.setCr(3, PAGE_DIR);
        cpu.setCr(0, CR0_PE | CR0_ET | (paging ? CR0_PG | CR0_WP : 0));
        cpu.loadSegmentCache(Cpu.CS, KERNEL_CODE, 0, -1, 0xC09B);
        int data = user ? USER_DATA : KERNEL_DATA;
        int dataAttr = user ? 0xC0F3 : 0xC093;
        for (int seg : new int[]{0, 3, 4, 5}) {
            cpu.loadSegmentCache(seg, data, 0, -1, dataAttr);
        }
        cpu.loadSegmentCache(Cpu.SS, KERNEL_DATA, 0, -1, 0xC093);

        int entry = random.nextInt(RANDOM_START, user ? 0x400000 : Integer.MAX_VALUE);
        int userStack = random.nextInt(RANDOM_START, 0x400000) & ~3;
        int esp = KERNEL_STACK_TOP;
        int flags = randomFlags();
        if (user) {
            esp = pushStub(esp, USER_DATA);
            esp = pushStub(esp, userStack);
        }
        esp = pushStub(esp, flags);
        esp = pushStub(esp, user ? USER_CODE : KERNEL_CODE);
        esp = pushStub(esp, entry);
        memory.write(STUB, new byte[]{
                (byte) 0xB8, TSS_SEL, 0, 0, 0,  // mov eax, TSS_SEL
                0x0F, 0x00, (byte) 0xD8,        // ltr ax
                (byte) 0xCF                     // iretd
        });
        cpu.setReg(Cpu.ESP, esp);
        cpu.setEip(STUB);
        cpu.setEflags(2);
        Cpu.Exit exit = cpu.run(3);
        if (exit != Cpu.Exit.BUDGET || cpu.eip() != entry || cpu.cpl() != (user ? 3 : 0)) {
            throw new IllegalStateException("boot stub did not reach " + Integer.toHexString(entry)
                    + ": exit " + exit + " at " + Integer.toHexString(cpu.eip()) + " cpl " + cpu.cpl());
        }
        int keepEsp = cpu.reg(Cpu.ESP);
        randomRegisters();
        cpu.setReg(Cpu.ESP, keepEsp);
        if (randomTables) {
            // A 64 KiB GDT whose entries past the fixed ones are random: any selector the code
            // loads now names some descriptor (gates, TSSs and LDTs included).
            for (int i = 0; i < 0x50; i++) {
                memory.writeByte(RANDOM_GDT + i, memory.readByte(GDT + i));
            }
            cpu.setGdt(RANDOM_GDT, 0xFFFF);
            // A random IDT or TSS mostly ends in a triple fault: only half the time each, so the
            // random GDT gets to run too.
            if (random.nextBoolean()) {
                cpu.setIdt(random.nextInt(), random.nextInt(0x1000));
            }
            if (random.nextBoolean()) {
                for (int i = 0; i < 0x68; i++) {
                    memory.writeByte(TSS + i, random.nextInt());
                }
            }
        }
    }

    /**
     * A handler that does what an OS might: drops the error code, points the return address at
     * somewhere new and IRETs, so control goes back to the interrupted level (across privilege
     * levels from ring 3) instead of running garbage at ring 0. Returns its address.
     */
    private int writeHandler(int vector, int resumeAt) {
        int at = HANDLERS + vector * 16;
        boolean errorCode = vector == 8 || (vector >= 10 && vector <= 14) || vector == 17;
        byte[] code = {
                (byte) 0x83, (byte) 0xC4, 0x04,                 // add esp, 4 (or a NOP-like lea, below)
                (byte) 0xC7, 0x04, 0x24,                         // mov dword [esp], resumeAt
                (byte) resumeAt, (byte) (resumeAt >>> 8), (byte) (resumeAt >>> 16), (byte) (resumeAt >>> 24),
                (byte) 0xCF                                      // iretd
        };
        if (!errorCode) {
            code[0] = (byte) 0x8D; // lea esp, [esp]: the same length, no error code to drop
            code[1] = 0x24;
            code[2] = 0x24;
        }
        memory.write(at, code);
        return at;
    }

    private int pushStub(int esp, int value) {
        memory.writeDword(esp - 4, value);
        return esp - 4;
    }

    private void writeGdt(int base16, boolean randomTail) {
        memory.writeQword(GDT, 0, 0);
        descriptor(KERNEL_CODE, 0, 0xFFFFF, 0xC09B);
        descriptor(KERNEL_DATA, 0, 0xFFFFF, 0xC093);
        descriptor(USER_CODE, 0, 0xFFFFF, 0xC0FB);
        descriptor(USER_DATA, 0, 0xFFFFF, 0xC0F3);
        descriptor(TSS_SEL, TSS, 0x67, 0x0089);
        descriptor(CODE16, base16, 0xFFFF, 0x009B);
        descriptor(DATA16, base16 ^ 0x8000, 0xFFFF, 0x0093);
        // A call gate from ring 3 to ring 0, copying two parameters.
        memory.writeQword(GDT + (CALL_GATE & ~7), KERNEL_CODE << 16 | 0x4000, 0x10000 | 0xEC << 8 | 2);
        descriptor(CONFORMING_CODE, 0, 0xFFFFF, 0xC09F);
        for (int sel = 0x50; sel <= GDT_LIMIT; sel += 8) {
            if (randomTail) {
                memory.writeQword(GDT + sel, random.nextInt(), random.nextInt());
            } else {
                descriptor(sel, random.nextInt(), random.nextInt(0x100000), 0x4092 | random.nextInt(2) << 15
                        | random.nextInt(4) << 5 | random.nextInt(2) << 3);
            }
        }
    }

    private void descriptor(int sel, int base, int limitField, int attr) {
        int lo = (limitField & 0xFFFF) | base << 16;
        int hi = (base >>> 16 & 0xFF) | (attr & 0xF0FF) << 8 | (limitField & 0xF0000) | (base & 0xFF000000);
        memory.writeQword(GDT + (sel & ~7), lo, hi);
    }

    private int readDescriptorBase(int sel) {
        int lo = memory.readDword(GDT + (sel & ~7));
        int hi = memory.readDword(GDT + (sel & ~7) + 4);
        return lo >>> 16 | (hi & 0xFF) << 16 | (hi & 0xFF000000);
    }

    private void writeGate(int vector, int selector, int offset, int typeByte) {
        boolean gate32 = (typeByte & 8) != 0;
        int lo = (offset & 0xFFFF) | selector << 16;
        int hi = (gate32 ? offset & 0xFFFF0000 : 0) | typeByte << 8;
        memory.writeQword(IDT + vector * 8, lo, hi);
    }

    private void writeTss() {
        for (int i = 0; i < 0x68; i += 4) {
            memory.writeDword(TSS + i, 0);
        }
        memory.writeDword(TSS + 4, KERNEL_STACK_TOP);   // ESP0
        memory.writeDword(TSS + 8, KERNEL_DATA);        // SS0
        memory.writeDword(TSS + 0x64, 0x68 << 16);      // I/O map base past the limit: no bitmap
    }

    /**
     * Page directory entry 0 maps the first 4 MiB (physical addresses alias into RAM): the
     * system area is supervisor-only, the rest mostly user read/write with some read-only,
     * supervisor and absent pages. A few other directory entries point at random page tables.
     */
    private void writePageTables() {
        memory.writeDword(PAGE_DIR, PAGE_TABLE | 7);
        for (int i = 1; i < 1024; i++) {
            memory.writeDword(PAGE_DIR + i * 4, random.nextInt(16) == 0 ? random.nextInt() | 1 : 0);
        }
        for (int page = 0; page < 1024; page++) {
            int bits;
            if (page < RANDOM_START >>> 12) {
                bits = 3;
            } else {
                int roll = random.nextInt(100);
                bits = roll < 80 ? 7 : roll < 87 ? 5 : roll < 94 ? 3 : 0;
            }
            memory.writeDword(PAGE_TABLE + page * 4, page << 12 | bits);
        }
    }

    /** Everything architectural, and a hash of memory: equal fingerprints mean equal machines. */
    String fingerprint() {
        StringBuilder s = new StringBuilder();
        for (int r = Cpu.EAX; r <= Cpu.EDI; r++) {
            s.append(Integer.toHexString(cpu.reg(r))).append(' ');
        }
        s.append("eip ").append(Integer.toHexString(cpu.eip())).append(" flags ").append(Integer.toHexString(cpu.eflags()));
        for (int seg = 0; seg < 6; seg++) {
            s.append(String.format(" seg%d %x/%x/%x/%x", seg, cpu.segmentSelector(seg), cpu.segmentBase(seg),
                    cpu.segmentLimit(seg), cpu.segmentAttributes(seg)));
        }
        s.append(String.format(" cr %x %x %x %x cpl %d halted %b shutdown %b icount %d memory %x", cpu.cr(0), cpu.cr(2),
                cpu.cr(3), cpu.cr(4), cpu.cpl(), cpu.halted(), cpu.isShutdown(), cpu.instructions(), memory.hash()));
        return s.toString();
    }
}
