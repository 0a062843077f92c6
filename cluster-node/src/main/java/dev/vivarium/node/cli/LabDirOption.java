package dev.vivarium.node.cli;

import dev.vivarium.node.lab.LabDir;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --dir DIR}: which lab a command talks to; several labs can run side by side. */
public final class LabDirOption {

    @Option(names = "--dir", paramLabel = "DIR",
            description = "The lab's folder (default: .lab at the repository root).")
    Path dir;

    LabDir labDir() {
        return dir == null ? LabDir.defaultDir() : new LabDir(dir);
    }
}
