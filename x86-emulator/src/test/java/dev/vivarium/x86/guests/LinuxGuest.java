package dev.vivarium.x86.guests;

import dev.vivarium.x86.bench.LinuxGuestFetch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Debian's kernel and our busybox initramfs, as guests/linux/fetch.sh leaves them in
 * guests/images/linux. The script runs first (it only checks when they are there and current);
 * where Debian's archive cannot be reached or a tool it needs is missing the test is skipped
 * with the reason, except under CI=true, where that is a failure.
 */
final class LinuxGuest {

    private LinuxGuest() {
    }

    static Path fetch() throws Exception {
        LinuxGuestFetch.Result r = LinuxGuestFetch.run(GuestWorkloadsTest.guests());
        if (r.unavailable()) {
            String reason = "guests/linux/fetch.sh: " + r.output().strip();
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(reason + " (CI=true: .ci/run must make Debian's packages and the tools available)");
            }
            System.out.println("skipped: " + reason);
            assumeTrue(false, reason);
        }
        assertThat(r.ok()).as("fetch.sh (status %d):%n%s", r.status(), r.output()).isTrue();
        return r.kernel().getParent();
    }

    static byte[] kernel(Path dir) throws IOException {
        return Files.readAllBytes(dir.resolve("bzImage"));
    }

    static byte[] initrd(Path dir) throws IOException {
        return Files.readAllBytes(dir.resolve("initrd.gz"));
    }
}
