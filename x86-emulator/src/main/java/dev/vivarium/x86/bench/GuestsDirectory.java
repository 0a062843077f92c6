package dev.vivarium.x86.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds the repository's {@code guests/} directory: above $VIVARIUM_ROOT if set, else above the working directory. */
public final class GuestsDirectory {

    private GuestsDirectory() {
    }

    /** The start of the search, for messages. */
    public static Path start() {
        String root = System.getenv("VIVARIUM_ROOT");
        return (root != null ? Path.of(root) : Path.of("")).toAbsolutePath();
    }

    public static Optional<Path> find() {
        for (Path p = start(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("guests").resolve("images"))) {
                return Optional.of(p.resolve("guests"));
            }
        }
        return Optional.empty();
    }
}
