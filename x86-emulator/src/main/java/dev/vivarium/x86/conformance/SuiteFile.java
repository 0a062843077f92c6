package dev.vivarium.x86.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A test file together with the {@code metadata.json} and {@code revocation_list.txt} found
 * beside it.
 */
public record SuiteFile(Path file, String form, Metadata metadata, RevocationList revocations) {

    static final String METADATA = "metadata.json";
    static final String REVOCATIONS = "revocation_list.txt";

    /**
     * The test files that {@code paths} name: files as given, folders by their {@code *.json.gz}
     * (not recursively). A missing path, a folder with no tests or a test file without its
     * {@code metadata.json} is bad input.
     */
    public static List<SuiteFile> resolve(List<Path> paths) {
        if (paths.isEmpty()) {
            throw new ConformanceInputException("no test files or folders given");
        }
        Map<Path, Metadata> metadata = new HashMap<>();
        Map<Path, RevocationList> revocations = new HashMap<>();
        List<SuiteFile> files = new ArrayList<>();
        Set<Path> seen = new HashSet<>();
        for (Path path : paths) {
            for (Path file : testFiles(path)) {
                if (!seen.add(file.toAbsolutePath().normalize())) {
                    continue; // named twice (a folder and a file in it): run it once
                }
                Path dir = file.toAbsolutePath().getParent();
                Metadata m = metadata.computeIfAbsent(dir, SuiteFile::metadataIn);
                RevocationList r = revocations.computeIfAbsent(dir, SuiteFile::revocationsIn);
                files.add(new SuiteFile(file, TestFileReader.formOf(file), m, r));
            }
        }
        return files;
    }

    private static List<Path> testFiles(Path path) {
        if (Files.isRegularFile(path)) {
            if (!Files.isReadable(path)) {
                throw new ConformanceInputException(path + ": not readable");
            }
            return List.of(path);
        }
        if (!Files.isDirectory(path)) {
            throw new ConformanceInputException(path + ": no such file or folder");
        }
        try (Stream<Path> list = Files.list(path)) {
            List<Path> found = list.filter(p -> p.getFileName().toString().endsWith(".json.gz"))
                    .filter(Files::isRegularFile).sorted().toList();
            if (found.isEmpty()) {
                throw new ConformanceInputException(path + ": no .json.gz test files in this folder");
            }
            return found;
        } catch (IOException e) {
            throw new ConformanceInputException(path + ": cannot list: " + e, e);
        }
    }

    private static Metadata metadataIn(Path dir) {
        Path file = dir.resolve(METADATA);
        if (!Files.isRegularFile(file)) {
            throw new ConformanceInputException(dir + ": no " + METADATA + " beside the test files"
                    + " (it holds the flag masks the comparison needs)");
        }
        return Metadata.read(file);
    }

    private static RevocationList revocationsIn(Path dir) {
        Path file = dir.resolve(REVOCATIONS);
        return Files.isRegularFile(file) ? RevocationList.read(file) : RevocationList.EMPTY;
    }

    long size() {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }
}
