package dev.vivarium.x86.fpu;

import java.math.BigInteger;

import static dev.vivarium.x86.fpu.Extended.*;

/**
 * IEEE 754 arithmetic on 80-bit extended values as the x87 does it, exact to the bit: the
 * four operations and the square root correctly rounded to the precision control's 24, 53
 * or 64 bits in the rounding control's direction, with the extended exponent range whatever
 * the precision; denormal results when underflow is masked, the 2^24576 bias adjustment
 * when overflow or underflow is unmasked; NaNs propagated by the x87's rules (SDM vol. 1,
 * 4.8.3.5 and table 4-7); and the exception flags of the status word, plus C1 (rounded up).
 *
 * <p>One instance per FPU, so the hot path allocates nothing: an operation reads its
 * parameters from {@link #rc}, {@link #precision} and the two masks, leaves its result in
 * {@link #se} and {@link #sig}, and ORs its exceptions into {@link #flags}, which the caller
 * clears before.
 */
final class Arith {

    // Exception flags, as in the status word.
    static final int IE = 1, DE = 2, ZE = 4, OE = 8, UE = 16, PE = 32;
    /** Not an exception: the result was rounded up in magnitude, which the x87 reports in C1. */
    static final int ROUNDED_UP = 0x200;

    static final int RC_NEAREST = 0, RC_DOWN = 1, RC_UP = 2, RC_CHOP = 3;
    /** The bias adjustment of an unmasked overflow or underflow delivered to a register (SDM vol. 1, 8.5.4). */
    static final int BIAS_ADJUST = 24576;

    int rc = RC_NEAREST;
    /** Significand bits kept by rounding: 24, 53 or 64. */
    int precision = 64;
    boolean overflowMasked = true, underflowMasked = true;

    int se;
    long sig;
    int flags;
    /**
     * Set for one operation whose memory operand was a single or double denormal (normal once
     * widened): it raises DE as a denormal register operand would, only if the operation gets
     * past its NaN and invalid checks. Cleared by every operation that reads it.
     */
    boolean denormalOperand;

    /** Sets the rounding of the next operations from a control word (RC, PC, OM, UM). */
    void control(int cw) {
        rc = cw >>> 10 & 3;
        int pc = cw >>> 8 & 3;
        precision = pc == 0 ? 24 : pc == 2 ? 53 : 64; // PC=1 is reserved; the x87 rounds it as 64 bits
        overflowMasked = (cw & OE) != 0;
        underflowMasked = (cw & UE) != 0;
    }

    // ---- results ----

    void result(int se, long sig) {
        this.se = se;
        this.sig = sig;
    }

    void invalid() {
        flags |= IE;
        result(INDEFINITE_SE, INDEFINITE_SIG);
    }

    void infinity(int sign) {
        result(sign << 15 | MAX_EXP, J);
    }

    void zero(int sign) {
        result(sign << 15, 0);
    }

    /**
     * The NaN result of an operation with at least one NaN operand: an SNaN raises IE and is
     * quieted; of two NaNs the quiet one wins over a signalling one, else the larger
     * significand (on a tie, the positive one).
     */
    void propagateNaN(int aSe, long aSig, int ca, int bSe, long bSig, int cb) {
        boolean aNaN = isNaN(ca), bNaN = isNaN(cb);
        if (ca == SNAN || cb == SNAN) {
            flags |= IE;
        }
        if (aNaN && bNaN) {
            if (ca == SNAN && cb == QNAN) {
                result(bSe, bSig);
                return;
            }
            if (cb == SNAN && ca == QNAN) {
                result(aSe, aSig);
                return;
            }
            int c = Long.compareUnsigned(aSig | QUIET, bSig | QUIET);
            boolean takeA = c > 0 || c == 0 && aSe <= bSe;
            result(takeA ? aSe : bSe, (takeA ? aSig : bSig) | QUIET);
            return;
        }
        result(aNaN ? aSe : bSe, (aNaN ? aSig : bSig) | QUIET);
    }

