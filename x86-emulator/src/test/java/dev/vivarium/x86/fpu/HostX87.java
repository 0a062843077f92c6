package dev.vivarium.x86.fpu;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The host's x87 through src/test/native-fpu/x87ref.c, built with gcc as a 64-bit program
 * under target/. Without gcc the tests that need it skip, except under {@code CI=true}, where
 * they fail.
 */
final class HostX87 {

    private static final Path SOURCE = Path.of("src", "test", "native-fpu", "x87ref.c").toAbsolutePath();
    private static final long TIMEOUT_SECONDS = 300;

    private final Path executable;

    private HostX87(Path executable) {
        this.executable = executable;
    }

    /** Builds the reference program, or skips (fails under CI=true) when it cannot be built here. */
    static HostX87 build() throws IOException, InterruptedException {
        Path dir = Path.of("target", "fpu-ref").toAbsolutePath();
        Files.createDirectories(dir);
        Path exe = dir.resolve("x87ref");
        String reason = null;
        if (!System.getProperty("os.arch").matches("amd64|x86_64")) {
            reason = "the host is not an x86-64 machine (" + System.getProperty("os.arch") + ")";
        } else {
            try {
                Process p = new ProcessBuilder("gcc", "-O1", "-Wall", "-o", exe.toString(), SOURCE.toString())
                        .redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    throw new IllegalStateException("building " + SOURCE + " failed:\n" + out);
                }
            } catch (IOException e) {
                reason = "gcc is not installed (" + e.getMessage() + ")";
            }
        }
        if (reason != null) {
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail(reason + ", and CI=true requires the FPU differential test");
            }
            Assumptions.abort(reason);
        }
        return new HostX87(exe);
    }

    /** Runs the lines (see x87ref.c) in one process; returns one output line per input line. */
    List<String> run(List<String> lines) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(executable.toString()).start();
        try {
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p));
            CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAllError(p));
            try (OutputStream in = p.getOutputStream()) {
                for (String line : lines) {
                    in.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
                }
            }
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("x87ref did not finish in " + TIMEOUT_SECONDS + " s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("x87ref failed (exit " + p.exitValue() + "): "
                        + new String(err.join(), StandardCharsets.UTF_8));
            }
            List<String> result = new ArrayList<>(new String(out.join(), StandardCharsets.US_ASCII).lines().toList());
            if (result.size() != lines.size()) {
                throw new IllegalStateException("x87ref answered " + result.size() + " of " + lines.size() + " cases");
            }
            return result;
        } finally {
            p.destroyForcibly();
        }
    }

    private static byte[] readAll(Process p) {
        try {
            return p.getInputStream().readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] readAllError(Process p) {
        try {
            return p.getErrorStream().readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
