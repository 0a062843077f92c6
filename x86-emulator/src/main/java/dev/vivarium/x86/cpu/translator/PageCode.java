package dev.vivarium.x86.cpu.translator;

/**
 * The live blocks decoded from one RAM page, so a write to the page drops only the blocks whose
 * bytes it touches ({@link BlockCache#codeWritten}), as QEMU drops only the translation blocks
 * overlapping a write. {@link #lines} marks the 64-byte lines that hold a byte of some block:
 * a write to data beside the code (a global variable on the last page of the code, say) is
 * told apart with one test, and the blocks stay.
 */
final class PageCode {

    /** Bit k: bytes [64k, 64k + 64) hold a byte of a live block. */
    long lines;
    /** The live blocks, linked through {@link Block#nextOnPage}. */
    Block first;
    /** Writes that dropped code of this page; past a limit the page is left to the interpreter. */
    int rewrites;

    /** The line bits of bytes [from, to) of a page. */
    static long lines(int from, int to) {
        int a = from >>> 6, b = (to - 1) >>> 6;
        return (-1L >>> (63 - b)) & (-1L << a);
    }

    void add(Block b) {
        b.previousOnPage = null;
        b.nextOnPage = first;
        if (first != null) {
            first.previousOnPage = b;
        }
        first = b;
        lines |= lines(b.first, b.end);
    }

    /** Unlinks a block; the line bits are recomputed by the caller when it is done removing. */
    void remove(Block b) {
        if (b.previousOnPage != null) {
            b.previousOnPage.nextOnPage = b.nextOnPage;
        } else {
            first = b.nextOnPage;
        }
        if (b.nextOnPage != null) {
            b.nextOnPage.previousOnPage = b.previousOnPage;
        }
        b.previousOnPage = b.nextOnPage = null;
    }

    void recomputeLines() {
        long l = 0;
        for (Block b = first; b != null; b = b.nextOnPage) {
            l |= lines(b.first, b.end);
        }
        lines = l;
    }
}
