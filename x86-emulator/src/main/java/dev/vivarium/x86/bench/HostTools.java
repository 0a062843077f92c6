package dev.vivarium.x86.bench;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes sure what the comparison needs on the host is there: the native builds of the workloads
 * (built with {@code make} when missing) and {@code qemu-system-i386} (Debian's
 * {@code qemu-system-x86}, installed with apt-get when missing and running as root).
 */
final class HostTools {

    static final String QEMU = "qemu-system-i386";
    private static final String QEMU_PACKAGE = "qemu-system-x86";
    private static final long BUILD_TIMEOUT_SECONDS = 600;
    private static final long INSTALL_TIMEOUT_SECONDS = 1800;

    private final PrintWriter log;

    /** @param log where progress goes (stderr), so that stdout stays the table or the JSON */
    HostTools(PrintWriter log) {
        this.log = log;
    }

    /** Builds the native binaries of the workloads that lack one, with the guests' own Makefile. */
    void ensureNativeBuilds(Path guests, List<Workload> workloads) throws BenchmarkFailure {
        List<String> command = new ArrayList<>(List.of("make", "-C", guests.toString()));
        for (Workload w : workloads) {
            if (!Files.isExecutable(w.nativeBinary(guests))) {
                command.add("build/native/" + w.name());
            }
        }
        if (command.size() == 3) {
            return;
        }
        if (HostProcess.onPath("make") == null || HostProcess.onPath("gcc") == null) {
            throw new BenchmarkFailure("the native builds are missing and gcc or make is not installed "
                    + "(apt-get install -y gcc make), so nothing can be compared with native code");
        }
        log.println("vivarium: building the native workloads: " + String.join(" ", command));
        log.flush();
        HostProcess.Result r = HostProcess.run(command, BUILD_TIMEOUT_SECONDS);
        if (r.status() != 0) {
            throw new BenchmarkFailure("building the native workloads failed (" + r.status() + "):\n" + r.stdout() + r.stderr());
        }
    }

    /** The QEMU binary, installing Debian's package first when it is missing. */
    Path qemu() throws BenchmarkFailure {
        Path qemu = HostProcess.onPath(QEMU);
        if (qemu != null) {
            return qemu;
        }
        if (!"root".equals(System.getProperty("user.name")) || HostProcess.onPath("apt-get") == null) {
            throw new BenchmarkFailure(QEMU + " is not installed; install it with: apt-get install -y " + QEMU_PACKAGE);
        }
        log.println("vivarium: " + QEMU + " is missing; installing " + QEMU_PACKAGE + " with apt-get");
        log.flush();
        run(List.of("apt-get", "update"));
        run(List.of("apt-get", "install", "-y", QEMU_PACKAGE));
        qemu = HostProcess.onPath(QEMU);
        if (qemu == null) {
            throw new BenchmarkFailure("installed " + QEMU_PACKAGE + " but " + QEMU + " is still not on the PATH");
        }
        return qemu;
    }

    private static void run(List<String> command) throws BenchmarkFailure {
        HostProcess.Result r = HostProcess.run(command, INSTALL_TIMEOUT_SECONDS);
        if (r.status() != 0) {
            throw new BenchmarkFailure(String.join(" ", command) + " failed (" + r.status() + "):\n" + r.stderr());
        }
    }
}
