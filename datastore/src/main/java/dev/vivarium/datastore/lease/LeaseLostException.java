package dev.vivarium.datastore.lease;

import java.io.IOException;

/** This host may no longer act on a VM: it fenced itself, or another host holds a newer epoch. */
public class LeaseLostException extends IOException {
    public LeaseLostException(String message) {
        super(message);
    }
}
