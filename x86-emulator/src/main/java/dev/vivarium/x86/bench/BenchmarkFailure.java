package dev.vivarium.x86.bench;

/** The benchmark cannot give a trustworthy figure: a tool is missing, a run failed or the outputs differ. */
public final class BenchmarkFailure extends Exception {

    public BenchmarkFailure(String message) {
        super(message);
    }

    public BenchmarkFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
