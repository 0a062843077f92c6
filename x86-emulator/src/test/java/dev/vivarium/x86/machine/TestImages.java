package dev.vivarium.x86.machine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The committed guest kernels under guests/images, found from the repository root. */
public final class TestImages {

    static Path root() {
        String env = System.getenv("VIVARIUM_ROOT");
        Path start = env != null ? Path.of(env) : Path.of("").toAbsolutePath();
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("guests/images"))) {
                return p;
            }
        }
        throw new IllegalStateException("guests/images not found above " + start);
    }

    public static byte[] image(String name) {
        try {
            return Files.readAllBytes(root().resolve("guests/images/" + name + ".elf"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private TestImages() {
    }
}
