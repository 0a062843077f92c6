package dev.vivarium.x86.devices.ata.overlay;

import java.io.IOException;
import java.nio.file.Path;

/** An overlay file that is not ours, of another format version or disk, or damaged: refused before any sector is read. */
public final class OverlayFormatException extends IOException {
    public OverlayFormatException(Path file, String problem) {
        super("disk overlay " + file + ": " + problem);
    }
}
