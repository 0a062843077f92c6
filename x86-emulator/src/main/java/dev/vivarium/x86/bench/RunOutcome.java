package dev.vivarium.x86.bench;

/**
 * One finished run of a workload, wherever it ran.
 *
 * @param output   the workload's console bytes (serial port or stdout), one char per byte
 * @param exitCode the guest's debug-exit code, or the native process's status
 * @param nanos    wall time of the run
 */
public record RunOutcome(String output, int exitCode, long nanos) {
}
