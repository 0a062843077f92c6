package dev.vivarium.x86.cpu.diff;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The system harness under qemu-system-i386, booted as a Multiboot kernel: the command is its
 * command line, the cases a module, the answers come back on the 0xE9 debug console, and QEMU's
 * isa-debug-exit device ends the run.
 */
final class QemuSystemRunner implements ReferenceRunner {

    /** The CPU model of the comparison: a P6 with CMOV and CX8, as the emulator reports. */
    static final String CPU_MODEL = "pentium3";
    private static final long TIMEOUT_SECONDS = 600;
    /** isa-debug-exit makes QEMU exit with (value << 1) | 1; the harness writes 0 when it ran to its end. */
    private static final int EXIT_OK = 1;

    private final Path dir;
    private final Path kernel;
    private final int snippets;

    private QemuSystemRunner(Path dir, Path kernel, int snippets) {
        this.dir = dir;
        this.kernel = kernel;
        this.snippets = snippets;
    }

    static QemuSystemRunner build(Path dir, List<Snippet> snippets) throws IOException, InterruptedException {
        return new QemuSystemRunner(dir, SystemHarness.build(dir, snippets), snippets.size());
    }

    @Override
    public List<SnippetCode> code() throws IOException, InterruptedException {
        return SnippetAssembly.parseDump(String.join("\n", boot("dump", null, snippets)), Reference.QEMU_SYSTEM);
    }

    @Override
    public List<Outcome> run(List<CaseInput> cases) throws IOException, InterruptedException {
        Path module = dir.resolve("cases.txt");
        Files.writeString(module, SystemHarness.caseLines(cases));
        return SnippetAssembly.parseOutcomes(boot("run", module, cases.size()), cases.size(), Reference.QEMU_SYSTEM, "");
    }

    /** Boots the harness with a command (and the cases as a module) and returns the lines it printed. */
    private List<String> boot(String mode, Path module, int expected) throws IOException, InterruptedException {
        Path console = dir.resolve(mode + ".out");
        Files.deleteIfExists(console);
        List<String> command = new ArrayList<>(List.of("qemu-system-i386", "-nodefaults", "-nographic", "-no-reboot",
                "-m", "64", "-cpu", CPU_MODEL, "-kernel", kernel.toString(), "-append", mode,
                "-debugcon", "file:" + console, "-device", "isa-debug-exit,iobase=0xf4,iosize=4"));
        if (module != null) {
            command.addAll(List.of("-initrd", module.toString()));
        }
        Command.Result r = Command.run(dir, command, null, TIMEOUT_SECONDS);
        String printed = Files.exists(console) ? Files.readString(console, StandardCharsets.ISO_8859_1) : "";
        if (r.exit() != EXIT_OK) {
            throw new IllegalStateException("qemu-system-i386 " + mode + " ended with exit " + r.exit() + ": " + r.stderr()
                    + printed.substring(Math.max(0, printed.length() - 500)));
        }
        return SystemHarness.answer(printed, expected, Reference.QEMU_SYSTEM);
    }
}
