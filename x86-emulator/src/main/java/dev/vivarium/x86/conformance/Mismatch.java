package dev.vivarium.x86.conformance;

/** One difference between the recorded and the emulated outcome of a test. */
public record Mismatch(String what, String expected, String actual) {

    static Mismatch of(String what, int expected, int actual, int digits) {
        return new Mismatch(what, hex(expected, digits), hex(actual, digits));
    }

    static String hex(int v, int digits) {
        String h = Integer.toHexString(v).toUpperCase(java.util.Locale.ROOT);
        return h.length() >= digits ? h : "0".repeat(digits - h.length()) + h;
    }

    @Override
    public String toString() {
        return what + ": expected " + expected + ", got " + actual;
    }
}
