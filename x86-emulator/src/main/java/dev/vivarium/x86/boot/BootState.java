package dev.vivarium.x86.boot;

import dev.vivarium.x86.bus.PhysicalMemory;
import dev.vivarium.x86.cpu.Cpu;

/**
 * Where a loaded image starts: in 32-bit flat protected mode at {@code entry} with EAX, EBX and
 * ESI as the boot protocol wants them and flat code and data segments at the selectors it names
 * (Multiboot: 0x08 and 0x10; Linux: __BOOT_CS 0x10 and __BOOT_DS 0x18), or in real mode at the
 * reset vector (a BIOS ROM).
 */
public record BootState(boolean protectedMode, int entry, int eax, int ebx, int esi, int esp, int codeSelector,
                        int dataSelector) {

    /** A protected-mode start with the Multiboot selectors and ESI zero. */
    public BootState(boolean protectedMode, int entry, int eax, int ebx) {
        this(protectedMode, entry, eax, ebx, 0, MULTIBOOT_STACK, CODE_SELECTOR, DATA_SELECTOR);
    }

    /** The processor's own reset state: real mode, F000:FFF0. */
    public static BootState resetVector() {
        return new BootState(false, 0xFFFF0, 0, 0);
    }

    /**
     * Linux's 32-bit boot protocol: ESI holds the zero page, EBX, EBP and EDI are zero; the
     * protocol names no stack (the kernel sets up its own at once), ours is just below the zero page.
     */
    static BootState linux(int entry, int zeroPage) {
        return new BootState(true, entry, 0, 0, zeroPage, zeroPage, LinuxLoader.CODE_SELECTOR, LinuxLoader.DATA_SELECTOR);
    }

    /** Where the loader's GDT goes: below the multiboot information, in conventional memory. */
    static final int GDT_ADDRESS = 0x0500;
    static final int CODE_SELECTOR = 0x08, DATA_SELECTOR = 0x10;
    /** Multiboot defines no stack; a usable one below its information block. */
    private static final int MULTIBOOT_STACK = 0x7FF0;

    /**
     * Puts the CPU into this state. For protected mode it also writes a small GDT whose flat
     * code and data descriptors (at the two selectors) match the loaded segment caches, so a
     * kernel that reloads its segment registers before it installs its own GDT keeps working.
     */
    public void apply(Cpu cpu, PhysicalMemory memory) {
        cpu.reset();
        if (!protectedMode) {
            return;
        }
        long[] gdt = new long[Math.max(codeSelector, dataSelector) / 8 + 1];
        gdt[codeSelector / 8] = 0x00CF9B000000FFFFL;
        gdt[dataSelector / 8] = 0x00CF93000000FFFFL;
        for (int i = 0; i < gdt.length; i++) {
            memory.writeDword(GDT_ADDRESS + i * 8, (int) gdt[i]);
            memory.writeDword(GDT_ADDRESS + i * 8 + 4, (int) (gdt[i] >>> 32));
        }
        cpu.setGdt(GDT_ADDRESS, gdt.length * 8 - 1);
        cpu.setCr(0, 1 | 0x10); // PE, ET
        cpu.loadSegmentCache(Cpu.CS, codeSelector, 0, 0xFFFFFFFF, 0xC09B);
        for (int seg : new int[]{Cpu.ES, Cpu.SS, Cpu.DS, Cpu.FS, Cpu.GS}) {
            cpu.loadSegmentCache(seg, dataSelector, 0, 0xFFFFFFFF, 0xC093);
        }
        cpu.setEip(entry);
        cpu.setReg(Cpu.EAX, eax);
        cpu.setReg(Cpu.EBX, ebx);
        cpu.setReg(Cpu.EDX, 0);
        cpu.setReg(Cpu.ESI, esi);
        cpu.setReg(Cpu.ESP, esp);
        cpu.setEflags(2);
    }
}
