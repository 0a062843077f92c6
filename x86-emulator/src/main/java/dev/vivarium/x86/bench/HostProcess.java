package dev.vivarium.x86.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one host process to its end and times it. Its stdout and stderr go to files rather than
 * pipes, so no reader thread competes with the process for the CPU while it is being timed.
 */
final class HostProcess {

    private static final File NO_INPUT = new File("/dev/null");

    /** What a finished process left: its status, stdout, stderr and wall time. */
    record Result(int status, String stdout, String stderr, long nanos) {
    }

    private HostProcess() {
    }

    static Result run(List<String> command, long timeoutSeconds) throws BenchmarkFailure {
        Path out = null;
        Path err = null;
        Process process = null;
        try {
            out = Files.createTempFile("vivarium-bench", ".out");
            err = Files.createTempFile("vivarium-bench", ".err");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectInput(NO_INPUT)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            long start = System.nanoTime();
            process = builder.start();
            boolean finished = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            long nanos = System.nanoTime() - start;
            if (!finished) {
                throw new BenchmarkFailure(String.join(" ", command) + " did not finish within " + timeoutSeconds + " s");
            }
            // ISO-8859-1 maps every byte to one char, so outputs compare byte for byte.
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1),
                    Files.readString(err, StandardCharsets.ISO_8859_1), nanos);
        } catch (IOException e) {
            throw new BenchmarkFailure("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchmarkFailure("interrupted while running " + String.join(" ", command), e);
        } finally {
            if (process != null && process.isAlive()) {
                // timed out or interrupted: no QEMU or workload is left running behind the benchmark
                process.destroyForcibly();
            }
            delete(out);
            delete(err);
        }
    }

    /** The executable {@code name} on the PATH, or null. */
    static Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static void delete(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a leftover temp file is harmless; the figures are what matter
            }
        }
    }
}