    /** The NaN result of a one-operand operation on a NaN. */
    void propagateNaN(int aSe, long aSig, int ca) {
        if (ca == SNAN) {
            flags |= IE;
        }
        result(aSe, aSig | QUIET);
    }

    /**
     * The checks every two-operand operation starts with: unsupported encodings are invalid,
     * NaNs propagate, and a denormal operand raises DE. Returns true when the result is decided.
     */
    private boolean special(int aSe, long aSig, int ca, int bSe, long bSig, int cb) {
        boolean denormal = denormalOperand || ca == DENORMAL || cb == DENORMAL;
        denormalOperand = false;
        if (ca == UNSUPPORTED || cb == UNSUPPORTED) {
            invalid();
            return true;
        }
        if (isNaN(ca) || isNaN(cb)) {
            propagateNaN(aSe, aSig, ca, bSe, bSig, cb);
            return true;
        }
        if (denormal) {
            flags |= DE;
        }
        return false;
    }

    // ---- rounding ----

    /**
     * Rounds the exact value (-1)^sign * (hi:lo) / 2^127 * 2^(exp - BIAS + 1)... that is, a
     * significand hi with J set, extended below by the 64 bits lo, at biased exponent
     * {@code exp} (which may lie outside the format's range), to {@link #precision} bits in the
     * rounding direction, and packs it with the x87's overflow and underflow responses.
     */
    void roundPack(int sign, int exp, long hi, long lo) {
        roundPack(sign, exp, hi, lo, precision);
    }

    /**
     * The rounding direction's decision: whether a value of sign {@code sign} moves away from
     * zero, given whether anything was dropped ({@code inexact}) and what round-to-nearest-even
     * decided ({@code nearestUp}). An overflow asks with both true: whether it goes to infinity.
     */
    private boolean roundsAway(int sign, boolean inexact, boolean nearestUp) {
        return switch (rc) {
            case RC_NEAREST -> nearestUp;
            case RC_UP -> inexact && sign == 0;
            case RC_DOWN -> inexact && sign == 1;
            default -> false;
        };
    }

    /** Round to nearest, ties to even: the dropped bits {@code rest} left-aligned (the top one is the half), above an odd or even last kept bit. */
    private static boolean nearestUp(long rest, boolean odd) {
        return rest < 0 && (rest != Long.MIN_VALUE || odd);
    }

