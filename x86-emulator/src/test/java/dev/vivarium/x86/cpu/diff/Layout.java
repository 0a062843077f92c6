package dev.vivarium.x86.cpu.diff;

/**
 * Where the snippets' data lives, identical natively and in the emulator: the native runner maps
 * its buffer at {@link #BUFFER} (passed to the compiler), the emulator has RAM there. Pointer
 * registers point into the data window, the stack pointer into the stack window.
 */
final class Layout {
    static final int BUFFER = 0x0010_0000;
    static final int BUFFER_SIZE = 0x4000;
    /** Memory operands are addressed around here, with room on both sides for displacements and bit offsets. */
    static final int DATA = BUFFER + 0x1000;
    static final int DATA_SIZE = 0x1000;
    /** The stack pointer starts in [STACK, STACK + 0x100): ENTER with nesting 31 and PUSHA fit below. */
    static final int STACK = BUFFER + 0x3000;

    private Layout() {
    }
}
