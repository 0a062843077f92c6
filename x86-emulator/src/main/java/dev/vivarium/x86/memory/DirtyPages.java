package dev.vivarium.x86.memory;

import java.util.Arrays;
import java.util.function.IntConsumer;

/** An immutable set of page numbers, as taken from a dirty bitmap at one instant. */
public final class DirtyPages {

    private final long[] words;

    DirtyPages(long[] words) {
        this.words = words;
    }

    /** The pages in either set. */
    public static DirtyPages union(DirtyPages a, DirtyPages b) {
        long[] words = java.util.Arrays.copyOf(a.words, Math.max(a.words.length, b.words.length));
        for (int i = 0; i < b.words.length; i++) {
            words[i] |= b.words[i];
        }
        return new DirtyPages(words);
    }

    public boolean contains(int page) {
        int w = page >>> 6;
        return w < words.length && (words[w] & 1L << page) != 0;
    }

    public int count() {
        int n = 0;
        for (long w : words) {
            n += Long.bitCount(w);
        }
        return n;
    }

    public boolean isEmpty() {
        return count() == 0;
    }

    /** Calls {@code action} with each page number, ascending. */
    public void forEach(IntConsumer action) {
        for (int i = 0; i < words.length; i++) {
            long w = words[i];
            while (w != 0) {
                action.accept(i << 6 | Long.numberOfTrailingZeros(w));
                w &= w - 1;
            }
        }
    }

    /** A copy of the bitmap words (bit n of word n/64 is page n). */
    public long[] toLongArray() {
        return words.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DirtyPages d && Arrays.equals(words, d.words);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(words);
    }
}
