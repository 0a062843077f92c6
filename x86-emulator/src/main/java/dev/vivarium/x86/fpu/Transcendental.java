package dev.vivarium.x86.fpu;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

import static dev.vivarium.x86.fpu.Arith.*;
import static dev.vivarium.x86.fpu.Extended.*;

/**
 * The x87's transcendental instructions: FSIN, FCOS, FSINCOS, FPTAN, FPATAN, F2XM1, FYL2X
 * and FYL2XP1, with the special cases of their SDM tables. Each result is computed to some
 * 160 bits (BigDecimal, 50 digits) and then rounded once to 64 bits by RC, so it is the
 * correctly rounded value but for the rare hard case. Like the hardware, FSIN, FCOS, FSINCOS
 * and FPTAN reduce their argument by a 66-bit pi (which is where the hardware's famous
 * inaccuracy near multiples of pi comes from), and leave arguments of 2^63 or more alone
 * with C2 set.
 */
final class Transcendental {

    private static final MathContext MC = new MathContext(50, RoundingMode.HALF_EVEN);
    /** The x87's internal pi: 66 bits, 0xC90FDAA22168C234C / 2^66 (SDM vol. 1, 8.3.10). */
    private static final BigDecimal PI66 = exactDecimal(new BigInteger("C90FDAA22168C234C", 16), -66);
    private static final BigDecimal PI = new BigDecimal(
            "3.14159265358979323846264338327950288419716939937510582097494459");
    private static final BigDecimal LN2 = new BigDecimal(
            "0.69314718055994530941723212145817656807550013436025525412068000");
    private static final BigDecimal TWO = BigDecimal.valueOf(2);
    private static final BigInteger TWO63 = BigInteger.ONE.shiftLeft(63);

    private final Arith a;

    Transcendental(Arith a) {
        this.a = a;
    }

    // ======================================================================================
    // The instructions
    // ======================================================================================

    /** FSIN or FCOS. */
    void fsin(Fpu f, boolean cosine) {
        int c = trigOperand(f, false);
        if (c < 0) {
            return;
        }
        int se = f.st0Se();
        long sig = f.st0Sig();
        if (c == ZERO) {
            if (cosine) {
                a.result(BIAS, J);
            } else {
                a.result(se, sig);
            }
        } else {
            sinOrCos(se, sig, cosine);
        }
        finish(f, 0);
    }

    void fsincos(Fpu f) {
        int c = trigOperand(f, true);
        if (c < 0) {
            return;
        }
        int se = f.st0Se();
        long sig = f.st0Sig();
        int sinSe, cosSe;
        long sinSig, cosSig;
        if (c == ZERO) {
            sinSe = se;
            sinSig = sig;
            cosSe = BIAS;
            cosSig = J;
        } else {
            int base = a.flags;
            sinOrCos(se, sig, false);
            sinSe = a.se;
            sinSig = a.sig;
            int sinFlags = a.flags;
            a.flags = base;
            sinOrCos(se, sig, true);
            cosSe = a.se;
            cosSig = a.sig;
            a.flags = a.flags & ~ROUNDED_UP | sinFlags; // C1 tells the sine's rounding
        }
        if (f.suppressed()) {
            return;
        }
        f.conditionCodes(0);
        f.deliver(0, sinSe, sinSig, 0);
        f.pushValue(cosSe, cosSig);
        f.deliver(0, cosSe, cosSig, a.flags);
    }

    void fptan(Fpu f) {
        int c = trigOperand(f, true);
        if (c < 0) {
            return;
        }
        int se = f.st0Se();
        long sig = f.st0Sig();
        if (c == ZERO) {
            a.result(se, sig);
        } else {
            if (c == DENORMAL) {
                a.flags |= DE;
            }
            if (tiny(se)) {
                packNudged(se, sig, 1); // tan x is just beyond x
            } else {
                BigDecimal[] sc = sinCos(exactDecimal(se, sig));
                pack(sc[0].divide(sc[1], MC));
            }
        }
        if (f.suppressed()) {
            return;
        }
        f.conditionCodes(0);
        f.deliver(0, a.se, a.sig, a.flags);
        f.pushValue(BIAS, J);
    }

