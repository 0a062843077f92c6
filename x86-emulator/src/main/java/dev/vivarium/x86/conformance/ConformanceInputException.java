package dev.vivarium.x86.conformance;

/** Input the runner cannot use: a missing path, a corrupt gzip stream, JSON not in the test format. */
public final class ConformanceInputException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConformanceInputException(String message) {
        super(message);
    }

    public ConformanceInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
