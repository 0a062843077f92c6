package dev.vivarium.x86.machine;

/** Why {@link PcMachine#run(long)} returned. */
public sealed interface RunResult {

    /** The instruction budget was used up; the guest wants to go on. */
    record BudgetUsed() implements RunResult {
    }

    /**
     * HLT with interrupts enabled: nothing to do until virtual time {@code untilNanos}, the next
     * timer event ({@link Long#MAX_VALUE} when none is armed: only host input can wake it).
     */
    record Halted(long untilNanos) implements RunResult {
    }

    /** HLT with interrupts disabled: the guest can never wake. */
    record HaltedForever() implements RunResult {
    }

    /** The guest wrote {@code code} to the debug-exit port 0xF4. */
    record Exited(int code) implements RunResult {
    }

    /** A triple fault, or the guest asked the 8042 / port 0x92 for a reset: the machine stops. */
    record Reset(String cause) implements RunResult {
    }

    RunResult BUDGET_USED = new BudgetUsed();
}
