package dev.vivarium.x86.guests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Debian's kernel and our busybox initramfs, as guests/linux/fetch.sh leaves them in
 * guests/images/linux. The script runs first (it only checks when they are there and current);
 * where Debian's archive cannot be reached or a tool it needs is missing the test is skipped
 * with the reason, except under CI=true, where that is a failure.
 */
final class LinuxGuest {

    /** What our /init prints once its script has run, and the shell's prompt it then sets. */
    static final String INIT_DONE = "vivarium-init: shell on the console";
    static final String PROMPT = "linux# ";

    private LinuxGuest() {
    }

    static Path fetch() throws Exception {
        Path guests = GuestWorkloadsTest.guests();
        Process p = new ProcessBuilder(List.of("bash", guests.resolve("linux/fetch.sh").toString()))
                .redirectErrorStream(true).start();
        String out;
        try {
            boolean done = p.waitFor(15, TimeUnit.MINUTES);
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(done).as("fetch.sh finished within 15 minutes").isTrue();
        } finally {
            p.destroyForcibly();
        }
        int status = p.exitValue();
        boolean unreachable = status == 3;
        boolean toolMissing = status == 1 && out.contains("is missing");
        if (unreachable || toolMissing) {
            String reason = "guests/linux/fetch.sh: " + out.strip();
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(reason + " (CI=true: .ci/run must make Debian's packages and the tools available)");
            }
            System.out.println("skipped: " + reason);
            assumeTrue(false, reason);
        }
        assertThat(status).as("fetch.sh:%n%s", out).isZero();
        Path dir = guests.resolve("images/linux");
        assertThat(dir.resolve("bzImage")).isRegularFile();
        assertThat(dir.resolve("initrd.gz")).isRegularFile();
        return dir;
    }

    static byte[] kernel(Path dir) throws IOException {
        return Files.readAllBytes(dir.resolve("bzImage"));
    }

    static byte[] initrd(Path dir) throws IOException {
        return Files.readAllBytes(dir.resolve("initrd.gz"));
    }
}
