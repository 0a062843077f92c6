package dev.vivarium.datastore.lease;

/** The datastore shows a newer lease epoch than the writer's: the write is refused. */
public final class StaleEpochException extends LeaseLostException {
    public StaleEpochException(String message) {
        super(message);
    }
}
