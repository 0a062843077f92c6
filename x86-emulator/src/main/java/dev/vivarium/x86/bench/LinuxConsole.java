package dev.vivarium.x86.bench;

/**
 * What the Linux guest (Debian's kernel with guests/linux's initramfs) prints at the points a
 * boot is measured to: our /init's last line before its shell and the shell's prompt, or the
 * kernel's own stop on a CPU without an FPU.
 */
public final class LinuxConsole {

    /** /init's line just before it starts the shell, and the prompt it gives the shell. */
    public static final String INIT_DONE = "vivarium-init: shell on the console";
    public static final String PROMPT = "linux# ";
    /** The console at the moment the shell first waits for input. */
    public static final String AT_PROMPT = INIT_DONE + "\r\n" + PROMPT;
    /** The 686 kernel has no math emulation: without an x87 it stops here. */
    public static final String NO_FPU = "x86/fpu: Giving up, no FPU found and no math emulation present";

    private LinuxConsole() {
    }

    /** Where a console shows the boot ended: "prompt", "no-fpu", or null while it goes on. */
    public static String reached(CharSequence console) {
        String s = console.toString();
        if (s.contains(AT_PROMPT)) {
            return "prompt";
        }
        return s.contains(NO_FPU) ? "no-fpu" : null;
    }
}
