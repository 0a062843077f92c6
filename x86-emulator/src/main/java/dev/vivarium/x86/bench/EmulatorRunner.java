package dev.vivarium.x86.bench;

import dev.vivarium.x86.boot.BootImageException;
import dev.vivarium.x86.machine.MachineConfig;
import dev.vivarium.x86.machine.PcMachine;
import dev.vivarium.x86.machine.RunResult;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs a guest kernel in this JVM on a fresh {@link PcMachine} per run, as {@code x86 run} does
 * (64 MiB, deterministic clock), and times the emulation only: building the machine and loading
 * the image happen before the clock starts.
 */
final class EmulatorRunner {

    private static final long MEMORY = 64L << 20;
    private static final long SLICE = 10_000_000;
    /** Far beyond any benchmark run; a guest still going here is stuck, and the figures would mean nothing. */
    private static final long MAX_INSTRUCTIONS = 200_000_000_000L;

    /** A run in the emulator, with the guest's retired instructions. */
    record Emulated(RunOutcome outcome, long instructions) {
    }

    private final Path guests;

    EmulatorRunner(Path guests) {
        this.guests = guests;
    }

    Emulated run(Workload workload) throws BenchmarkFailure {
        MachineConfig config = new MachineConfig(MEMORY,
                new MachineConfig.MultibootKernel(readImage(workload), workload.cmdline()), null, false,
                MachineConfig.DEFAULT_START_EPOCH_NANOS);
        try (PcMachine machine = PcMachine.create(config)) {
            ByteArrayOutputStream serial = new ByteArrayOutputStream();
            machine.chipset().serial().output().subscribe(serial::write);
            long first = machine.cpu().instructions();
            long start = System.nanoTime();
            RunResult result;
            do {
                result = machine.run(SLICE);
            } while (result instanceof RunResult.BudgetUsed && machine.cpu().instructions() - first < MAX_INSTRUCTIONS);
            long nanos = System.nanoTime() - start;
            long instructions = machine.cpu().instructions() - first;
            if (!(result instanceof RunResult.Exited exited)) {
                throw new BenchmarkFailure("Vivarium ran " + workload.name() + " for " + instructions
                        + " instructions and it stopped without a debug exit: " + result);
            }
            return new Emulated(new RunOutcome(serial.toString(StandardCharsets.ISO_8859_1), exited.code(), nanos),
                    instructions);
        } catch (BootImageException e) {
            throw new BenchmarkFailure("Vivarium refused " + workload.image(guests) + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new BenchmarkFailure("cannot build the machine for " + workload.name() + ": " + e.getMessage(), e);
        }
    }

    private byte[] readImage(Workload workload) throws BenchmarkFailure {
        Path image = workload.image(guests);
        try {
            return Files.readAllBytes(image);
        } catch (IOException e) {
            throw new BenchmarkFailure("cannot read the guest image " + image + ": " + e.getMessage(), e);
        }
    }
}