    void roundPack(int sign, int exp, long hi, long lo, int bits) {
        boolean tiny = exp < 1;
        if (tiny && underflowMasked) {
            // Denormalize, then round at the same place in the significand field.
            int shift = 1 - exp;
            if (shift >= 128) {
                lo = (hi | lo) != 0 ? 1 : 0;
                hi = 0;
            } else if (shift >= 64) {
                long sticky = lo != 0 || (shift > 64 && hi << (128 - shift) != 0) ? 1 : 0;
                lo = (shift == 64 ? hi : hi >>> (shift - 64)) | sticky;
                hi = 0;
            } else if (shift > 0) {
                long sticky = lo << (64 - shift) != 0 ? 1 : 0;
                lo = hi << (64 - shift) | lo >>> shift | sticky;
                hi >>>= shift;
            }
            exp = 0;
        }
        boolean inexact;
        boolean increment;
        if (bits == 64) {
            inexact = lo != 0;
            increment = roundsAway(sign, inexact, nearestUp(lo, (hi & 1) != 0));
            if (increment) {
                hi++;
            }
        } else {
            if (lo != 0) {
                hi |= 1; // sticky: far below the rounding point
            }
            long mask = (1L << (64 - bits)) - 1;
            long half = 1L << (63 - bits);
            long rest = hi & mask;
            inexact = rest != 0;
            increment = roundsAway(sign, inexact, nearestUp(rest << bits, (hi & half << 1) != 0));
            hi &= ~mask;
            if (increment) {
                hi += half << 1;
            }
        }
        if (increment && hi == 0) {
            // Carried out of J: 1.111..1 rounded up to 10.0.
            hi = J;
            exp++;
        } else if (exp == 0 && hi < 0 && tiny && underflowMasked) {
            exp = 1; // a denormal rounded up into the normal range
        }
        if (increment) {
            flags |= ROUNDED_UP;
        }
        if (inexact) {
            flags |= PE;
        }
        if (tiny) {
            if (!underflowMasked) {
                flags |= UE;
                exp += BIAS_ADJUST;
                if (exp < 1) {
                    // Beyond what the bias adjustment reaches: a zero of the result's sign (as the hardware gives it).
                    flags = flags & ~ROUNDED_UP | PE;
                    zero(sign);
                    return;
                }
            } else if (inexact) {
                flags |= UE;
            }
        }
        if (exp >= MAX_EXP) {
            if (!overflowMasked) {
                flags |= OE;
                exp -= BIAS_ADJUST;
                if (exp >= MAX_EXP) {
                    // Beyond what the bias adjustment reaches: infinity, whatever the rounding (rounded up, C1).
                    flags |= PE | ROUNDED_UP;
                    infinity(sign);
                    return;
                }
            } else {
                flags |= OE | PE;
                boolean toInfinity = roundsAway(sign, true, true);
                if (toInfinity) {
                    flags |= ROUNDED_UP;
                    infinity(sign);
                } else {
                    flags &= ~ROUNDED_UP;
                    result(sign << 15 | (MAX_EXP - 1), bits == 64 ? -1L : -1L << (64 - bits));
                }
                return;
            }
        }
        result(sign << 15 | exp, hi);
    }

    // ---- the operations ----

    /** a + b, or a - b with {@code negateB}. */
    void add(int aSe, long aSig, int bSe, long bSig, boolean negateB) {
        int ca = classify(aSe, aSig), cb = classify(bSe, bSig);
        if (special(aSe, aSig, ca, bSe, bSig, cb)) {
            return;
        }
        int sa = sign(aSe), sb = sign(bSe) ^ (negateB ? 1 : 0);
        if (ca == INFINITY || cb == INFINITY) {
            if (ca == INFINITY && cb == INFINITY && sa != sb) {
                invalid();
            } else {
                infinity(ca == INFINITY ? sa : sb);
            }
            return;
        }
        if (ca == ZERO && cb == ZERO) {
            zero(sa == sb ? sa : rc == RC_DOWN ? 1 : 0);
            return;
        }
        if (ca == ZERO) {
            roundPack(sb, normalizedExponent(bSe, bSig), normalizedSignificand(bSig), 0);
            return;
        }
        if (cb == ZERO) {
            roundPack(sa, normalizedExponent(aSe, aSig), normalizedSignificand(aSig), 0);
            return;
        }
        int ea = normalizedExponent(aSe, aSig), eb = normalizedExponent(bSe, bSig);
        long ma = normalizedSignificand(aSig), mb = normalizedSignificand(bSig);
        if (ea < eb || ea == eb && Long.compareUnsigned(ma, mb) < 0) {
            int t = ea; ea = eb; eb = t;
            long m = ma; ma = mb; mb = m;
            int s = sa; sa = sb; sb = s;
        }
        // Align b below a: (bHi:bLo) = mb >> d, with a sticky bit for what falls off.
        int d = ea - eb;
        long bHi, bLo;
        if (d == 0) {
            bHi = mb;
            bLo = 0;
        } else if (d < 64) {
            bHi = mb >>> d;
            bLo = mb << (64 - d);
        } else if (d < 128) {
            bHi = 0;
            bLo = (d == 64 ? mb : mb >>> (d - 64)) | (d > 64 && mb << (128 - d) != 0 ? 1 : 0);
        } else {
            bHi = 0;
            bLo = 1;
        }
        if (sa == sb) {
            long hi = ma + bHi;
            long lo = bLo;
            if (Long.compareUnsigned(hi, ma) < 0) { // carry out of bit 63
                lo = lo >>> 1 | hi << 63 | (lo & 1);
                hi = hi >>> 1 | J;
                ea++;
            }
            roundPack(sa, ea, hi, lo);
            return;
        }
        // |a| >= |b|: subtract magnitudes.
        long lo = -bLo;
        long hi = ma - bHi - (bLo != 0 ? 1 : 0);
        if (hi == 0 && lo == 0) {
            zero(rc == RC_DOWN ? 1 : 0);
            return;
        }
        int shift = hi != 0 ? Long.numberOfLeadingZeros(hi) : 64 + Long.numberOfLeadingZeros(lo);
        if (shift >= 64) {
            hi = lo << (shift - 64);
            lo = 0;
        } else if (shift > 0) {
            hi = hi << shift | lo >>> (64 - shift);
            lo <<= shift;
        }
        roundPack(sa, ea - shift, hi, lo);
    }

