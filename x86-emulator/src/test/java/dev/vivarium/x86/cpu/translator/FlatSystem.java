package dev.vivarium.x86.cpu.translator;

import dev.vivarium.x86.cpu.Cpu;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * 32-bit protected mode for {@link TwinCpus}, built the same in both memories: a GDT, a TSS,
 * an IDT whose 256 handlers count their vector, keep CR2 and the error code, and for faults
 * return past the faulting instruction (its length comes from a table the code generator
 * fills), so a program goes on after every fault it takes. Two set-ups:
 * <ul>
 *   <li>{@link Mode#USER_PAGING}: ring 3 on flat segments with paging, where some data pages
 *   are absent, read-only or supervisor-only (#PF inside blocks), and CR0.AM is set (#AC once
 *   a POPF sets AC);</li>
 *   <li>{@link Mode#KERNEL_SEGMENTS}: ring 0 without paging, data segments based at
 *   {@link #DATA} with 64 KiB limits, FS with a 4 KiB limit and a 32 KiB stack segment
 *   (#GP and #SS inside blocks), optionally a 16-bit stack.</li>
 * </ul>
 */
final class FlatSystem {

    enum Mode { USER_PAGING, KERNEL_SEGMENTS, KERNEL_SEGMENTS_STACK16 }

    static final int GDT = 0x1000, IDT = 0x2000, TSS = 0x3000, PAGE_DIR = 0x4000, PAGE_TABLE = 0x5000, STUB = 0x6000,
            COUNTS = 0x7000, LAST_CR2 = 0x7400, LAST_ERROR = 0x7404, HANDLERS = 0x8000, KERNEL_STACK_TOP = 0x10000,
            DATA = 0x20000, DATA_PAGES = 8, USER_STACK_TOP = 0x30000, SEGMENT_STACK = 0x30000,
            CODE = 0x40000, CODE_SIZE = 0x10000, LENGTHS = 0x60000, END = 0x70000; // CODE 64 KiB aligned: see handler()

    static final int KERNEL_CODE = 0x08, KERNEL_DATA = 0x10, USER_CODE = 0x1B, USER_DATA = 0x23, TSS_SEL = 0x28,
            DATA64K = 0x30, DATA4K = 0x38, STACK32 = 0x40, STACK16 = 0x48, USER_DATA4K = 0x53;

    static final int CR0_PE = 1, CR0_ET = 0x10, CR0_WP = 1 << 16, CR0_AM = 1 << 18, CR0_PG = 1 << 31, IF = 0x200;

    /** Protection of the data pages in USER_PAGING mode: user read/write, read-only, supervisor, absent. */
    static final int[] DATA_PAGE_BITS = {7, 7, 5, 7, 3, 0, 7, 5};

    final Mode mode;

    FlatSystem(Mode mode) {
        this.mode = mode;
    }

    /** The value a base register holds to address data offset {@code off} (0..0x7FFF) through DS. */
    int pointer(int off) {
        return mode == Mode.USER_PAGING ? DATA + off : off;
    }

    /** The initial ESP, in the stack segment. */
    int stackTop() {
        return mode == Mode.USER_PAGING ? USER_STACK_TOP - 0x100 : 0x7000;
    }

    /** Writes the tables and handlers into both memories, marks every code byte as a one-byte instruction. */
    void build(TwinCpus twins) {
        byte[] gdt = new byte[0x60];
        descriptor(gdt, KERNEL_CODE, 0, 0xFFFFF, 0xC09B);
        descriptor(gdt, KERNEL_DATA, 0, 0xFFFFF, 0xC093);
        descriptor(gdt, USER_CODE, 0, 0xFFFFF, 0xC0FB);
        descriptor(gdt, USER_DATA, 0, 0xFFFFF, 0xC0F3);
        descriptor(gdt, TSS_SEL, TSS, 0x67, 0x0089);
        descriptor(gdt, DATA64K, DATA, 0xFFFF, 0x4093);
        descriptor(gdt, DATA4K, DATA, 0xFFF, 0x4093);
        descriptor(gdt, STACK32, SEGMENT_STACK, 0x7FFF, 0x4093);
        descriptor(gdt, STACK16, SEGMENT_STACK, 0x7FFF, 0x0093);
        descriptor(gdt, USER_DATA4K, DATA, 0xFFF, 0x40F3);
        twins.load(GDT, gdt);
        byte[] idt = new byte[256 * 8];
        for (int v = 0; v < 256; v++) {
            int handler = HANDLERS + v * 64;
            twins.load(handler, handler(v));
            putInt(idt, v * 8, (handler & 0xFFFF) | KERNEL_CODE << 16);
            putInt(idt, v * 8 + 4, (handler & 0xFFFF0000) | 0x8E00);
        }
        twins.load(IDT, idt);
        byte[] tss = new byte[0x68];
        putInt(tss, 4, KERNEL_STACK_TOP);
        putInt(tss, 8, KERNEL_DATA);
        putInt(tss, 0x64, 0x68 << 16);
        twins.load(TSS, tss);
        byte[] ones = new byte[CODE_SIZE];
        Arrays.fill(ones, (byte) 1);
        twins.load(LENGTHS, ones);
        if (mode == Mode.USER_PAGING) {
            twins.writeDword(PAGE_DIR, PAGE_TABLE | 7);
            for (int page = 0; page < 1024; page++) {
                int bits = page < KERNEL_STACK_TOP >>> 12 || (page >= LENGTHS >>> 12 && page < END >>> 12) ? 3 : 7;
                if (page >= DATA >>> 12 && page < (DATA >>> 12) + DATA_PAGES) {
                    bits = DATA_PAGE_BITS[page - (DATA >>> 12)];
                }
                twins.writeDword(PAGE_TABLE + page * 4, page << 12 | bits);
            }
        }
        twins.load(STUB, new byte[]{(byte) 0xB8, TSS_SEL, 0, 0, 0, 0x0F, 0x00, (byte) 0xD8}); // mov eax, TSS; ltr ax
    }

    /** Enters the mode on both CPUs from reset: tables, LTR through the stub, then the segments, EIP and flags. */
    void enter(TwinCpus twins, int eip, int eflags) {
        twins.both(c -> {
            c.reset();
            c.setGdt(GDT, 0x5F);
            c.setIdt(IDT, 256 * 8 - 1);
            c.setCr(3, PAGE_DIR);
            // With paging at ring 3, CR0.AM too: a POPF that sets AC makes misaligned accesses #AC.
            c.setCr(0, CR0_PE | CR0_ET | (mode == Mode.USER_PAGING ? CR0_PG | CR0_WP | CR0_AM : 0));
            c.loadSegmentCache(Cpu.CS, KERNEL_CODE, 0, -1, 0xC09B);
            c.loadSegmentCache(Cpu.SS, KERNEL_DATA, 0, -1, 0xC093);
            c.setReg(Cpu.ESP, KERNEL_STACK_TOP);
            c.setEip(STUB);
            if (c.run(2) != Cpu.Exit.BUDGET || c.eip() != STUB + 8) {
                throw new IllegalStateException("LTR stub did not run: EIP " + Integer.toHexString(c.eip()));
            }
            if (mode == Mode.USER_PAGING) {
                c.loadSegmentCache(Cpu.CS, USER_CODE, 0, -1, 0xC0FB);
                for (int seg : new int[]{Cpu.ES, Cpu.SS, Cpu.DS, Cpu.GS}) {
                    c.loadSegmentCache(seg, USER_DATA, 0, -1, 0xC0F3);
                }
                c.loadSegmentCache(Cpu.FS, USER_DATA4K, DATA, 0xFFF, 0x40F3);
            } else {
                for (int seg : new int[]{Cpu.ES, Cpu.DS, Cpu.GS}) {
                    c.loadSegmentCache(seg, DATA64K, DATA, 0xFFFF, 0x4093);
                }
                c.loadSegmentCache(Cpu.FS, DATA4K, DATA, 0xFFF, 0x4093);
                if (mode == Mode.KERNEL_SEGMENTS_STACK16) {
                    c.loadSegmentCache(Cpu.SS, STACK16, SEGMENT_STACK, 0x7FFF, 0x0093);
                } else {
                    c.loadSegmentCache(Cpu.SS, STACK32, SEGMENT_STACK, 0x7FFF, 0x4093);
                }
            }
            c.setReg(Cpu.ESP, stackTop());
            c.setEip(eip);
            c.setEflags(eflags | 2);
        });
    }

    /** Times vector {@code v} was delivered, as the handler counted them in CPU {@code cpu}'s memory. */
    static int count(TwinCpus twins, int cpu, int v) {
        return twins.readDword(cpu, COUNTS + 4 * v);
    }

    /**
     * The handler of vector {@code v}: counts it, keeps CR2 and the error code, and for a fault
     * (vectors below 32 but #DB) moves the return address past the faulting instruction by its
     * length from the table at {@link #LENGTHS}; external interrupts return where they came in.
     */
    private static byte[] handler(int v) {
        boolean errorCode = v == 8 || (v >= 10 && v <= 14) || v == 17;
        boolean skip = v < 32 && v != 1;
        int e = errorCode ? 4 : 0;
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        bytes(b, 0x1E, 0x50, 0x51);                                  // push ds; push eax; push ecx
        bytes(b, 0xB8, KERNEL_DATA, 0, 0, 0, 0x8E, 0xD8);             // mov eax, KERNEL_DATA; mov ds, eax
        bytes(b, 0xFF, 0x05);                                        // inc dword [COUNTS + 4v]
        dword(b, COUNTS + 4 * v);
        bytes(b, 0x0F, 0x20, 0xD0, 0xA3);                            // mov eax, cr2; mov [LAST_CR2], eax
        dword(b, LAST_CR2);
        if (errorCode) {
            bytes(b, 0x8B, 0x44, 0x24, 12, 0xA3);                    // mov eax, [esp+12]; mov [LAST_ERROR], eax
            dword(b, LAST_ERROR);
        }
        if (skip) {
            // The table is indexed by the low 16 bits of EIP (CODE is 64 KiB aligned), so a fault
            // anywhere, in random bytes run as code say, finds a length.
            bytes(b, 0x8B, 0x44, 0x24, 12 + e);                      // mov eax, [esp+12+e]: the faulting EIP
            bytes(b, 0x0F, 0xB7, 0xC8);                              // movzx ecx, ax
            bytes(b, 0x0F, 0xB6, 0x89);                              // movzx ecx, byte [ecx + LENGTHS]
            dword(b, LENGTHS);
            bytes(b, 0x01, 0xC8, 0x89, 0x44, 0x24, 12 + e);          // add eax, ecx; mov [esp+12+e], eax
        }
        bytes(b, 0x59, 0x58, 0x1F);                                  // pop ecx; pop eax; pop ds
        if (errorCode) {
            bytes(b, 0x83, 0xC4, 0x04);                              // add esp, 4
        }
        bytes(b, 0xCF);                                              // iretd
        return b.toByteArray();
    }

    private static void bytes(ByteArrayOutputStream b, int... v) {
        for (int x : v) {
            b.write(x);
        }
    }

    private static void dword(ByteArrayOutputStream b, int v) {
        bytes(b, v, v >>> 8, v >>> 16, v >>> 24);
    }

    private static void descriptor(byte[] gdt, int sel, int base, int limitField, int attr) {
        int lo = (limitField & 0xFFFF) | base << 16;
        int hi = (base >>> 16 & 0xFF) | (attr & 0xF0FF) << 8 | (limitField & 0xF0000) | (base & 0xFF000000);
        putInt(gdt, sel & ~7, lo);
        putInt(gdt, (sel & ~7) + 4, hi);
    }

    static void putInt(byte[] a, int at, int v) {
        for (int k = 0; k < 4; k++) {
            a[at + k] = (byte) (v >>> (8 * k));
        }
    }
}