    /**
     * The opening of the trigonometric instructions, on ST(0) ({@code pushes}: FSINCOS and
     * FPTAN, which push a second result): the stack checks, then the cases that need no
     * computing: NaN and unsupported operands and infinities (invalid), whose result (the NaN
     * or the indefinite) is delivered, pushed too by the two-result instructions, and
     * |x| >= 2^63, which leaves ST(0) as it is with C2 set. Returns the operand's class when
     * there is a value to compute, or -1 when the instruction is done.
     */
    private int trigOperand(Fpu f, boolean pushes) {
        if (!f.operandsPresent(false, pushes)) {
            return -1;
        }
        int se = f.st0Se();
        long sig = f.st0Sig();
        int c = classify(se, sig);
        if (c == UNSUPPORTED || c == INFINITY) {
            a.invalid();
        } else if (isNaN(c)) {
            a.propagateNaN(se, sig, c);
        } else if (c == NORMAL && (se & MAX_EXP) >= BIAS + 63) {
            f.conditionCodes(Fpu.C2);
            return -1;
        } else {
            return c;
        }
        if (!f.suppressed()) {
            f.conditionCodes(0);
            f.deliver(0, a.se, a.sig, a.flags);
            if (pushes) {
                f.pushValue(a.se, a.sig);
            }
        }
        return -1;
    }

    /** The sine or cosine of a nonzero finite (se, sig) below 2^63, into the arithmetic's result. */
    private void sinOrCos(int se, long sig, boolean cosine) {
        if (classify(se, sig) == DENORMAL) {
            a.flags |= DE;
        }
        if (tiny(se)) {
            // Below 2^-80 the series' correction is beyond 50 digits: sin x is just short of x, cos x of 1.
            packNudged(cosine ? BIAS : se, cosine ? J : sig, -1);
        } else {
            pack(sinCos(exactDecimal(se, sig))[cosine ? 1 : 0]);
        }
    }

    /** Arguments below 2^-80, where sin, tan and arctan differ from x (and cos from 1) beyond 50 digits. */
    private static boolean tiny(int se) {
        return (se & MAX_EXP) < BIAS - 80;
    }

    /**
     * Rounds a value that lies just beyond ({@code direction} 1) or just short of (-1) the
     * magnitude of (se, sig), by far less than an ulp: what the rounding direction makes of it.
     */
    private void packNudged(int se, long sig, int direction) {
        int e = normalizedExponent(se, sig);
        long hi = normalizedSignificand(sig);
        long lo = 1;
        if (direction < 0) {
            lo = -1; // (hi:0) - 1
            hi--;
            if (hi >= 0) { // borrowed out of J: renormalize
                hi = hi << 1 | 1;
                lo <<= 1;
                e--;
            }
        }
        int saved = a.precision;
        a.precision = 64;
        a.roundPack(sign(se), e, hi, lo);
        a.precision = saved;
    }

    private void finish(Fpu f, int i) {
        if (f.suppressed()) {
            return;
        }
        f.conditionCodes(0);
        f.deliver(i, a.se, a.sig, a.flags);
    }

    /** FPATAN: ST(1) = arctan(ST(1) / ST(0)) with the quadrant of (ST(0), ST(1)), then pop. */
    void fpatan(Fpu f) {
        if (!f.operandsPresent(true, false)) {
            return;
        }
        int xSe = f.st0Se(), ySe = f.st1Se();
        long xSig = f.st0Sig(), ySig = f.st1Sig();
        int cx = classify(xSe, xSig), cy = classify(ySe, ySig);
        int sx = sign(xSe), sy = sign(ySe);
        if (cx == UNSUPPORTED || cy == UNSUPPORTED) {
            a.invalid();
        } else if (isNaN(cx) || isNaN(cy)) {
            a.propagateNaN(ySe, ySig, cy, xSe, xSig, cx);
        } else {
            if (cx == DENORMAL || cy == DENORMAL) {
                a.flags |= DE;
            }
            BigDecimal r;
            if (cy == ZERO) {
                r = sx == 0 ? null : PI;
            } else if (cx == ZERO) {
                r = PI.divide(TWO, MC);
            } else if (cy == INFINITY) {
                r = cx == INFINITY ? (sx == 0 ? PI.divide(BigDecimal.valueOf(4), MC)
                        : PI.multiply(BigDecimal.valueOf(3)).divide(BigDecimal.valueOf(4), MC)) : PI.divide(TWO, MC);
            } else if (cx == INFINITY) {
                r = sx == 0 ? null : PI;
            } else {
                BigDecimal x = exactDecimal(xSe & 0x7FFF, xSig), y = exactDecimal(ySe & 0x7FFF, ySig);
                r = atan(y.divide(x, MC));
                if (sx == 1) {
                    r = PI.subtract(r, MC);
                }
            }
            if (r == null) {
                a.zero(sy);
            } else {
                pack(sy == 1 ? r.negate() : r);
            }
        }
        if (f.suppressed()) {
            return;
        }
        f.conditionCodes(0);
        f.deliver(1, a.se, a.sig, a.flags);
        f.popValue();
    }

