package dev.vivarium.x86.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * Runs a guest kernel under {@code qemu-system-i386} (TCG), as {@code guests/run-qemu.sh} does:
 * no default devices, so the serial console carries only the guest's bytes, and the debug-exit
 * device, through which QEMU exits with {@code (code << 1) | 1}.
 */
final class QemuRunner {

    private static final long TIMEOUT_SECONDS = 600;

    private final Path qemu;
    private final Path guests;

    QemuRunner(Path qemu, Path guests) {
        this.qemu = qemu;
        this.guests = guests;
    }

    RunOutcome run(Workload workload) throws BenchmarkFailure {
        List<String> command = List.of(qemu.toString(), "-kernel", workload.image(guests).toString(),
                "-append", workload.cmdline(), "-nodefaults", "-display", "none", "-serial", "stdio",
                "-no-reboot", "-m", "64", "-device", "isa-debug-exit,iobase=0xf4,iosize=4");
        HostProcess.Result r = HostProcess.run(command, TIMEOUT_SECONDS);
        if ((r.status() & 1) == 0) {
            throw new BenchmarkFailure("QEMU ran " + workload.name() + " and exited with " + r.status()
                    + " without a debug exit (reset, triple fault or QEMU error): " + r.stderr().strip());
        }
        return new RunOutcome(r.stdout(), r.status() >> 1, r.nanos());
    }

    /** The first line of {@code qemu-system-i386 --version}, for the record. */
    String version() throws BenchmarkFailure {
        HostProcess.Result r = HostProcess.run(List.of(qemu.toString(), "--version"), 60);
        return r.stdout().lines().findFirst().orElse("unknown").strip();
    }
}
