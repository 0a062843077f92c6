package dev.vivarium.x86.conformance;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class SharedSuiteTest {

    @TempDir
    Path dir;

    @Test
    void foundBesideTheRepositoryOrAFolderAboveIt() throws IOException {
        Path repo = Files.createDirectories(dir.resolve("work/wt/conformance"));
        assertThat(SharedSuite.find(repo)).isEmpty();
        Path suite = Files.createDirectories(dir.resolve("work/shared/x86-conformance/80286-real"));
        assertThat(SharedSuite.find(repo)).contains(suite); // a worktree two levels down
        assertThat(SharedSuite.find(dir.resolve("work/main"))).contains(suite); // a clone beside shared/
    }
}
