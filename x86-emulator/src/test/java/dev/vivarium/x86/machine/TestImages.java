package dev.vivarium.x86.machine;

import dev.vivarium.x86.bench.GuestsDirectory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The committed guest kernels under guests/images, found from the repository root. */
public final class TestImages {

    /** The repository's guests/ folder (see {@link GuestsDirectory}). */
    public static Path guests() {
        return GuestsDirectory.find().orElseThrow(
                () -> new IllegalStateException("guests/images not found above " + GuestsDirectory.start()));
    }

    public static byte[] image(String name) {
        try {
            return Files.readAllBytes(guests().resolve("images/" + name + ".elf"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private TestImages() {
    }
}