    void mul(int aSe, long aSig, int bSe, long bSig) {
        int ca = classify(aSe, aSig), cb = classify(bSe, bSig);
        if (special(aSe, aSig, ca, bSe, bSig, cb)) {
            return;
        }
        int s = sign(aSe) ^ sign(bSe);
        if (ca == INFINITY || cb == INFINITY) {
            if (ca == ZERO || cb == ZERO) {
                invalid();
            } else {
                infinity(s);
            }
            return;
        }
        if (ca == ZERO || cb == ZERO) {
            zero(s);
            return;
        }
        int e = normalizedExponent(aSe, aSig) + normalizedExponent(bSe, bSig) - BIAS + 1;
        long ma = normalizedSignificand(aSig), mb = normalizedSignificand(bSig);
        long lo = ma * mb;
        long hi = unsignedMultiplyHigh(ma, mb);
        if (hi >= 0) { // below 2^127: one more bit to the left
            hi = hi << 1 | lo >>> 63;
            lo <<= 1;
            e--;
        }
        roundPack(s, e, hi, lo);
    }

    void div(int aSe, long aSig, int bSe, long bSig) {
        int ca = classify(aSe, aSig), cb = classify(bSe, bSig);
        if (special(aSe, aSig, ca, bSe, bSig, cb)) {
            return;
        }
        int s = sign(aSe) ^ sign(bSe);
        if (ca == INFINITY) {
            if (cb == INFINITY) {
                invalid();
            } else {
                infinity(s);
            }
            return;
        }
        if (cb == INFINITY) {
            zero(s);
            return;
        }
        if (cb == ZERO) {
            flags &= ~DE; // the zero divisor is seen first: a denormal dividend raises no DE
            if (ca == ZERO) {
                invalid();
            } else {
                flags |= ZE;
                infinity(s);
            }
            return;
        }
        if (ca == ZERO) {
            zero(s);
            return;
        }
        int e = normalizedExponent(aSe, aSig) - normalizedExponent(bSe, bSig) + BIAS;
        long ma = normalizedSignificand(aSig), mb = normalizedSignificand(bSig);
        // Restoring division, one quotient bit at a time: r < mb before each step.
        long r;
        if (Long.compareUnsigned(ma, mb) >= 0) {
            r = ma - mb;
        } else {
            r = (ma << 1) - mb; // 2*ma - mb, less than mb, computed modulo 2^64
            e--;
        }
        long q = 1;
        for (int i = 0; i < 64; i++) {
            boolean carry = r < 0;
            r <<= 1;
            q <<= 1;
            if (carry || Long.compareUnsigned(r, mb) >= 0) {
                r -= mb;
                q |= 1;
            }
        }
        // q holds the integer bit, 63 fraction bits and the round bit (65 bits: the top one fell off).
        long hi = J | q >>> 1;
        long lo = (q & 1) << 63 | (r != 0 ? 1 : 0);
        roundPack(s, e, hi, lo);
    }

