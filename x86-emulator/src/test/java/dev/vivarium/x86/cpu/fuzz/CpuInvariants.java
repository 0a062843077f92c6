package dev.vivarium.x86.cpu.fuzz;

import dev.vivarium.x86.cpu.Cpu;

/**
 * Architectural invariants that hold between any two instructions, whatever code ran. Some
 * hold only while the segment caches were loaded in the current mode: a switch between real
 * and protected mode legitimately leaves stale caches (that is how "unreal mode" works), so
 * those checks are limited to what no mode switch can break.
 */
final class CpuInvariants {

    private static final int ATTR_RW = 2, ATTR_DC = 4, ATTR_CODE = 8, ATTR_S = 0x10, ATTR_P = 0x80;
    /** EFLAGS bits that always read as zero here: 3, 5, 15, VIF, VIP, 22..31. */
    private static final int FLAGS_ZERO = 1 << 3 | 1 << 5 | 1 << 15 | 1 << 19 | 1 << 20 | 0xFFC00000;
    private static final int VM = 1 << 17;

    private CpuInvariants() {
    }

    /** Returns a description of the first broken invariant, or null when all hold. */
    static String violation(Cpu cpu, Cpu.Exit exit, boolean cachesLoadedInRealMode) {
        int flags = cpu.eflags();
        if ((flags & 2) == 0 || (flags & FLAGS_ZERO) != 0) {
            return "EFLAGS reserved bits wrong: " + hex(flags);
        }
        if ((flags & VM) != 0) {
            return v86Violation(cpu);
        }
        if ((exit == Cpu.Exit.HALT) != (cpu.halted() && !cpu.isShutdown())) {
            return "exit " + exit + " but halted=" + cpu.halted() + " shutdown=" + cpu.isShutdown();
        }
        if ((exit == Cpu.Exit.SHUTDOWN) != cpu.isShutdown()) {
            return "exit " + exit + " but shutdown=" + cpu.isShutdown();
        }
        int cr0 = cpu.cr(0);
        boolean pe = (cr0 & 1) != 0;
        if (cr0 < 0 && !pe) {
            return "CR0.PG without CR0.PE: " + hex(cr0);
        }
        int eip = cpu.eip();
        int limit = cpu.segmentLimit(Cpu.CS);
        if (Integer.compareUnsigned(eip, limit) > 0 && eip != limit + 1) {
            return "EIP " + hex(eip) + " beyond CS limit " + hex(limit) + " by more than the next fetch";
        }
        int cpl = cpu.cpl();
        if (!pe) {
            if (cpl != 0) {
                return "CPL " + cpl + " in real mode";
            }
            if (cachesLoadedInRealMode) {
                for (int seg = 0; seg < 6; seg++) {
                    if (cpu.segmentBase(seg) != cpu.segmentSelector(seg) << 4) {
                        return "real-mode segment " + seg + " base " + hex(cpu.segmentBase(seg))
                                + " is not selector " + hex(cpu.segmentSelector(seg)) + " * 16";
                    }
                }
            }
            return null;
        }
        return protectedModeViolation(cpu, cpl);
    }

    /** Virtual-8086 mode: protected mode at CPL 3 with every segment a real-mode one of limit FFFF. */
    private static String v86Violation(Cpu cpu) {
        if ((cpu.cr(0) & 1) == 0) {
            return "EFLAGS.VM set in real mode";
        }
        if (cpu.cpl() != 3) {
            return "CPL " + cpu.cpl() + " in virtual-8086 mode";
        }
        for (int seg = 0; seg < 6; seg++) {
            if (cpu.segmentBase(seg) != cpu.segmentSelector(seg) << 4 || cpu.segmentLimit(seg) != 0xFFFF) {
                return "virtual-8086 segment " + seg + " base " + hex(cpu.segmentBase(seg)) + " limit "
                        + hex(cpu.segmentLimit(seg)) + " for selector " + hex(cpu.segmentSelector(seg));
            }
        }
        return null;
    }

    private static String protectedModeViolation(Cpu cpu, int cpl) {
        int cs = cpu.segmentAttributes(Cpu.CS);
        int csSel = cpu.segmentSelector(Cpu.CS);
        if ((cs & (ATTR_S | ATTR_CODE | ATTR_P)) != (ATTR_S | ATTR_CODE | ATTR_P)) {
            return "CS cache is not a present code segment: attributes " + hex(cs);
        }
        boolean conforming = (cs & ATTR_DC) != 0;
        if (conforming ? dpl(cs) > cpl : dpl(cs) != cpl) {
            return "CS DPL " + dpl(cs) + " does not fit CPL " + cpl + (conforming ? " (conforming)" : "");
        }
        // At CPL 0 the selector may still hold a real-mode value right after CR0.PE was set.
        if (cpl != 0 && (csSel & 3) != cpl) {
            return "CPL " + cpl + " but CS selector " + hex(csSel) + " has RPL " + (csSel & 3);
        }
        int ss = cpu.segmentAttributes(Cpu.SS);
        if ((ss & (ATTR_S | ATTR_CODE | ATTR_RW | ATTR_P)) != (ATTR_S | ATTR_RW | ATTR_P) || dpl(ss) != cpl) {
            return "SS cache is not a writable data segment at CPL " + cpl + ": attributes " + hex(ss)
                    + " selector " + hex(cpu.segmentSelector(Cpu.SS));
        }
        for (int seg : new int[]{Cpu.ES, Cpu.DS, Cpu.FS, Cpu.GS}) {
            int attr = cpu.segmentAttributes(seg);
            boolean loaded = (cpu.segmentSelector(seg) & ~3) != 0 && (attr & (ATTR_P | ATTR_S)) == (ATTR_P | ATTR_S);
            boolean conformingCode = (attr & (ATTR_CODE | ATTR_DC)) == (ATTR_CODE | ATTR_DC);
            if (loaded && !conformingCode && dpl(attr) < cpl) {
                return "segment " + seg + " DPL " + dpl(attr) + " is more privileged than CPL " + cpl;
            }
        }
        return null;
    }

    private static int dpl(int attr) {
        return attr >>> 5 & 3;
    }

    static String hex(int v) {
        return "0x" + Integer.toHexString(v);
    }
}
