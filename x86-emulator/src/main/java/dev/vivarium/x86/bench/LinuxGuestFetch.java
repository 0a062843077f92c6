package dev.vivarium.x86.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs guests/linux/fetch.sh, which leaves Debian's kernel and our initramfs in
 * guests/images/linux (it only checks when they are there and current), and says how it went.
 */
public final class LinuxGuestFetch {

    /** What fetch.sh's exit status 3 means: Debian's archive could not be reached. */
    static final int UNREACHABLE = 3;
    private static final long TIMEOUT_MINUTES = 15;

    /**
     * @param status   fetch.sh's exit status (-1: it did not finish in time)
     * @param output   what it printed
     * @param kernel   the bzImage it leaves
     * @param initrd   the initramfs it leaves
     */
    public record Result(int status, String output, Path kernel, Path initrd) {

        public boolean ok() {
            return status == 0 && Files.isRegularFile(kernel) && Files.isRegularFile(initrd);
        }

        /** Debian's archive or a tool the script needs is missing: a reason to skip, not a fault of ours. */
        public boolean unavailable() {
            return status == UNREACHABLE || status == 1 && output.contains("is missing");
        }
    }

    private LinuxGuestFetch() {
    }

    public static Result run(Path guests) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of("bash", guests.resolve("linux/fetch.sh").toString()))
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        try {
            boolean done = p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            Path dir = guests.resolve("images/linux");
            return new Result(done ? p.exitValue() : -1, done ? out : out + "\n(did not finish within " + TIMEOUT_MINUTES + " minutes)",
                    dir.resolve("bzImage"), dir.resolve("initrd.gz"));
        } finally {
            p.destroyForcibly();
        }
    }
}
