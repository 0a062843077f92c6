package dev.vivarium.x86.cpu.diff;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The system harness under Bochs (Debian's bochs, with its BIOS), which checks segment limits and
 * rights on every access, null selectors and LOCK prefixes as hardware does, where QEMU's
 * translator leaves them out. Bochs has no Multiboot loader: its BIOS boots our boot sector
 * (bootsector.S) from a floppy image, which enters protected mode and jumps to the harness that
 * Bochs loaded at 0x200000 as a RAM image; the command and the cases follow at 0x400000 as up to
 * three more (Bochs loads at most 128 KiB per RAM image and four images, so a long list of
 * cases runs in several boots). The answers come on the 0xE9 console (Bochs's port_e9_hack, to its stdout) and the
 * harness ends the run through Bochs's shutdown port. Bochs needs a display library even when
 * nothing is shown: SDL2's dummy video driver, so nothing opens a window or listens on a port.
 */
final class BochsRunner implements ReferenceRunner {

    /** The CPU model of the comparison: Bochs's Pentium III, as QemuSystemRunner's. */
    static final String CPU_MODEL = "p3_katmai";
    static final Path BIOS = Path.of("/usr/share/bochs/BIOS-bochs-latest");
    static final Path VGA_BIOS = Path.of("/usr/share/bochs/VGABIOS-lgpl-latest");
    private static final int FLOPPY_BYTES = 1_474_560;
    /** Bochs's limit for one RAM image, and where the parameter images start. */
    private static final int RAM_IMAGE_BYTES = 128 * 1024;
    private static final int PARAMETERS = 0x400000;
    private static final int PARAMETER_IMAGES = 3;

    private final Path dir;
    private final Path image;
    private final Path floppy;
    private final int snippets;

    private BochsRunner(Path dir, Path image, Path floppy, int snippets) {
        this.dir = dir;
        this.image = image;
        this.floppy = floppy;
        this.snippets = snippets;
    }

    static BochsRunner build(Path dir, List<Snippet> snippets) throws IOException, InterruptedException {
        Path kernel = SystemHarness.build(dir, snippets);
        Path image = dir.resolve("harness.bin");
        SystemHarness.run(dir, List.of("objcopy", "-O", "binary", kernel.toString(), image.toString()), "objcopy of the harness");
        Path bootObject = dir.resolve("bootsector.o");
        Path bootSector = dir.resolve("bootsector.bin");
        SystemHarness.run(dir, List.of("gcc", "-m32", "-c", "-o", bootObject.toString(), SystemHarness.SOURCES.resolve("bootsector.S").toString()),
                "assembling the boot sector");
        SystemHarness.run(dir, List.of("ld", "-m", "elf_i386", "-Ttext=0x7c00", "--oformat", "binary", "-o", bootSector.toString(),
                bootObject.toString()), "linking the boot sector");
        if (Files.size(image) > RAM_IMAGE_BYTES) {
            throw new IllegalStateException("the harness has " + Files.size(image) + " bytes, more than Bochs loads into RAM (" + RAM_IMAGE_BYTES + ")");
        }
        byte[] sector = Files.readAllBytes(bootSector);
        if (sector.length != 512) {
            throw new IllegalStateException("the boot sector has " + sector.length + " bytes, not 512");
        }
        byte[] disk = new byte[FLOPPY_BYTES];
        System.arraycopy(sector, 0, disk, 0, sector.length);
        Path floppy = dir.resolve("floppy.img");
        Files.write(floppy, disk);
        return new BochsRunner(dir, image, floppy, snippets.size());
    }

    @Override
    public List<SnippetCode> code() throws IOException, InterruptedException {
        return SnippetAssembly.parseDump(String.join("\n", boot("dump\n", snippets)), Reference.BOCHS);
    }

    /** Runs the cases in as many boots as their text needs. */
    @Override
    public List<Outcome> run(List<CaseInput> cases) throws IOException, InterruptedException {
        List<Outcome> out = new ArrayList<>(cases.size());
        int room = PARAMETER_IMAGES * RAM_IMAGE_BYTES - 16;
        int from = 0;
        while (from < cases.size()) {
            StringBuilder text = new StringBuilder("run\n");
            int to = from;
            while (to < cases.size() && text.length() + 120 < room) {
                text.append(cases.get(to++).toRunnerLine()).append('\n');
            }
            out.addAll(SnippetAssembly.parseOutcomes(boot(text.toString(), to - from), to - from, Reference.BOCHS, ""));
            from = to;
        }
        return out;
    }

    private List<String> boot(String parameters, int expected) throws IOException, InterruptedException {
        byte[] text = (parameters + "\0").getBytes(StandardCharsets.US_ASCII);
        List<String> images = new ArrayList<>();
        for (int k = 0; k * RAM_IMAGE_BYTES < text.length; k++) {
            Path piece = dir.resolve("parameters-" + k + ".txt");
            Files.write(piece, Arrays.copyOfRange(text, k * RAM_IMAGE_BYTES, Math.min(text.length, (k + 1) * RAM_IMAGE_BYTES)));
            images.add("optramimage" + (k + 2) + ": file=" + piece + ", address=0x" + Integer.toHexString(PARAMETERS + k * RAM_IMAGE_BYTES));
        }
        if (images.size() > PARAMETER_IMAGES) {
            throw new IllegalStateException("the parameters need " + images.size() + " RAM images; Bochs has " + PARAMETER_IMAGES);
        }
        Path config = dir.resolve("bochsrc");
        Files.writeString(config, String.join("\n",
                "megs: 64",
                "cpu: model=" + CPU_MODEL + ", reset_on_triple_fault=0",
                "display_library: sdl2",
                "port_e9_hack: enabled=1",
                "romimage: file=" + BIOS,
                "vgaromimage: file=" + VGA_BIOS,
                "floppya: 1_44=" + floppy + ", status=inserted",
                "boot: floppy",
                "optramimage1: file=" + image + ", address=0x200000",
                String.join("\n", images),
                "log: " + dir.resolve("bochs.log"),
                "panic: action=fatal", "error: action=report", "info: action=ignore", "debug: action=ignore",
                "speaker: enabled=0", "sound: driver=dummy", ""));
        // Debian's Bochs has its debugger built in and waits at its prompt: "c" (continue) starts the machine.
        Path commands = dir.resolve("debugger.txt");
        Files.writeString(commands, "c\n");
        Command.Result r = Command.run(dir, List.of("bochs", "-q", "-f", config.toString(), "-rc", commands.toString()), null, 600,
                Map.of("SDL_VIDEODRIVER", "dummy", "SDL_AUDIODRIVER", "dummy"));
        return SystemHarness.answer(r.stdout(), expected, Reference.BOCHS);
    }
}