    void sqrt(int aSe, long aSig) {
        int ca = classify(aSe, aSig);
        if (ca == UNSUPPORTED) {
            invalid();
            return;
        }
        if (isNaN(ca)) {
            propagateNaN(aSe, aSig, ca);
            return;
        }
        int s = sign(aSe);
        if (ca == ZERO) {
            zero(s);
            return;
        }
        if (s == 1) {
            invalid(); // a negative denormal is invalid without DE
            return;
        }
        if (ca == INFINITY) {
            infinity(0);
            return;
        }
        if (ca == DENORMAL) {
            flags |= DE;
        }
        int k = normalizedExponent(aSe, aSig) - BIAS;
        long m = normalizedSignificand(aSig);
        int shift = 65;
        if ((k & 1) != 0) {
            shift = 66;
            k--;
        }
        BigInteger n = new BigInteger(Long.toUnsignedString(m)).shiftLeft(shift);
        BigInteger[] root = n.sqrtAndRemainder();
        long r = root[0].longValue(); // 65 bits: the top (bit 64) is J, always set
        long hi = J | r >>> 1;
        long lo = (r & 1) << 63 | (root[1].signum() != 0 ? 1 : 0);
        roundPack(0, (k >> 1) + BIAS, hi, lo);
    }

    /**
     * Compares a with b: -1, 0 or 1, or 2 when unordered. An SNaN or unsupported operand is
     * invalid; a QNaN is invalid too unless {@code quiet} (FUCOM, FUCOMI).
     */
    int compare(int aSe, long aSig, int bSe, long bSig, boolean quiet) {
        int ca = classify(aSe, aSig), cb = classify(bSe, bSig);
        boolean denormal = denormalOperand || ca == DENORMAL || cb == DENORMAL;
        denormalOperand = false;
        if (ca == UNSUPPORTED || cb == UNSUPPORTED || ca == SNAN || cb == SNAN) {
            flags |= IE;
            return 2;
        }
        if (isNaN(ca) || isNaN(cb)) {
            if (!quiet) {
                flags |= IE;
            }
            return 2;
        }
        if (denormal) {
            flags |= DE;
        }
        if (ca == ZERO && cb == ZERO) {
            return 0;
        }
        int sa = sign(aSe), sb = sign(bSe);
        if (sa != sb) {
            return sa == 0 ? 1 : -1;
        }
        int mag = compareMagnitude(aSe, aSig, ca, bSe, bSig, cb);
        return sa == 0 ? mag : -mag;
    }

    private static int compareMagnitude(int aSe, long aSig, int ca, int bSe, long bSig, int cb) {
        if (ca == cb && (ca == INFINITY || ca == ZERO)) {
            return 0;
        }
        if (ca == INFINITY || cb == ZERO) {
            return 1;
        }
        if (cb == INFINITY || ca == ZERO) {
            return -1;
        }
        int ea = normalizedExponent(aSe, aSig), eb = normalizedExponent(bSe, bSig);
        if (ea != eb) {
            return ea > eb ? 1 : -1;
        }
        return Long.compareUnsigned(normalizedSignificand(aSig), normalizedSignificand(bSig));
    }

