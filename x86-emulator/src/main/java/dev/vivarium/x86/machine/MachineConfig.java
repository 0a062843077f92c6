package dev.vivarium.x86.machine;

import java.nio.file.Path;

/**
 * What a PC is built from. Exactly one boot source: a Multiboot kernel, a Linux bzImage with its
 * initrd, a flat binary with its load and entry addresses, or a BIOS ROM.
 *
 * @param memoryBytes   guest RAM, a multiple of 4 KiB
 * @param realtime      guest time follows the host clock instead of executed instructions
 * @param startEpochNanos the wall-clock instant guest time zero stands for (deterministic runs fix it)
 * @param disk          the primary master disk image, or null
 * @param pacedSerial   COM1 sends at its baud rate in virtual time, as a real line does (a byte
 *                      takes 87 us at 115200 8N1, so a guest sees the UART busy); by default it
 *                      sends instantly
 */
public record MachineConfig(long memoryBytes, Boot boot, Path disk, boolean realtime, long startEpochNanos,
                            boolean pacedSerial) {

    /** A machine whose serial port sends instantly. */
    public MachineConfig(long memoryBytes, Boot boot, Path disk, boolean realtime, long startEpochNanos) {
        this(memoryBytes, boot, disk, realtime, startEpochNanos, false);
    }

    /** How the machine starts. */
    public sealed interface Boot {
    }

    public record MultibootKernel(byte[] image, String cmdline) implements Boot {
    }

    /** A Linux bzImage booted by the 32-bit boot protocol; {@code initrd} may be null. */
    public record LinuxKernel(byte[] kernel, byte[] initrd, String cmdline) implements Boot {
    }

    public record FlatBinary(byte[] image, long loadAddress, long entry) implements Boot {
    }

    public record BiosRom(byte[] rom) implements Boot {
    }

    /** The instant deterministic machines start at unless told otherwise: 2007-07-04, the seed's talk. */
    public static final long DEFAULT_START_EPOCH_NANOS = 1_183_507_200_000_000_000L;
}
