package dev.vivarium.datastore.lease;

/**
 * What a VM runner asks before each time slice: may this host still run the guest? It costs a
 * volatile read and {@link System#nanoTime()}, and it notices a host frozen (SIGSTOP, a long GC
 * pause) past its self-fencing deadline because the monotonic clock kept counting meanwhile.
 */
@FunctionalInterface
public interface Fence {
    void check() throws FencedException;
}
