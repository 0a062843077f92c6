package dev.vivarium.x86.cpu.diff;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The system-mode harness of src/test/native/system with the snippets linked in: a freestanding
 * 32-bit kernel (no 32-bit libraries, no kernel support needed) that runs them at CPL 3 on the
 * descriptor tables EmulatorHarness builds, for the system emulators to boot. It prints its
 * answers on the 0xE9 debug console after a line {@value #BEGIN}.
 */
final class SystemHarness {

    static final Path SOURCES = NativeRunner.SOURCES.resolve("system");
    static final String BEGIN = "vivarium-harness";
    private static final long TIMEOUT_SECONDS = 300;

    private SystemHarness() {
    }

    /** The compiler flags of a freestanding 32-bit program: what the harness and the availability probe are built with. */
    static List<String> freestandingCompile() {
        return List.of("gcc", "-m32", "-march=i686", "-ffreestanding", "-nostdlib", "-fno-pie", "-no-pie", "-static", "-O1", "-Wall",
                "-fno-stack-protector", "-fno-asynchronous-unwind-tables");
    }

    /** Links the harness with the snippets into {@code dir}/harness.elf (each snippet ends with HLT, as in EmulatorHarness). */
    static Path build(Path dir, List<Snippet> snippets) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path asm = dir.resolve("snippets.S");
        Files.writeString(asm, SnippetAssembly.source(snippets, "hlt"));
        Path kernel = dir.resolve("harness.elf");
        List<String> command = new ArrayList<>(freestandingCompile());
        command.addAll(List.of(
                "-DBUF_ADDR=0x" + Integer.toHexString(Layout.BUFFER),
                "-DBUF_SIZE=0x" + Integer.toHexString(Layout.BUFFER_SIZE),
                "-Wl,-T," + SOURCES.resolve("link.ld"), "-Wl,--build-id=none",
                "-o", kernel.toString(),
                SOURCES.resolve("boot.S").toString(), SOURCES.resolve("harness.c").toString(), asm.toString()));
        run(dir, command, "building the system-mode harness");
        return kernel;
    }

    /** The cases as the harness reads them: one runner line each. */
    static String caseLines(List<CaseInput> cases) {
        StringBuilder in = new StringBuilder(cases.size() * 100);
        for (CaseInput c : cases) {
            in.append(c.toRunnerLine()).append('\n');
        }
        return in.toString();
    }

    /**
     * The harness's own lines in what a system emulator printed (which may print more of its own
     * before and after): those after its first line, up to its last, "end N" in hex, where N is
     * {@code expected} when it ran to its end.
     */
    static List<String> answer(String printed, int expected, Reference reference) {
        List<String> lines = List.of(printed.split("\n"));
        int begin = lines.indexOf(BEGIN);
        if (begin < 0) {
            throw new IllegalStateException(reference + " never ran the harness; it printed: "
                    + printed.substring(Math.max(0, printed.length() - 800)));
        }
        int end = lines.indexOf("end " + Integer.toHexString(expected));
        if (end < begin) {
            throw new IllegalStateException("the system-mode harness under " + reference + " stopped early, its last line: "
                    + lines.get(lines.size() - 1));
        }
        return lines.subList(begin + 1, end);
    }

    static Command.Result run(Path dir, List<String> command, String what) throws IOException, InterruptedException {
        Command.Result r = Command.run(dir, command, null, TIMEOUT_SECONDS);
        if (!r.ok()) {
            throw new IllegalStateException(what + " failed (exit " + r.exit() + "):\n" + r.stderr());
        }
        return r;
    }
}
