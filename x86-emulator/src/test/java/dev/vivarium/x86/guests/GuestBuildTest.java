package dev.vivarium.x86.guests;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The committed guest images are exactly what `make -C guests` builds (byte-reproducible), and
 * the guests' own test (native and QEMU runs against the expected outputs) passes. Needs gcc,
 * make and qemu-system-i386; skipped without them, except under CI=true.
 */
class GuestBuildTest {

    private static boolean ci() {
        return "true".equals(System.getenv("CI"));
    }

    private static boolean have(String command) throws InterruptedException {
        try {
            Process p = new ProcessBuilder("sh", "-c", "command -v " + command).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static void requireTools(String... commands) throws InterruptedException {
        for (String c : commands) {
            if (!have(c)) {
                if (ci()) {
                    throw new AssertionError(c + " is missing and CI=true: .ci/run must install it");
                }
                System.out.println("GuestBuildTest skipped: " + c + " not found (apt-get install gcc make qemu-system-x86)");
                assumeTrue(false, c + " not found");
            }
        }
    }

    private static String make(Path guests, String target) throws Exception {
        Process p = new ProcessBuilder(List.of("make", "-C", guests.toString(), target))
                .redirectErrorStream(true).start();
        try {
            boolean done = p.waitFor(5, TimeUnit.MINUTES);
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(done).as("make %s finished", target).isTrue();
            assertThat(p.exitValue()).as("make %s:%n%s", target, out).isZero();
            return out;
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void committedImagesAreReproducible() throws Exception {
        requireTools("gcc", "make", "ld");
        make(GuestWorkloadsTest.guests(), "check");
    }

    @Test
    void guestsPassTheirOwnTestsNativelyAndUnderQemu() throws Exception {
        requireTools("gcc", "make", "qemu-system-i386");
        String out = make(GuestWorkloadsTest.guests(), "test");
        assertThat(out).contains("test: all passed");
    }
}
