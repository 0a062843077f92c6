package dev.vivarium.x86.cpu;

import dev.vivarium.x86.bus.PhysicalMemory;

/**
 * Faults a host injects into a running guest for failure testing (the lab's {@code fault
 * guest-crash} and {@code fault guest-hang}). Each puts the CPU in the state a guest bug leaves
 * it in; from there the CPU's own logic and the guest's own code take their course, so what
 * follows (a triple fault, a guest that stops) is real, not simulated.
 */
public final class GuestFaults {

    private GuestFaults() {
    }

    /**
     * The guest's interrupt table is gone, as if its kernel had overwritten its IDTR with limit 0:
     * the next interrupt or exception cannot be delivered (#GP), nor can that (#DF), and the
     * processor shuts down: a triple fault. A PC resets on it.
     */
    public static void loseInterruptTable(Cpu cpu) {
        cpu.idtLimit = 0;
    }

    /**
     * The guest's code at its current instruction becomes {@code JMP $}, as a kernel caught in a
     * livelock: interrupts are still taken, but the code they return to loops for good, so its
     * own work (its output, its tools heartbeat) stops while it uses all the CPU it is given.
     * Written through guest memory like any store, so decoded blocks of that code are dropped.
     *
     * @throws IllegalStateException when the guest pages (its linear addresses are not physical)
     */
    public static void spinAtCurrentInstruction(Cpu cpu, PhysicalMemory memory) {
        if ((cpu.cr0 & CpuState.CR0_PG) != 0) {
            throw new IllegalStateException("the guest uses paging; a hang is injected only into guests that do not");
        }
        int linear = cpu.segBase[CpuState.CS] + cpu.eip;
        memory.writeByte(linear, 0xEB);
        memory.writeByte(linear + 1, 0xFE);
    }
}
