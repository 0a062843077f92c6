package dev.vivarium.x86.conformance;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the shared real-hardware test data: the 80286 test set
 * {@code shared/x86-conformance/80286-real} and the test386 ROM
 * {@code shared/x86-conformance/test386}, beside the repository ({@code <root>/../shared}), or
 * beside a folder above it, as for a git worktree under {@code /work/wt}. The root is
 * {@code VIVARIUM_ROOT} (set by Surefire) or the working directory. Tests skip without it,
 * except under {@code CI=true}, where they fail.
 */
public final class SharedSuite {

    private SharedSuite() {
    }

    public static Path locate() {
        return locate("80286-real", "the shared 80286 test set");
    }

    /** The folder of test386 (its ROM, and its reference output in {@code upstream/}). */
    public static Path locateTest386() {
        return locate("test386", "the test386 ROM");
    }

    private static Path locate(String folder, String what) {
        String rootEnv = System.getenv("VIVARIUM_ROOT");
        Path root = Path.of(rootEnv != null && !rootEnv.isBlank() ? rootEnv : System.getProperty("user.dir"))
                .toAbsolutePath().normalize();
        Optional<Path> found = find(root, folder);
        if (found.isPresent()) {
            return found.get();
        }
        String reason = what + " (shared/x86-conformance/" + folder + ") is not beside " + root;
        if ("true".equals(System.getenv("CI"))) {
            Assertions.fail(reason + ", and CI=true requires it");
        }
        System.err.println("skipped: " + reason);
        Assumptions.abort(reason);
        return null;
    }

    /** The 80286 suite in {@code shared/} beside {@code root} or beside a folder above it. */
    static Optional<Path> find(Path root) {
        return find(root, "80286-real");
    }

    private static Optional<Path> find(Path root, String folder) {
        for (Path d = root.toAbsolutePath().normalize().getParent(); d != null; d = d.getParent()) {
            Path suite = d.resolve("shared").resolve("x86-conformance").resolve(folder);
            if (Files.isDirectory(suite)) {
                return Optional.of(suite);
            }
        }
        return Optional.empty();
    }
}
