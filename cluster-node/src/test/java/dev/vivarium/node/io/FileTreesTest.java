package dev.vivarium.node.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {

    @TempDir
    Path dir;

    @Test
    void deletesAFolderWithEverythingBelowItButNeverWhatALinkPointsTo() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root/a/b"));
        Files.writeString(root.resolve("file"), "x");
        Files.writeString(dir.resolve("root/top"), "y");
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("kept"), "z");
        Files.createSymbolicLink(dir.resolve("root/link"), outside);

        FileTrees.delete(dir.resolve("root"));

        assertThat(dir.resolve("root")).doesNotExist();
        assertThat(outside.resolve("kept")).hasContent("z");
        FileTrees.delete(dir.resolve("root")); // nothing there: nothing to do
    }
}
