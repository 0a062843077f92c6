package dev.vivarium.x86.cpu.mechanism;

/**
 * Encodes the 8-byte GDT/LDT/IDT entries as the Intel SDM (vol. 3, 3.4.5 and 6.11) lays them out,
 * returned as a little-endian long (low dword = bytes 0..3).
 */
final class Descriptors {

    // Access byte (descriptor bits 40..47): P, DPL, S, type.
    static final int PRESENT = 0x80, S = 0x10;
    static final int DATA_RO = 0x0, DATA_RW = 0x2, DATA_RW_DOWN = 0x6;
    static final int CODE_X = 0x8, CODE_XR = 0xA, CODE_XR_CONFORMING = 0xE;
    // System types (S = 0).
    static final int TSS16 = 0x1, LDT = 0x2, CALL_GATE16 = 0x4, TASK_GATE = 0x5, INT_GATE16 = 0x6,
            TRAP_GATE16 = 0x7, TSS32 = 0x9, TSS32_BUSY = 0xB, CALL_GATE32 = 0xC, INT_GATE32 = 0xE, TRAP_GATE32 = 0xF;
    // Flags nibble (descriptor bits 52..55).
    static final int G = 0x8, DB = 0x4;

    /** A segment or TSS/LDT descriptor from its fields; limit is the raw 20-bit field. */
    static long segment(int base, int limit, int access, int flags) {
        int lo = (limit & 0xFFFF) | (base & 0xFFFF) << 16;
        int hi = (base >>> 16 & 0xFF) | (access & 0xFF) << 8 | (limit >>> 16 & 0xF) << 16 | (flags & 0xF) << 20
                | (base & 0xFF000000);
        return (lo & 0xFFFFFFFFL) | (long) hi << 32;
    }

    /** A flat 4 GiB 32-bit code segment (execute/read) at the given privilege level. */
    static long flatCode(int dpl) {
        return segment(0, 0xFFFFF, PRESENT | dpl << 5 | S | CODE_XR, G | DB);
    }

    /** A flat 4 GiB 32-bit data segment (read/write) at the given privilege level. */
    static long flatData(int dpl) {
        return segment(0, 0xFFFFF, PRESENT | dpl << 5 | S | DATA_RW, G | DB);
    }

    /** A call, interrupt, trap or task gate (a task gate names its TSS as the selector; the offset is unused). */
    static long gate(int type, int selector, int offset, int dpl, int params) {
        int lo = (offset & 0xFFFF) | (selector & 0xFFFF) << 16;
        int hi = (offset & 0xFFFF0000) | (PRESENT | dpl << 5 | type) << 8 | (params & 0x1F);
        return (lo & 0xFFFFFFFFL) | (long) hi << 32;
    }

    /** The same descriptor with its present bit cleared. */
    static long notPresent(long descriptor) {
        return descriptor & ~((long) PRESENT << 40);
    }

    private Descriptors() {
    }
}