    /** F2XM1: 2^x - 1, defined for -1 <= x <= 1. */
    void f2xm1(Fpu f) {
        if (!f.operandsPresent(false, false)) {
            return;
        }
        int se = f.st0Se();
        long sig = f.st0Sig();
        int c = classify(se, sig);
        if (c == UNSUPPORTED) {
            a.invalid();
        } else if (isNaN(c)) {
            a.propagateNaN(se, sig, c);
        } else if (c == ZERO) {
            a.result(se, sig);
        } else if (c == INFINITY) {
            if (sign(se) == 0) {
                a.result(se, sig);
            } else {
                a.result(0x8000 | BIAS, J);
            }
        } else {
            if (c == DENORMAL) {
                a.flags |= DE;
            }
            if ((se & MAX_EXP) >= BIAS && !((se & MAX_EXP) == BIAS && sig == J)) {
                // Outside the domain -1..1 the result is undefined; the hardware leaves ST(0) as it is.
                a.result(se, sig);
                a.flags |= PE;
            } else {
                pack(expm1(exactDecimal(se, sig).multiply(LN2, MC)));
            }
        }
        finish(f, 0);
    }

    /** FYL2X (ST(1) * log2(ST(0))) or FYL2XP1 (ST(1) * log2(ST(0) + 1)), then pop. */
    void fyl2x(Fpu f, boolean plusOne) {
        if (!f.operandsPresent(true, false)) {
            return;
        }
        int xSe = f.st0Se(), ySe = f.st1Se();
        long xSig = f.st0Sig(), ySig = f.st1Sig();
        int cx = classify(xSe, xSig), cy = classify(ySe, ySig);
        if (cx == UNSUPPORTED || cy == UNSUPPORTED) {
            a.invalid();
        } else if (isNaN(cx) || isNaN(cy)) {
            a.propagateNaN(xSe, xSig, cx, ySe, ySig, cy);
        } else {
            if (cx == DENORMAL || cy == DENORMAL) {
                a.flags |= DE;
            }
            if (plusOne) {
                log2Plus1(xSe, xSig, cx, ySe, ySig, cy);
            } else {
                log2(xSe, xSig, cx, ySe, ySig, cy);
            }
        }
        if (f.suppressed()) {
            return;
        }
        f.conditionCodes(0);
        f.deliver(1, a.se, a.sig, a.flags);
        f.popValue();
    }

    private void log2(int xSe, long xSig, int cx, int ySe, long ySig, int cy) {
        int sx = sign(xSe), sy = sign(ySe);
        if (sx == 1 && cx != ZERO) {
            a.invalid();
            return;
        }
        if (cx == ZERO) {
            if (cy == ZERO) {
                a.invalid();
            } else {
                if (cy != INFINITY) {
                    a.flags |= ZE;
                }
                a.infinity(sy ^ 1);
            }
            return;
        }
        boolean isOne = (xSe & MAX_EXP) == BIAS && xSig == J;
        if (cx == INFINITY) {
            if (cy == ZERO) {
                a.invalid();
            } else {
                a.infinity(sy);
            }
            return;
        }
        boolean below1 = (xSe & MAX_EXP) < BIAS || (xSe & MAX_EXP) == 0;
        if (cy == INFINITY) {
            if (isOne) {
                a.invalid();
            } else {
                a.infinity(sy ^ (below1 ? 1 : 0));
            }
            return;
        }
        if (cy == ZERO || isOne) {
            a.zero(sy ^ (below1 ? 1 : 0));
            return;
        }
        BigDecimal x = exactDecimal(xSe, xSig);
        BigDecimal y = exactDecimal(ySe, ySig);
        pack(y.multiply(ln(x), MC).divide(LN2, MC));
    }

    private void log2Plus1(int xSe, long xSig, int cx, int ySe, long ySig, int cy) {
        int sx = sign(xSe), sy = sign(ySe);
        if (cx == ZERO) {
            if (cy == INFINITY) {
                a.invalid();
            } else {
                a.zero(sx ^ sy);
            }
            return;
        }
        if (cx == INFINITY || cy == INFINITY) {
            if (cy == ZERO || cx == INFINITY && sx == 1) {
                a.invalid();
            } else {
                a.infinity(sx ^ sy);
            }
            return;
        }
        if (cy == ZERO) {
            a.zero(sx ^ sy);
            return;
        }
        BigDecimal x = exactDecimal(xSe, xSig);
        if (x.compareTo(BigDecimal.ONE.negate()) <= 0) {
            // log(1 + x) has no value: the result is undefined, and the hardware leaves x.
            a.result(xSe, xSig);
            a.flags |= PE;
            return;
        }
        BigDecimal y = exactDecimal(ySe, ySig);
        // ln(1 + x) = 2 atanh(x / (2 + x)), accurate for small x; beyond the domain (|x| < 0.29) plain ln.
        BigDecimal l = x.abs().compareTo(new BigDecimal("0.5")) < 0
                ? atanh(x.divide(TWO.add(x), MC)).multiply(TWO) : ln(BigDecimal.ONE.add(x));
        pack(y.multiply(l, MC).divide(LN2, MC));
    }

