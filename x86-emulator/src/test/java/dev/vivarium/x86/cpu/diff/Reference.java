package dev.vivarium.x86.cpu.diff;

/** What a snippet's outcome is compared with: hardware when the host can run 32-bit code, else an emulator that agrees with it. */
enum Reference {
    /** The host processor, running the snippets in a 32-bit Linux process (runner.c). */
    NATIVE("native"),
    /** The same 32-bit process under Debian's qemu-user, for hosts whose kernel runs no 32-bit programs. */
    QEMU_USER("qemu-i386"),
    /** The system harness (src/test/native/system) under qemu-system-i386, whose system mode models exceptions and descriptor loads. */
    QEMU_SYSTEM("qemu-system-i386"),
    /** The same harness under Bochs, which also checks every access against its segment's limit and rights. */
    BOCHS("bochs");

    private final String label;

    Reference(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    @Override
    public String toString() {
        return label;
    }
}
