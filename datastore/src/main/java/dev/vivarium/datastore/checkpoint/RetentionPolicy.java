package dev.vivarium.datastore.checkpoint;

/**
 * How many restore points to keep: the newest {@code keepFullChains} full checkpoints with
 * their incrementals. Older chains are superseded once a newer full checkpoint (the merge of
 * a chain) is stored, and are removed.
 */
public record RetentionPolicy(int keepFullChains) {
    public static final RetentionPolicy LATEST_ONLY = new RetentionPolicy(1);

    public RetentionPolicy {
        if (keepFullChains < 1) {
            throw new IllegalArgumentException("must keep at least one full checkpoint chain: " + keepFullChains);
        }
    }
}
