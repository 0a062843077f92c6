package dev.vivarium.datastore.storage;

import java.io.IOException;

/**
 * Last check before a written file becomes visible (the rename). A lease uses it to refuse
 * writes that carry a stale epoch; it runs after the slow part (writing, fsync) so the window
 * between the check and the rename is as short as it can be.
 */
@FunctionalInterface
public interface CommitGuard {
    CommitGuard NONE = () -> { };

    void beforeCommit() throws IOException;
}
