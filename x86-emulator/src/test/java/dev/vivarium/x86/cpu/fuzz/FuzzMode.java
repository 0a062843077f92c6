package dev.vivarium.x86.cpu.fuzz;

/** The processor modes the fuzzer starts episodes in (guest code may leave them). */
enum FuzzMode {
    /** Real mode with random segments and a random interrupt vector table. */
    REAL,
    /** 16-bit protected mode at ring 0, with 16-bit interrupt gates. */
    PROTECTED16,
    /** Flat 32-bit protected mode at ring 0, paging on in half the episodes. */
    PROTECTED32,
    /** Ring 3 with paging on: exceptions reach ring 0 handlers through the TSS stack. */
    RING3_PAGING,
    /** 32-bit protected mode (ring 0 or 3) whose IDT, TSS and most of a 64 KiB GDT are random bytes. */
    RANDOM_TABLES
}