    /** Rounds to an integral value in the rounding direction (FRNDINT). */
    void roundToIntegral(int aSe, long aSig) {
        int ca = classify(aSe, aSig);
        if (ca == UNSUPPORTED) {
            invalid();
            return;
        }
        if (isNaN(ca)) {
            propagateNaN(aSe, aSig, ca);
            return;
        }
        if (ca == ZERO || ca == INFINITY) {
            result(aSe, aSig);
            return;
        }
        if (ca == DENORMAL) {
            flags |= DE;
        }
        int s = sign(aSe);
        int e = normalizedExponent(aSe, aSig);
        long m = normalizedSignificand(aSig);
        if (e >= BIAS + 63) {
            result(aSe, aSig);
            return;
        }
        int shift = BIAS + 63 - e; // fraction bits below the units place
        long whole;
        long frac; // the dropped bits, left-aligned, with sticky
        if (shift >= 128) {
            whole = 0;
            frac = 1; // far below one half: only the sticky bit is left
        } else if (shift >= 64) {
            whole = 0;
            frac = shift == 64 ? m : (m >>> (shift - 64)) | 1;
        } else {
            whole = m >>> shift;
            frac = m << (64 - shift);
        }
        boolean inexact = frac != 0;
        boolean up = roundsAway(s, inexact, nearestUp(frac, (whole & 1) != 0));
        if (inexact) {
            flags |= PE;
        }
        if (up) {
            whole++;
            flags |= ROUNDED_UP;
        }
        if (whole == 0) {
            zero(s);
            return;
        }
        int lz = Long.numberOfLeadingZeros(whole);
        result(s << 15 | (BIAS + 63 - lz), whole << lz);
    }

    /**
     * Converts to a signed integer of {@code bits} (16, 32 or 64) in the rounding direction
     * (FIST, FISTP). Out of range, NaN, infinity or unsupported: IE and the integer
     * indefinite (the most negative value).
     */
    long toInteger(int aSe, long aSig, int bits) {
        int ca = classify(aSe, aSig);
        long indefinite = -1L << (bits - 1);
        if (ca == UNSUPPORTED || isNaN(ca) || ca == INFINITY) {
            flags |= IE;
            return indefinite;
        }
        if (ca == ZERO) {
            return 0;
        }
        int savedFlags = flags;
        roundToIntegral(aSe, aSig);
        flags &= ~DE | savedFlags; // a store: a denormal source raises no DE
        int e = se & MAX_EXP;
        int s = sign(se);
        if (classify(se, sig) == ZERO) {
            return 0;
        }
        int magnitudeBits = e - BIAS + 1; // the integer has this many bits
        if (magnitudeBits > bits || magnitudeBits == bits && !(s == 1 && sig == J)) {
            flags = savedFlags | IE;
            return indefinite;
        }
        long magnitude = sig >>> (64 - magnitudeBits);
        return s == 1 ? -magnitude : magnitude;
    }

    /** An integer, exactly (FILD): every 64-bit integer fits the significand. */
    void fromInteger(long v) {
        if (v == 0) {
            zero(0);
            return;
        }
        int s = v < 0 ? 1 : 0;
        long m = v < 0 ? -v : v; // Long.MIN_VALUE stays 2^63, read unsigned
        int lz = Long.numberOfLeadingZeros(m);
        result(s << 15 | (BIAS + 63 - lz), m << lz);
    }

    /**
     * Loads an IEEE single or double ({@code fracBits} 23 or 52, {@code expBits} 8 or 11):
     * exact, a denormal raises DE, an SNaN raises IE and is quieted.
     */
    void fromBinary(long bits, int fracBits, int expBits) {
        fromBinary(bits, fracBits, expBits, true);
    }

    /**
     * As {@link #fromBinary(long, int, int)}; an arithmetic operand ({@code load} false)
     * keeps an SNaN signalling and a denormal in {@link #denormalOperand}, so the operation
     * ranks them against its other operand as the x87 does.
     */
    void fromBinary(long bits, int fracBits, int expBits, boolean load) {
        int s = (int) (bits >>> (fracBits + expBits)) & 1;
        int maxE = (1 << expBits) - 1;
        int e = (int) (bits >>> fracBits) & maxE;
        long frac = bits & ((1L << fracBits) - 1);
        int bias = maxE >> 1;
        if (e == maxE) {
            if (frac == 0) {
                infinity(s);
                return;
            }
            long m = J | frac << (63 - fracBits);
            if ((m & QUIET) == 0 && load) {
                flags |= IE;
                m |= QUIET;
            }
            result(s << 15 | MAX_EXP, m);
            return;
        }
        if (e == 0) {
            if (frac == 0) {
                zero(s);
                return;
            }
            if (load) {
                flags |= DE;
            } else {
                denormalOperand = true;
            }
            int lz = Long.numberOfLeadingZeros(frac);
            // frac * 2^(1 - bias - fracBits)
            result(s << 15 | (BIAS + 1 - bias - fracBits + 63 - lz), frac << lz);
            return;
        }
        result(s << 15 | (e - bias + BIAS), J | frac << (63 - fracBits));
    }

