package dev.vivarium.x86.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * A whole Vivarium run as a user types it: a fresh {@code vivarium x86 run --cmdline=PARAMS
 * IMAGE} process, JVM start-up, loading and the JIT's warm-up included, the counterpart of a
 * whole QEMU process. Its stdout is the guest's serial console and its exit status the guest's
 * debug-exit code, as for {@code x86 run}.
 */
final class LauncherRunner {

    private static final long TIMEOUT_SECONDS = 600;

    private final Path launcher;
    private final Path guests;

    LauncherRunner(Path launcher, Path guests) {
        this.launcher = launcher;
        this.guests = guests;
    }

    RunOutcome run(Workload workload) throws BenchmarkFailure {
        List<String> command = List.of(launcher.toString(), "x86", "run", "--cmdline=" + workload.cmdline(),
                workload.image(guests).toString());
        HostProcess.Result r = HostProcess.run(command, TIMEOUT_SECONDS);
        if (r.status() > 122) {
            throw new BenchmarkFailure(String.join(" ", command) + " exited with " + r.status()
                    + " (not a guest's exit code): " + r.stderr().strip());
        }
        return new RunOutcome(r.stdout(), r.status(), r.nanos());
    }

    Path launcher() {
        return launcher;
    }
}
