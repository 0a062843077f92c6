package dev.vivarium.x86.bus;

/**
 * Told when memory that instructions were decoded from may have changed, so decoded code is
 * never run stale: a guest write to a watched page (self-modifying code, a loader, a reused
 * page, or only data beside the code), or a change of the whole map (a restore, the A20 gate,
 * pages installed by a migration).
 */
public interface CodeWatcher {

    /**
     * Bytes [{@code offset}, {@code offset + length}) of watched RAM page {@code pageNumber}
     * are about to be written. Returns true when the page still holds decoded code afterwards
     * (the bytes were data beside it, or only some of its code went): the page then stays
     * watched and its next write is reported too. False ends the watch.
     */
    boolean codeWritten(int pageNumber, int offset, int length);

    /** Any page may now hold something else; every watch is gone. */
    void memoryChanged();
}