    // ======================================================================================
    // Conversions
    // ======================================================================================

    /** The exact value of an extended (finite) number. */
    static BigDecimal exactDecimal(int se, long sig) {
        int e = normalizedExponent(se, sig);
        long m = normalizedSignificand(sig);
        BigDecimal v = exactDecimal(new BigInteger(Long.toUnsignedString(m)), e - BIAS - 63);
        return sign(se) == 1 ? v.negate() : v;
    }

    /** m * 2^k exactly. */
    static BigDecimal exactDecimal(BigInteger m, int k) {
        if (k >= 0) {
            return new BigDecimal(m.shiftLeft(k));
        }
        return new BigDecimal(m.multiply(BigInteger.valueOf(5).pow(-k)), -k);
    }

    /** Rounds v (accurate to ~160 bits) to 64 bits by RC into {@code a}'s result. */
    private void pack(BigDecimal v) {
        int sign = v.signum() < 0 ? 1 : 0;
        v = v.abs();
        if (v.signum() == 0) {
            a.zero(sign);
            return;
        }
        // v * 2^k in [2^127, 2^128): estimate k from the decimal magnitude, then correct.
        int log2 = (int) Math.floor((v.precision() - v.scale() - 1) * 3.321928094887362);
        int k = 127 - log2;
        BigInteger scaled;
        BigDecimal product;
        while (true) {
            product = k >= 0 ? v.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(k)))
                    : v.divide(new BigDecimal(BigInteger.ONE.shiftLeft(-k)));
            scaled = product.setScale(0, RoundingMode.FLOOR).toBigInteger();
            int bits = scaled.bitLength();
            if (bits == 128) {
                break;
            }
            k += 128 - bits;
        }
        boolean sticky = product.compareTo(new BigDecimal(scaled)) != 0;
        long hi = scaled.shiftRight(64).longValue();
        long lo = scaled.longValue() | (sticky ? 1 : 0);
        int saved = a.precision;
        a.precision = 64;
        a.roundPack(sign, BIAS + 127 - k, hi, lo);
        a.precision = saved;
    }

    // ======================================================================================
    // The functions, to 50 digits
    // ======================================================================================

    /** sin and cos of x after the x87's reduction by multiples of pi/4 with its 66-bit pi. */
    private static BigDecimal[] sinCos(BigDecimal x) {
        BigDecimal quarter = PI66.divide(BigDecimal.valueOf(4));
        BigInteger q = x.abs().divide(quarter, 0, RoundingMode.FLOOR).toBigInteger();
        int octant = q.mod(BigInteger.valueOf(8)).intValue();
        BigDecimal r = x.abs().subtract(quarter.multiply(new BigDecimal(q)));
        if ((octant & 1) != 0) {
            r = quarter.subtract(r); // reflect, so the series argument stays within pi/4
        }
        BigDecimal s = sinSeries(r), c = cosSeries(r);
        BigDecimal sin, cos;
        switch (octant) {
            case 0 -> { sin = s; cos = c; }
            case 1 -> { sin = c; cos = s; }
            case 2 -> { sin = c; cos = s.negate(); }
            case 3 -> { sin = s; cos = c.negate(); }
            case 4 -> { sin = s.negate(); cos = c.negate(); }
            case 5 -> { sin = c.negate(); cos = s.negate(); }
            case 6 -> { sin = c.negate(); cos = s; }
            default -> { sin = s.negate(); cos = c; }
        }
        if (x.signum() < 0) {
            sin = sin.negate();
        }
        return new BigDecimal[]{sin, cos};
    }

    private static BigDecimal sinSeries(BigDecimal x) {
        BigDecimal x2 = x.multiply(x, MC);
        BigDecimal term = x, sum = x;
        for (int n = 1; n < 60; n++) {
            term = term.multiply(x2, MC).divide(BigDecimal.valueOf((2L * n) * (2L * n + 1)), MC).negate();
            sum = sum.add(term, MC);
            if (term.signum() == 0 || term.abs().compareTo(sum.abs().movePointLeft(52)) < 0) {
                break;
            }
        }
        return sum;
    }

    private static BigDecimal cosSeries(BigDecimal x) {
        BigDecimal x2 = x.multiply(x, MC);
        BigDecimal term = BigDecimal.ONE, sum = BigDecimal.ONE;
        for (int n = 1; n < 60; n++) {
            term = term.multiply(x2, MC).divide(BigDecimal.valueOf((2L * n - 1) * (2L * n)), MC).negate();
            sum = sum.add(term, MC);
            if (term.signum() == 0 || term.abs().compareTo(sum.abs().movePointLeft(52)) < 0) {
                break;
            }
        }
        return sum;
    }

    /** arctan by argument halving (atan x = 2 atan(x / (1 + sqrt(1 + x^2)))) and its series. */
    private static BigDecimal atan(BigDecimal x) {
        boolean negative = x.signum() < 0;
        x = x.abs();
        boolean inverted = x.compareTo(BigDecimal.ONE) > 0;
        if (inverted) {
            x = BigDecimal.ONE.divide(x, MC);
        }
        int halvings = 0;
        while (x.compareTo(new BigDecimal("0.1")) > 0) {
            x = x.divide(BigDecimal.ONE.add(BigDecimal.ONE.add(x.multiply(x, MC)).sqrt(MC)), MC);
            halvings++;
        }
        BigDecimal x2 = x.multiply(x, MC);
        BigDecimal term = x, sum = x;
        for (int n = 1; n < 200; n++) {
            term = term.multiply(x2, MC).negate();
            BigDecimal add = term.divide(BigDecimal.valueOf(2L * n + 1), MC);
            sum = sum.add(add, MC);
            if (add.signum() == 0 || add.abs().compareTo(sum.abs().movePointLeft(52)) < 0) {
                break;
            }
        }
        sum = sum.multiply(BigDecimal.valueOf(1L << halvings));
        if (inverted) {
            sum = PI.divide(TWO, MC).subtract(sum, MC);
        }
        return negative ? sum.negate() : sum;
    }

    /** atanh by its series, for |x| well below 1. */
    private static BigDecimal atanh(BigDecimal x) {
        BigDecimal x2 = x.multiply(x, MC);
        BigDecimal power = x, sum = x;
        for (int n = 1; n < 2000; n++) {
            power = power.multiply(x2, MC);
            BigDecimal add = power.divide(BigDecimal.valueOf(2L * n + 1), MC);
            sum = sum.add(add, MC);
            if (add.signum() == 0 || add.abs().compareTo(sum.abs().movePointLeft(52)) < 0) {
                break;
            }
        }
        return sum;
    }

    /** ln x for x > 0: x = m * 2^k with m in [1, 2), ln m = 2 atanh((m - 1) / (m + 1)). */
    private static BigDecimal ln(BigDecimal x) {
        BigInteger unscaled = x.unscaledValue();
        int k = unscaled.bitLength() - 1 - (int) Math.ceil(x.scale() * 3.321928094887362);
        BigDecimal m = k >= 0 ? x.divide(new BigDecimal(BigInteger.ONE.shiftLeft(k)), MC)
                : x.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(-k)), MC);
        while (m.compareTo(TWO) >= 0) {
            m = m.divide(TWO, MC);
            k++;
        }
        while (m.compareTo(BigDecimal.ONE) < 0) {
            m = m.multiply(TWO, MC);
            k--;
        }
        BigDecimal z = m.subtract(BigDecimal.ONE).divide(m.add(BigDecimal.ONE), MC);
        return atanh(z).multiply(TWO, MC).add(LN2.multiply(BigDecimal.valueOf(k), MC), MC);
    }

    /** e^x - 1 by its series, with x halved until small and the doubling formula undone. */
    private static BigDecimal expm1(BigDecimal x) {
        int halvings = 0;
        while (x.abs().compareTo(new BigDecimal("0.01")) > 0) {
            x = x.divide(TWO, MC);
            halvings++;
        }
        BigDecimal term = x, sum = x;
        for (int n = 2; n < 100; n++) {
            term = term.multiply(x, MC).divide(BigDecimal.valueOf(n), MC);
            sum = sum.add(term, MC);
            if (term.signum() == 0 || term.abs().compareTo(sum.abs().movePointLeft(52)) < 0) {
                break;
            }
        }
        for (int i = 0; i < halvings; i++) {
            sum = sum.multiply(sum.add(TWO, MC), MC); // e^2x - 1 = (e^x - 1)(e^x + 1)
        }
        return sum;
    }
}
