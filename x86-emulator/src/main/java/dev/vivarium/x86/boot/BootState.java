package dev.vivarium.x86.boot;

import dev.vivarium.x86.bus.PhysicalMemory;
import dev.vivarium.x86.cpu.Cpu;

/**
 * Where a loaded image starts: in 32-bit flat protected mode at {@code entry} with EAX and EBX
 * as the boot protocol wants them, or in real mode at the reset vector (a BIOS ROM).
 */
public record BootState(boolean protectedMode, int entry, int eax, int ebx) {

    /** The processor's own reset state: real mode, F000:FFF0. */
    public static BootState resetVector() {
        return new BootState(false, 0xFFFF0, 0, 0);
    }

    /** Where the loader's GDT goes: below the multiboot information, in conventional memory. */
    static final int GDT_ADDRESS = 0x0500;
    static final int CODE_SELECTOR = 0x08, DATA_SELECTOR = 0x10;

    /**
     * Puts the CPU into this state. For protected mode it also writes a small GDT whose flat
     * code (0x08) and data (0x10) descriptors match the loaded segment caches, so a kernel
     * that reloads its segment registers before it installs its own GDT keeps working.
     */
    public void apply(Cpu cpu, PhysicalMemory memory) {
        cpu.reset();
        if (!protectedMode) {
            return;
        }
        long[] gdt = {0, 0x00CF9B000000FFFFL, 0x00CF93000000FFFFL};
        for (int i = 0; i < gdt.length; i++) {
            memory.writeDword(GDT_ADDRESS + i * 8, (int) gdt[i]);
            memory.writeDword(GDT_ADDRESS + i * 8 + 4, (int) (gdt[i] >>> 32));
        }
        cpu.setGdt(GDT_ADDRESS, gdt.length * 8 - 1);
        cpu.setCr(0, 1 | 0x10); // PE, ET
        cpu.loadSegmentCache(Cpu.CS, CODE_SELECTOR, 0, 0xFFFFFFFF, 0xC09B);
        for (int seg : new int[]{Cpu.ES, Cpu.SS, Cpu.DS, Cpu.FS, Cpu.GS}) {
            cpu.loadSegmentCache(seg, DATA_SELECTOR, 0, 0xFFFFFFFF, 0xC093);
        }
        cpu.setEip(entry);
        cpu.setReg(Cpu.EAX, eax);
        cpu.setReg(Cpu.EBX, ebx);
        cpu.setReg(Cpu.EDX, 0);
        cpu.setReg(Cpu.ESP, 0x7FF0); // not defined by Multiboot; a usable stack below the info block
        cpu.setEflags(2);
    }
}
