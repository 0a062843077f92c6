package dev.vivarium.x86.cpu.diff;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which references this host can run, found by trying: a 32-bit probe program is built and
 * started natively and under qemu-i386; the system harness, with no snippet in it, is built and
 * booted under qemu-system-i386 and Bochs. Never by reading the kernel's configuration, which can
 * claim 32-bit support a boot option switched off. {@value #SWITCH}=off forces the fallback on a host that does run 32-bit code, so the
 * fallback is tested there too.
 */
final class References {

    static final String SWITCH = "VIVARIUM_NATIVE32";
    private static final long PROBE_SECONDS = 60;

    private final Map<Reference, String> unavailable;

    private References(Map<Reference, String> unavailable) {
        this.unavailable = unavailable;
    }

    /** Whether the environment asks for the fallback references even where native runs work. */
    static boolean nativeSwitchedOff() {
        return "off".equalsIgnoreCase(System.getenv(SWITCH));
    }

    /** Probes every reference in {@code dir}; {@code forceFallback} leaves the native one out, as {@value #SWITCH}=off does. */
    static References probe(Path dir, boolean forceFallback) throws IOException, InterruptedException {
        Map<Reference, String> why = new EnumMap<>(Reference.class);
        if (!Files.isRegularFile(NativeRunner.SOURCES.resolve("runner.c")) || !Files.isRegularFile(SystemHarness.SOURCES.resolve("harness.c"))) {
            String missing = "the native sources are not at " + NativeRunner.SOURCES;
            for (Reference r : Reference.values()) {
                why.put(r, missing);
            }
            return new References(why);
        }
        Files.createDirectories(dir);
        Path probe = dir.resolve("probe.c");
        Files.writeString(probe, "int main(void) { return sizeof(void *) == 4 ? 0 : 1; }\n");
        Path program = dir.resolve("probe");
        Command.Result built = Command.tryRun(dir, List.of("gcc", "-m32", "-o", program.toString(), probe.toString()), PROBE_SECONDS);
        if (!built.ok()) {
            String reason = built.exit() < 0 ? "gcc is not installed (" + built.stderr() + ")"
                    : "gcc cannot build 32-bit programs (Debian package gcc-multilib missing?): " + built.stderr().strip();
            why.put(Reference.NATIVE, reason);
            why.put(Reference.QEMU_USER, reason);
        } else {
            if (forceFallback) {
                why.put(Reference.NATIVE, SWITCH + "=off forces the fallback references");
            } else {
                failure(dir, NativeRunner.launch(Reference.NATIVE, program), "the host cannot run 32-bit programs")
                        .ifPresent(r -> why.put(Reference.NATIVE, r));
            }
            failure(dir, NativeRunner.launch(Reference.QEMU_USER, program), "qemu-i386 cannot run a 32-bit program (Debian package qemu-user missing?)")
                    .ifPresent(r -> why.put(Reference.QEMU_USER, r));
        }
        for (Reference system : List.of(Reference.QEMU_SYSTEM, Reference.BOCHS)) {
            bootFailure(dir.resolve(system.label()), system).ifPresent(r -> why.put(system, r));
        }
        return new References(why);
    }

    /** Boots the system harness without snippets under a system emulator; why that failed, or empty when it listed none. */
    private static Optional<String> bootFailure(Path dir, Reference system) throws InterruptedException {
        String tool = system == Reference.BOCHS ? "bochs" : "qemu-system-i386";
        String packages = system == Reference.BOCHS ? "bochs, bochsbios, vgabios and bochs-sdl" : "qemu-system-x86";
        if (Command.tryRun(dir, List.of(tool, "--help"), PROBE_SECONDS).exit() < 0) {
            return Optional.of(tool + " is not installed (Debian packages " + packages + ")");
        }
        try {
            List<SnippetCode> none = DifferentialRun.build(system, dir, List.of()).code();
            return none.isEmpty() ? Optional.empty() : Optional.of(tool + " listed snippets of an empty harness");
        } catch (IOException | RuntimeException e) {
            return Optional.of(tool + " cannot boot the system harness (Debian packages " + packages + "): " + e.getMessage());
        }
    }

    /** Runs a probe command; the reason it failed, or empty when it ran and exited 0. */
    private static Optional<String> failure(Path dir, List<String> command, String meaning) throws InterruptedException {
        Command.Result r = Command.tryRun(dir, command, PROBE_SECONDS);
        if (r.ok()) {
            return Optional.empty();
        }
        String detail = r.exit() < 0 ? r.stderr().strip() : "exit " + r.exit() + (r.stderr().isBlank() ? "" : ": " + r.stderr().strip());
        return Optional.of(meaning + " (" + detail + ")");
    }

    boolean available(Reference reference) {
        return !unavailable.containsKey(reference);
    }

    /** Why a reference cannot run here; only for references that are not available. */
    String whyNot(Reference reference) {
        return unavailable.get(reference);
    }
}
