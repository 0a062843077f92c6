package dev.vivarium.x86.cli;

import dev.vivarium.x86.boot.BootImageException;
import dev.vivarium.x86.boot.Elf32;
import dev.vivarium.x86.machine.MachineConfig;
import dev.vivarium.x86.machine.PcMachine;
import dev.vivarium.x86.machine.RunResult;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

/** `vivarium x86 run`: boots one PC with its serial console on the terminal. */
@Command(name = "run",
        description = {"Boot a Multiboot kernel, a Linux bzImage (--kernel, --initrd), a flat binary or a BIOS ROM on the emulated PC.",
                "The serial console (COM1) is stdout and stdin; the 0xE9 debug console is stderr.",
                "Exit status: the guest's debug-exit byte (0-122); 123 halted with interrupts off;",
                "124 instruction budget used up; 125 triple fault or reset; 1 image refused; 2 usage error."},
        mixinStandardHelpOptions = true)
public final class RunCommand implements Callable<Integer> {

    static final int HALTED_FOREVER = 123, BUDGET_EXHAUSTED = 124, RESET = 125, REFUSED = 1;
    /** Guest exit bytes above this collide with the statuses above; they are reported as 122. */
    static final int MAX_GUEST_CODE = 122;
    private static final long SLICE = 10_000_000;

    @Parameters(index = "0", arity = "0..1", paramLabel = "IMAGE", description = "Multiboot ELF kernel, or a flat binary with --load/--entry")
    Path image;

    @Option(names = "--bios", paramLabel = "ROM", description = "boot this BIOS ROM at the reset vector instead of an image")
    Path bios;

    @Option(names = "--kernel", paramLabel = "BZIMAGE", description = "boot this Linux kernel by the 32-bit boot protocol instead of an image")
    Path kernel;

    @Option(names = "--initrd", paramLabel = "FILE", description = "the initial ramdisk (initramfs) for --kernel")
    Path initrd;

    @Option(names = "--cmdline", paramLabel = "S", defaultValue = "", description = "kernel command line")
    String cmdline;

    @Option(names = "--memory", paramLabel = "SIZE", defaultValue = "64M", converter = SizeConverter.class,
            description = "guest RAM, with K, M or G (default: ${DEFAULT-VALUE})")
    long memory;

    @Option(names = "--disk", paramLabel = "FILE", description = "disk image for the primary ATA master")
    Path disk;

    @Option(names = "--load", paramLabel = "ADDR", converter = AddressConverter.class, description = "load address of a flat binary")
    Long load;

    @Option(names = "--entry", paramLabel = "ADDR", converter = AddressConverter.class, description = "entry address of a flat binary")
    Long entry;

    @Option(names = "--realtime", description = "guest time follows the host clock (default: executed instructions, deterministic)")
    boolean realtime;

    @Option(names = "--paced-serial", description = "COM1 sends at its baud rate in guest time, as a real line (default: instantly)")
    boolean pacedSerial;

    @Option(names = "--max-instructions", paramLabel = "N", description = "stop with status 124 after N instructions")
    Long maxInstructions;

