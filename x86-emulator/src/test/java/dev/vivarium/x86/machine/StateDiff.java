package dev.vivarium.x86.machine;

import java.nio.charset.StandardCharsets;

/** Names where two captures first differ: the byte offset and the state section it lies in. */
final class StateDiff {

    /** Returns null when equal, else a description such as "offset 412 in section 'clock'". */
    static String firstDifference(byte[] a, byte[] b) {
        int n = Math.min(a.length, b.length);
        for (int i = 0; i < n; i++) {
            if (a[i] != b[i]) {
                return "offset " + i + " in section '" + sectionAt(a, i) + "'";
            }
        }
        return a.length == b.length ? null : "lengths " + a.length + " and " + b.length + " (common prefix equal)";
    }

    /** The tag of the last section opened before {@code offset} (sections start with 0x5EC71000, then a length-prefixed tag). */
    private static String sectionAt(byte[] s, int offset) {
        String tag = "?";
        for (int i = 0; i + 8 < offset; i++) {
            if (s[i] == 0x5E && s[i + 1] == (byte) 0xC7 && s[i + 2] == 0x10 && s[i + 3] == 0) {
                int len = (s[i + 4] & 0xFF) << 24 | (s[i + 5] & 0xFF) << 16 | (s[i + 6] & 0xFF) << 8 | (s[i + 7] & 0xFF);
                if (len > 0 && len < 64 && i + 8 + len <= s.length) {
                    tag = new String(s, i + 8, len, StandardCharsets.UTF_8);
                }
            }
        }
        return tag;
    }

    private StateDiff() {
    }
}
