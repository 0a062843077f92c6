package dev.vivarium.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs `vivarium ARGS` as its own process on the test classpath, as ./vivarium would. */
public final class Cli {

    public record Result(int exit, String out, String err) {
    }

    private final Path scratch;

    public Cli(Path scratch) {
        this.scratch = scratch;
    }

    public static List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.vivarium.node.cli.VivariumCommand"));
        command.addAll(List.of(args));
        return command;
    }

    public Result run(String... args) throws IOException, InterruptedException {
        return run(java.time.Duration.ofSeconds(180), args);
    }

    /** {@link #run(String...)} with a longer limit (a lab coming up on a loaded machine). */
    public Result run(java.time.Duration limit, String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile(scratch, "out", ".txt");
        Path err = Files.createTempFile(scratch, "err", ".txt");
        Process p = new ProcessBuilder(command(args)).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("vivarium " + String.join(" ", args) + " did not finish within " + limit.toSeconds() + " s");
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
