package dev.vivarium.x86.cpu.diff;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a tool of the differential tests (gcc, a runner, QEMU) with files for its streams, and kills it if it outlives its time. */
final class Command {

    /** What a finished command left: its exit status and what it printed. */
    record Result(int exit, String stdout, String stderr) {

        boolean ok() {
            return exit == 0;
        }
    }

    private Command() {
    }

    static Result run(Path dir, List<String> command, String stdin, long timeoutSeconds) throws IOException, InterruptedException {
        return run(dir, command, stdin, timeoutSeconds, Map.of());
    }

    /** Runs {@code command} in {@code dir} with {@code environment} added to this process's. */
    static Result run(Path dir, List<String> command, String stdin, long timeoutSeconds, Map<String, String> environment)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path in = dir.resolve("stdin.txt");
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        Files.writeString(in, stdin == null ? "" : stdin);
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(environment);
        Process p = builder.start();
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                throw new IllegalStateException(command.get(0) + " did not finish within " + timeoutSeconds + " s");
            }
            // ISO-8859-1: a tool's output is read byte for byte, whatever it printed.
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1), Files.readString(err, StandardCharsets.ISO_8859_1));
        } finally {
            p.destroyForcibly();
        }
    }

    /** Like {@link #run}, but a program that cannot be started at all (not installed, not executable here) is a result too. */
    static Result tryRun(Path dir, List<String> command, long timeoutSeconds) throws InterruptedException {
        try {
            return run(dir, command, null, timeoutSeconds);
        } catch (IOException e) {
            return new Result(-1, "", e.getMessage());
        }
    }
}