    @Option(names = "--stats", description = "print one JSON object with instructions, seconds, MIPS, the exit and the last POST code (port 0x80, null when none was written) on stderr")
    boolean stats;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        MachineConfig.Boot boot = bootSource();
        if (memory % 4096 != 0 || memory > (4L << 30) - (256L << 20)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--memory must be a multiple of 4K and at most 3840M");
        }
        if (disk != null && !Files.isRegularFile(disk)) {
            System.err.println("vivarium: disk image " + disk + " is not a readable file");
            return REFUSED;
        }
        MachineConfig config = new MachineConfig(memory, boot, disk, realtime,
                realtime ? System.currentTimeMillis() * 1_000_000L : MachineConfig.DEFAULT_START_EPOCH_NANOS, pacedSerial);
        PcMachine machine;
        try {
            machine = PcMachine.create(config);
        } catch (BootImageException e) {
            System.err.println("vivarium: image refused: " + e.getMessage());
            return REFUSED;
        }
        try (machine) {
            return runToEnd(machine);
        }
    }

    private MachineConfig.Boot bootSource() throws IOException {
        if ((image != null ? 1 : 0) + (bios != null ? 1 : 0) + (kernel != null ? 1 : 0) != 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give an IMAGE, --bios ROM or --kernel BZIMAGE (exactly one)");
        }
        if (initrd != null && kernel == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--initrd goes with --kernel");
        }
        if (kernel != null) {
            if (load != null || entry != null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--load and --entry do not apply to --kernel");
            }
            return new MachineConfig.LinuxKernel(readImage(kernel), initrd == null ? null : readImage(initrd), cmdline);
        }
        if (bios != null) {
            if (load != null || entry != null || !cmdline.isEmpty()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--load, --entry and --cmdline do not apply to --bios");
            }
            return new MachineConfig.BiosRom(readImage(bios));
        }
        byte[] bytes = readImage(image);
        if ((load == null) != (entry == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--load and --entry go together");
        }
        if (load != null) {
            return new MachineConfig.FlatBinary(bytes, load, entry);
        }
        if (!Elf32.looksLikeElf(bytes)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    image + " is not an ELF file; for a flat binary give --load and --entry");
        }
        return new MachineConfig.MultibootKernel(bytes, cmdline);
    }

    private byte[] readImage(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new CommandLine.ParameterException(spec.commandLine(), path + ": no such file");
        }
        if (Files.size(path) > 512L << 20) {
            throw new CommandLine.ParameterException(spec.commandLine(), path + " is larger than 512 MiB");
        }
        return Files.readAllBytes(path);
    }

    private int runToEnd(PcMachine machine) {
        // Buffered in front of System.out/err (not the raw descriptors), so whoever redirects the
        // standard streams (a test runner, an embedding host) gets the guest's bytes.
        OutputStream serial = new BufferedOutputStream(System.out, 1 << 16);
        OutputStream debug = new BufferedOutputStream(System.err, 1 << 12);
        machine.chipset().serial().output().subscribe(b -> write(serial, b));
        machine.chipset().debugConsole().output().subscribe(b -> write(debug, b));
        Thread input = startInputPump(machine);

        long budget = maxInstructions == null ? Long.MAX_VALUE : maxInstructions;
        long start = System.nanoTime();
        long startInstructions = machine.cpu().instructions();
        String reason;
        int status;
        while (true) {
            long used = machine.cpu().instructions() - startInstructions;
            if (used >= budget) {
                reason = "budget";
                status = BUDGET_EXHAUSTED;
                break;
            }
            RunResult result = machine.run(Math.min(SLICE, budget - used));
            flush(serial);
            if (result instanceof RunResult.Exited exited) {
                reason = "exit";
                status = Math.min(exited.code(), MAX_GUEST_CODE);
                if (exited.code() > MAX_GUEST_CODE) {
                    flush(debug);
                    System.err.println("vivarium: the guest exited with " + exited.code()
                            + ", above " + MAX_GUEST_CODE + "; reported as " + MAX_GUEST_CODE);
                }
                break;
            } else if (result instanceof RunResult.HaltedForever) {
                reason = "halted";
                status = HALTED_FOREVER;
                break;
            } else if (result instanceof RunResult.Reset reset) {
                reason = reset.cause().equals("triple fault") ? "triple-fault" : "reset";
                status = RESET;
                flush(debug);
                System.err.println("vivarium: machine stopped: " + reset.cause());
                break;
            } else if (result instanceof RunResult.Halted halted) {
                if (halted.untilNanos() == Long.MAX_VALUE) {
                    // Only serial input can wake the guest now.
                    if (!input.isAlive() && machine.chipset().serial().input().available() == 0) {
                        reason = "halted";
                        status = HALTED_FOREVER;
                        break;
                    }
                    LockSupport.parkNanos(5_000_000);
                    machine.pollTimers();
                } else {
                    long wait = machine.idleUntil(halted.untilNanos());
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                        machine.pollTimers();
                    }
                }
            }
        }
        long seconds = System.nanoTime() - start;
        flush(serial);
        flush(debug);
        if (stats) {
            long instructions = machine.cpu().instructions() - startInstructions;
            double secs = seconds / 1e9;
            // The last POST code is how test ROMs (test386, a BIOS) say where they stopped.
            var post = machine.chipset().postCodes();
            String postCode = post.writes() == 0 ? "null" : String.format(Locale.ROOT, "\"0x%02X\"", post.lastCode());
            System.err.printf(Locale.ROOT, "%n{\"instructions\":%d,\"seconds\":%.6f,\"mips\":%.3f,\"exitReason\":\"%s\",\"exitCode\":%d,\"postCode\":%s}%n",
                    instructions, secs, instructions / secs / 1e6, reason, status, postCode);
        }
        return status;
    }

    private static void write(OutputStream out, int b) {
        try {
            out.write(b);
        } catch (IOException e) {
            // The reader went away (a closed pipe): the guest keeps running, its output is dropped.
        }
    }

    private static void flush(OutputStream out) {
        try {
            out.flush();
        } catch (IOException e) {
            // as above
        }
    }

    /** Feeds stdin to the serial port from a daemon thread; it ends at end of input. */
    private static Thread startInputPump(PcMachine machine) {
        InputStream in = System.in; // taken now, on the caller's thread: whoever set System.in meant this run
        Thread t = new Thread(() -> {
            byte[] buf = new byte[256];
            try {
                int n;
                while ((n = in.read(buf)) > 0) {
                    machine.chipset().serial().input().write(java.util.Arrays.copyOf(buf, n));
                }
            } catch (IOException e) {
                // stdin closed
            }
        }, "serial-input");
        t.setDaemon(true);
        t.start();
        return t;
    }

}