    /**
     * Rounds to an IEEE single or double (FST m32/m64): returns its bits. Overflow and
     * underflow are those of the narrow format; with them unmasked the caller stores nothing.
     */
    long toBinary(int aSe, long aSig, int fracBits, int expBits) {
        int ca = classify(aSe, aSig);
        int maxE = (1 << expBits) - 1;
        int bias = maxE >> 1;
        int s = sign(aSe);
        long signBit = (long) s << (fracBits + expBits);
        long infBits = (long) maxE << fracBits;
        if (ca == UNSUPPORTED) {
            flags |= IE;
            return 1L << (fracBits + expBits) | infBits | 1L << (fracBits - 1);
        }
        if (isNaN(ca)) {
            if (ca == SNAN) {
                flags |= IE;
            }
            long frac = (aSig & ~J) >>> (63 - fracBits) | 1L << (fracBits - 1);
            return signBit | infBits | frac;
        }
        if (ca == INFINITY) {
            return signBit | infBits;
        }
        if (ca == ZERO) {
            return signBit;
        }
        // Round as to an extended value of fracBits + 1 significant bits, then rebias.
        int e = normalizedExponent(aSe, aSig) - BIAS + bias; // the narrow format's biased exponent
        long m = normalizedSignificand(aSig);
        boolean tiny = e < 1;
        int keep = fracBits + 1;
        if (tiny) {
            if (!underflowMasked) {
                flags |= UE;
                return Long.MIN_VALUE; // nothing is stored: the caller looks at UE
            }
            keep = fracBits + e; // fewer bits survive in a denormal
        }
        long mant;
        boolean inexact;
        boolean up;
        if (keep <= 0) {
            mant = 0;
            inexact = true;
            boolean nearestUp = keep == 0 && (m != J); // exactly half rounds to even (zero)
            up = roundsAway(s, true, nearestUp);
            if (up) {
                mant = 1;
            }
        } else {
            int drop = 64 - keep;
            mant = m >>> drop;
            long rest = m << keep; // the dropped bits, left-aligned
            inexact = rest != 0;
            up = roundsAway(s, inexact, nearestUp(rest, (mant & 1) != 0));
            if (up) {
                mant++;
            }
        }
        if (up) {
            flags |= ROUNDED_UP;
        }
        if (inexact) {
            flags |= PE;
            if (tiny) {
                flags |= UE;
            }
        }
        long bits;
        if (tiny) {
            bits = mant; // a denormal, or the smallest normal when rounding carried into it
        } else {
            if (mant >>> (fracBits + 1) != 0) { // 1.11..1 rounded up to 10.0
                mant >>>= 1;
                e++;
            }
            if (e >= maxE) {
                if (!overflowMasked) {
                    flags = flags & ~(PE | ROUNDED_UP) | OE; // nothing is stored, so nothing was rounded
                    return Long.MIN_VALUE;
                }
                flags |= OE | PE;
                boolean toInfinity = roundsAway(s, true, true);
                if (toInfinity) {
                    flags |= ROUNDED_UP;
                    return signBit | infBits;
                }
                flags &= ~ROUNDED_UP;
                return signBit | ((long) (maxE - 1) << fracBits) | ((1L << fracBits) - 1);
            }
            bits = (long) e << fracBits | (mant & ((1L << fracBits) - 1));
        }
        return signBit | bits;
    }

    static long unsignedMultiplyHigh(long a, long b) {
        return Math.multiplyHigh(a, b) + (a >> 63 & b) + (b >> 63 & a);
    }
}
