package dev.vivarium.x86.fpu;

import java.math.BigInteger;

import static dev.vivarium.x86.fpu.Extended.*;

/**
 * FPREM and FPREM1 for finite nonzero operands: the remainder is exact, so it is computed on
 * the integer significands. Within an exponent difference of 63 the reduction is complete and
 * the quotient's three low bits go to C0, C3 and C1; beyond it, the x87 reduces the exponent
 * by a part of the difference only and sets C2, for software to loop.
 */
final class Remainder {

    private Remainder() {
    }

    /** Leaves the remainder of x by y in {@code a}'s result; returns the condition codes. */
    static int compute(Arith a, int xSe, long xSig, int ySe, long ySig, boolean ieee) {
        int ex = normalizedExponent(xSe, xSig), ey = normalizedExponent(ySe, ySig);
        BigInteger mx = unsigned(normalizedSignificand(xSig));
        BigInteger my = unsigned(normalizedSignificand(ySig));
        int sign = sign(xSe);
        int d = ex - ey;
        if (d >= 64) {
            // Partial: divide by y * 2^(d - n), keeping the truncated quotient's remainder.
            int n = 32 + (d - 32) % 32;
            BigInteger[] qr = mx.shiftLeft(n).divideAndRemainder(my);
            pack(a, sign, ex - n, qr[1]);
            return Fpu.C2;
        }
        BigInteger q, r;
        int e;
        if (d < 0) {
            q = BigInteger.ZERO;
            r = mx;
            e = ex;
            // In units of 2^(ex - 63): y is my * 2^-d.
            my = my.shiftLeft(-d);
        } else {
            BigInteger[] qr = mx.shiftLeft(d).divideAndRemainder(my);
            q = qr[0];
            r = qr[1];
            e = ey;
        }
        if (ieee) {
            int c = r.shiftLeft(1).compareTo(my);
            if (c > 0 || c == 0 && q.testBit(0)) {
                q = q.add(BigInteger.ONE);
                r = my.subtract(r);
                sign ^= 1;
            }
        }
        pack(a, sign, e, r); // with a quotient of 0 that is x itself, normalized (and bias-adjusted if tiny and UE unmasked)
        int bits = q.intValue() & 7;
        return ((bits & 4) != 0 ? Fpu.C0 : 0) | ((bits & 2) != 0 ? Fpu.C3 : 0) | ((bits & 1) != 0 ? Fpu.C1 : 0);
    }

    /** r * 2^(e - BIAS - 63), exact (a tiny one may still denormalize). */
    private static void pack(Arith a, int sign, int e, BigInteger r) {
        if (r.signum() == 0) {
            a.zero(sign);
            return;
        }
        int shift = 64 - r.bitLength();
        long sig = r.shiftLeft(shift).longValue();
        int saved = a.precision;
        a.precision = 64;
        a.roundPack(sign, e - shift, sig, 0);
        a.precision = saved;
    }

    private static BigInteger unsigned(long v) {
        return new BigInteger(Long.toUnsignedString(v));
    }
}
