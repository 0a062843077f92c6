package dev.vivarium.x86.cpu.diff;

/** A snippet's machine code as the host assembler produced it, and where the host process has it. */
record SnippetCode(int address, byte[] bytes) {
}
