package dev.vivarium.x86.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs a workload's host build: the same C core, compiled by the host gcc, as a plain process. */
final class NativeRunner {

    private static final long TIMEOUT_SECONDS = 600;

    private final Path guests;

    NativeRunner(Path guests) {
        this.guests = guests;
    }

    /** The wall time includes process creation (about a millisecond), as a shell's {@code time} would. */
    RunOutcome run(Workload workload) throws BenchmarkFailure {
        List<String> command = new ArrayList<>();
        command.add(workload.nativeBinary(guests).toString());
        command.addAll(workload.arguments());
        HostProcess.Result r = HostProcess.run(command, TIMEOUT_SECONDS);
        return new RunOutcome(r.stdout(), r.status(), r.nanos());
    }
}
