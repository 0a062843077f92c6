package dev.vivarium.x86.cpu.diff;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The 32-bit process reference: the snippets go into one generated assembly file, linked with
 * src/test/native/{runner.c,harness.S} into a 32-bit executable under target/, which prints each
 * snippet's bytes ("dump") and runs all cases in one process ("run"). The executable runs on the
 * host processor ({@link Reference#NATIVE}) or under qemu-i386 ({@link Reference#QEMU_USER}); this
 * is the only place the tests run 32-bit programs.
 */
final class NativeRunner implements ReferenceRunner {

    static final Path SOURCES = Path.of("src", "test", "native").toAbsolutePath();
    private static final long TIMEOUT_SECONDS = 300;

    private final Path dir;
    private final Path executable;
    private final Reference reference;

    private NativeRunner(Path dir, Reference reference) {
        this.dir = dir;
        this.executable = dir.resolve("runner");
        this.reference = reference;
    }

    /** The command that starts a 32-bit program of ours as {@code reference} runs it. */
    static List<String> launch(Reference reference, Path program, String... args) {
        List<String> command = new ArrayList<>();
        switch (reference) {
            case NATIVE -> { }
            case QEMU_USER -> command.add("qemu-i386");
            default -> throw new IllegalArgumentException(reference + " does not run Linux processes");
        }
        command.add(program.toString());
        command.addAll(Arrays.asList(args));
        return command;
    }

    /** Assembles the snippets and links the runner; a snippet that does not assemble fails here with gcc's message. */
    static NativeRunner build(Path dir, List<Snippet> snippets, Reference reference) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path asm = dir.resolve("snippets.S");
        Files.writeString(asm, SnippetAssembly.source(snippets, "jmp harness_return"));
        NativeRunner runner = new NativeRunner(dir, reference);
        Command.Result r = Command.run(dir, List.of("gcc", "-m32", "-no-pie", "-fno-pie", "-O1", "-Wall",
                "-DBUF_ADDR=0x" + Integer.toHexString(Layout.BUFFER),
                "-DBUF_SIZE=0x" + Integer.toHexString(Layout.BUFFER_SIZE),
                "-o", runner.executable.toString(),
                SOURCES.resolve("runner.c").toString(),
                SOURCES.resolve("harness.S").toString(),
                asm.toString()), null, TIMEOUT_SECONDS);
        if (!r.ok()) {
            throw new IllegalStateException("building the native runner failed:\n" + r.stderr());
        }
        return runner;
    }

    @Override
    public List<SnippetCode> code() throws IOException, InterruptedException {
        Command.Result r = Command.run(dir, launch(reference, executable, "dump"), null, TIMEOUT_SECONDS);
        if (!r.ok()) {
            throw new IllegalStateException("runner dump under " + reference + " failed (exit " + r.exit() + "): " + r.stderr());
        }
        return SnippetAssembly.parseDump(r.stdout(), reference);
    }

    /** Runs every case, in order, in one process. */
    @Override
    public List<Outcome> run(List<CaseInput> cases) throws IOException, InterruptedException {
        StringBuilder in = new StringBuilder(cases.size() * 100);
        for (CaseInput c : cases) {
            in.append(c.toRunnerLine()).append('\n');
        }
        Command.Result r = Command.run(dir, launch(reference, executable, "run"), in.toString(), TIMEOUT_SECONDS);
        if (!r.ok()) {
            throw new IllegalStateException("runner under " + reference + " failed (exit " + r.exit() + "): " + r.stderr());
        }
        return SnippetAssembly.parseOutcomes(List.of(r.stdout().split("\n")), cases.size(), reference, r.stderr());
    }
}
