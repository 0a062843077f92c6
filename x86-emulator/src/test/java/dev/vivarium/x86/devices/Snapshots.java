package dev.vivarium.x86.devices;

import dev.vivarium.x86.state.Snapshottable;
import dev.vivarium.x86.state.StateFile;
import dev.vivarium.x86.state.StateReader;
import dev.vivarium.x86.state.StateWriter;

/** Test helper: capture parts through the real sealed file format and restore them elsewhere. */
public final class Snapshots {

    private Snapshots() {
    }

    public static byte[] capture(Snapshottable... parts) {
        StateWriter w = new StateWriter();
        for (Snapshottable p : parts) {
            p.save(w);
        }
        return StateFile.seal(w);
    }

    public static void restore(byte[] file, Snapshottable... parts) {
        StateReader r = StateFile.open(file);
        for (Snapshottable p : parts) {
            p.restore(r);
        }
        if (!r.atEnd()) {
            throw new AssertionError("restore left unread state");
        }
    }
}
