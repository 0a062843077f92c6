package dev.vivarium.x86.boot;

/** An image that cannot be booted: refused, with the reason, before any guest code runs. */
public final class BootImageException extends Exception {
    public BootImageException(String message) {
        super(message);
    }
}
