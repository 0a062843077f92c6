package dev.vivarium.x86.conformance;

/**
 * How one test's outcome is compared.
 *
 * @param flagsMask              the EFLAGS bits compared (see {@link #comparedFlags})
 * @param eipMayPassSegmentEnd   an expected IP of 0 (the HLT sat in the segment's last byte)
 *                               also accepts EIP = 10000
 */
public record CompareRules(int flagsMask, boolean eipMayPassSegmentEnd) {

    /**
     * The EFLAGS bits to compare: the metadata's {@code flags-mask} (the flags the instruction
     * defines) without the {@code ignored} ones, plus bits 16-31, which must stay zero in real mode.
     */
    public static int comparedFlags(int metadataMask, int ignored) {
        return 0xFFFF0000 | (metadataMask & ~ignored & 0xFFFF);
    }
}
