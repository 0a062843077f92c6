package dev.vivarium.datastore.storage;

import java.io.IOException;
import java.nio.file.Path;

/** The datastore ran out of space during a write; the previous version of the file is still in place. */
public final class DatastoreFullException extends IOException {
    public DatastoreFullException(Path target, IOException cause) {
        super("datastore full while writing " + target + " (" + cause.getMessage()
                + "); the previous version was left in place", cause);
    }

    /** Linux reports ENOSPC as "No space left on device"; NFS and tmpfs say the same. */
    static boolean isNoSpace(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && message.contains("No space left")) {
                return true;
            }
        }
        return false;
    }
}
