package dev.vivarium.datastore.lease;

/** The host could not renew its heartbeat in time (or was frozen), so it stopped acting on its leases. */
public final class FencedException extends LeaseLostException {
    public FencedException(String message) {
        super(message);
    }
}
