package dev.vivarium.x86.bus;

/**
 * Told when memory that instructions were decoded from may have changed, so decoded code is
 * never run stale: a guest write to a watched page (self-modifying code, a loader, a reused
 * page), or a change of the whole map (a restore, the A20 gate, pages installed by a migration).
 */
public interface CodeWatcher {

    /** RAM page {@code pageNumber} was written; it is no longer watched. */
    void codeWritten(int pageNumber);

    /** Any page may now hold something else; every watch is gone. */
    void memoryChanged();
}
