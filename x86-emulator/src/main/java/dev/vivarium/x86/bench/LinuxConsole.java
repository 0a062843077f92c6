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
    /** The 686 kernel has no math emulation: without an x87 it stops here. */
    public static final String NO_FPU = "x86/fpu: Giving up, no FPU found and no math emulation present";

    private LinuxConsole() {
    }

    /**
     * Where a console shows the boot ended: "prompt" (the shell's prompt after /init's last
     * line; the shell's line editing may write terminal queries around it), "no-fpu", or null
     * while it goes on.
     */
    public static String reached(CharSequence console) {
        String s = console.toString();
        int init = s.indexOf(INIT_DONE);
        if (init >= 0 && s.indexOf(PROMPT, init) >= 0) {
            return "prompt";
        }
        return s.contains(NO_FPU) ? "no-fpu" : null;
    }

    /** Whether the shell answered {@code answer} on a line of its own and prompted again after it. */
    public static boolean answered(CharSequence console, String answer) {
        String s = console.toString();
        int at = s.indexOf("\n" + answer + "\r\n");
        return at >= 0 && s.indexOf(PROMPT, at) >= 0;
    }
}
