package dev.vivarium.x86.cpu.diff;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Builds and drives the native side: the snippets go into one generated assembly file, linked
 * with src/test/native/{runner.c,harness.S} into a 32-bit executable under target/, which
 * prints each snippet's bytes ("dump") and runs all cases in one process ("run").
 */
final class NativeRunner {

    private static final Path SOURCES = Path.of("src", "test", "native").toAbsolutePath();
    private static final long TIMEOUT_SECONDS = 120;

    private final Path dir;
    private final Path executable;

    private NativeRunner(Path dir) {
        this.dir = dir;
        this.executable = dir.resolve("runner");
    }

    /** Why native runs are impossible here (no gcc, no 32-bit support), or empty when they are possible. */
    static Optional<String> unavailableReason(Path dir) throws IOException, InterruptedException {
        if (!Files.isRegularFile(SOURCES.resolve("runner.c"))) {
            return Optional.of("native sources not found at " + SOURCES.toAbsolutePath());
        }
        Files.createDirectories(dir);
        Path probe = dir.resolve("probe.c");
        Files.writeString(probe, "#include <stdio.h>\nint main(void) { return sizeof(void *) == 4 ? 0 : 1; }\n");
        Result r;
        try {
            r = exec(dir, List.of("gcc", "-m32", "-o", dir.resolve("probe").toString(), probe.toString()), null);
        } catch (IOException e) {
            return Optional.of("gcc is not installed (" + e.getMessage() + ")");
        }
        if (r.exit != 0) {
            return Optional.of("gcc cannot build 32-bit programs (Debian package gcc-multilib missing?): " + r.stderr.strip());
        }
        Result run = exec(dir, List.of(dir.resolve("probe").toString()), null);
        if (run.exit != 0) {
            return Optional.of("the host cannot run 32-bit programs (exit " + run.exit + ")");
        }
        return Optional.empty();
    }

    /** Assembles the snippets and links the runner; a snippet that does not assemble fails here with gcc's message. */
    static NativeRunner build(Path dir, List<Snippet> snippets) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path asm = dir.resolve("snippets.S");
        Files.writeString(asm, snippetSource(snippets));
        NativeRunner runner = new NativeRunner(dir);
        Result r = exec(dir, List.of("gcc", "-m32", "-no-pie", "-fno-pie", "-O1", "-Wall",
                "-DBUF_ADDR=0x" + Integer.toHexString(Layout.BUFFER),
                "-DBUF_SIZE=0x" + Integer.toHexString(Layout.BUFFER_SIZE),
                "-o", runner.executable.toString(),
                SOURCES.resolve("runner.c").toString(),
                SOURCES.resolve("harness.S").toString(),
                asm.toString()), null);
        if (r.exit != 0) {
            throw new IllegalStateException("building the native runner failed:\n" + r.stderr);
        }
        return runner;
    }

    static String snippetSource(List<Snippet> snippets) {
        StringBuilder s = new StringBuilder("        .intel_syntax noprefix\n        .text\n");
        for (int k = 0; k < snippets.size(); k++) {
            s.append("snip_start_").append(k).append(":\n");
            for (String line : snippets.get(k).asm().split("\n")) {
                s.append("        ").append(line).append('\n');
            }
            s.append("snip_end_").append(k).append(":\n        jmp harness_return\n");
        }
        s.append("        .section .rodata\n        .globl snip_table, snip_count\n        .p2align 2\nsnip_table:\n");
        for (int k = 0; k < snippets.size(); k++) {
            s.append("        .long snip_start_").append(k).append(", snip_end_").append(k).append('\n');
        }
        s.append("snip_count:\n        .long ").append(snippets.size()).append('\n');
        s.append("        .section .note.GNU-stack,\"\",@progbits\n");
        return s.toString();
    }

    /** The machine code of every snippet and its address in the runner. */
    List<SnippetCode> code() throws IOException, InterruptedException {
        Result r = exec(dir, List.of(executable.toString(), "dump"), null);
        if (r.exit != 0) {
            throw new IllegalStateException("runner dump failed (exit " + r.exit + "): " + r.stderr);
        }
        String[] lines = r.stdout.split("\n");
        String[] header = lines[0].split(" ");
        if (Integer.parseInt(header[2], 16) != Layout.BUFFER || Integer.parseInt(header[3], 16) != Layout.BUFFER_SIZE) {
            throw new IllegalStateException("runner buffer layout differs: " + lines[0]);
        }
        List<SnippetCode> code = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split(" ");
            code.add(new SnippetCode(Integer.parseUnsignedInt(f[1], 16), f.length > 2 ? HexFormat.of().parseHex(f[2]) : new byte[0]));
        }
        return code;
    }

    /** Runs every case natively, in order, in one process. */
    List<Outcome> run(List<CaseInput> cases) throws IOException, InterruptedException {
        StringBuilder in = new StringBuilder(cases.size() * 100);
        for (CaseInput c : cases) {
            in.append(c.toRunnerLine()).append('\n');
        }
        Result r = exec(dir, List.of(executable.toString(), "run"), in.toString());
        if (r.exit != 0) {
            throw new IllegalStateException("runner failed (exit " + r.exit + "): " + r.stderr);
        }
        List<Outcome> out = new ArrayList<>(cases.size());
        for (String line : r.stdout.split("\n")) {
            if (!line.isEmpty()) {
                out.add(Outcome.parse(line));
            }
        }
        if (out.size() != cases.size()) {
            throw new IllegalStateException("runner answered " + out.size() + " of " + cases.size() + " cases: " + r.stderr);
        }
        return out;
    }

    private record Result(int exit, String stdout, String stderr) {
    }

    /** Runs a command with files for its streams, and kills it if it outlives the timeout. */
    private static Result exec(Path dir, List<String> command, String stdin) throws IOException, InterruptedException {
        Path in = dir.resolve("stdin.txt");
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        Files.writeString(in, stdin == null ? "" : stdin);
        Process p = new ProcessBuilder(command).directory(dir.toFile())
                .redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException(command.get(0) + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            p.destroyForcibly();
        }
    }
}
