package dev.vivarium.x86.state;

/**
 * A capture that cannot be restored: not ours (bad magic), from a format version we do not read,
 * damaged (checksum), truncated, or with sections in an unexpected order. The message says which,
 * so a user handed a wrong or broken file learns why before anything is changed.
 */
public final class StateFormatException extends RuntimeException {

    public StateFormatException(String message) {
        super(message);
    }

    public StateFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
