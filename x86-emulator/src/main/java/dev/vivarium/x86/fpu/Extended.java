package dev.vivarium.x86.fpu;

/**
 * The x87's 80-bit extended format: a value is a 16-bit sign-and-exponent field {@code se}
 * (sign in bit 15, biased exponent in bits 0-14) and a 64-bit significand {@code sig} with its
 * integer bit (J, bit 63) explicit. This class names the encodings and classes of values; the
 * arithmetic is {@link Arith}.
 */
final class Extended {

    static final int BIAS = 16383, MAX_EXP = 0x7FFF;
    static final long J = 1L << 63, QUIET = 1L << 62;

    /** The real indefinite: the default NaN an invalid operation produces when IE is masked. */
    static final int INDEFINITE_SE = 0xFFFF;
    static final long INDEFINITE_SIG = 0xC000000000000000L;

    /** Value classes; {@link #UNSUPPORTED} covers the 8087/287 encodings the 387 and later reject (unnormals, pseudo-NaN, pseudo-infinity). */
    static final int ZERO = 0, DENORMAL = 1, NORMAL = 2, INFINITY = 3, QNAN = 4, SNAN = 5, UNSUPPORTED = 6;

    private Extended() {
    }

    static int classify(int se, long sig) {
        int e = se & MAX_EXP;
        boolean j = sig < 0;
        if (e == 0) {
            return sig == 0 ? ZERO : DENORMAL; // a pseudo-denormal (J set) counts as a denormal
        }
        if (e == MAX_EXP) {
            if (!j) {
                return UNSUPPORTED;
            }
            if (sig << 1 == 0) {
                return INFINITY;
            }
            return (sig & QUIET) != 0 ? QNAN : SNAN;
        }
        return j ? NORMAL : UNSUPPORTED;
    }

    static boolean isNaN(int cls) {
        return cls == QNAN || cls == SNAN;
    }

    static int sign(int se) {
        return se >>> 15 & 1;
    }

    /** The biased exponent of a nonzero finite value with its significand normalized: a denormal's goes below 1. */
    static int normalizedExponent(int se, long sig) {
        int e = se & MAX_EXP;
        if (e == 0) {
            return 1 - Long.numberOfLeadingZeros(sig);
        }
        return e;
    }

    /** The significand of a nonzero finite value shifted until J is set. */
    static long normalizedSignificand(long sig) {
        return sig << Long.numberOfLeadingZeros(sig);
    }
}
