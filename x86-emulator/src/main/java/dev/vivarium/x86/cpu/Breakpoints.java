package dev.vivarium.x86.cpu;

/**
 * The hardware breakpoints DR7 arms (SDM vol. 3, 17.2): for each of DR0-DR3 an enable (L or
 * G), a condition (execute, data write, data read or write; I/O needs CR4.DE, which this CPU
 * does not offer) and a length of 1, 2 or 4 bytes, aligned to it. It answers which
 * breakpoints an instruction fetch or a data access hits, as DR6's B0-B3 bits; the processor
 * looks only while {@link #armed()}, so the fast paths pay nothing while none is enabled.
 */
final class Breakpoints {

    private static final int EXECUTE = 0, WRITE = 1, READ_WRITE = 3;

    private final int[] dr;
    private boolean armed, watchesData;

    /** @param dr the debug registers (DR0-DR3 are the addresses, DR7 the control) */
    Breakpoints(int[] dr) {
        this.dr = dr;
    }

    /** Recomputes what is armed after DR7 changed. */
    void update() {
        armed = false;
        watchesData = false;
        for (int n = 0; n < 4; n++) {
            if (enabled(n)) {
                armed = true;
                int rw = condition(n);
                watchesData |= rw == WRITE || rw == READ_WRITE;
            }
        }
    }

    /** Any breakpoint enabled. */
    boolean armed() {
        return armed;
    }

    /** A data breakpoint enabled: every data access must be looked at. */
    boolean watchesData() {
        return watchesData;
    }

    private boolean enabled(int n) {
        return (dr[7] >>> (2 * n) & 3) != 0;
    }

    private int condition(int n) {
        return dr[7] >>> (16 + 4 * n) & 3;
    }

    /** The bytes a breakpoint covers: 1, 2 or 4 (the length field 2, undefined on a 486, reads as 8 bytes on later CPUs; taken as 4). */
    private int length(int n) {
        int len = dr[7] >>> (18 + 4 * n) & 3;
        return len == 0 ? 1 : len == 1 ? 2 : 4;
    }

    /** The execute breakpoints at linear address {@code la} (an instruction's first byte), as B0-B3 bits. */
    int instructionHits(int la) {
        int hits = 0;
        for (int n = 0; n < 4; n++) {
            if (enabled(n) && condition(n) == EXECUTE && dr[n] == la) {
                hits |= 1 << n;
            }
        }
        return hits;
    }

    /** The data breakpoints an access of {@code size} bytes at {@code la} hits, as B0-B3 bits. */
    int dataHits(int la, int size, boolean write) {
        int hits = 0;
        for (int n = 0; n < 4; n++) {
            if (!enabled(n)) {
                continue;
            }
            int rw = condition(n);
            if (rw == READ_WRITE || rw == WRITE && write) {
                int len = length(n);
                long start = dr[n] & ~(len - 1) & 0xFFFFFFFFL;
                long from = la & 0xFFFFFFFFL;
                if (from < start + len && start < from + size) {
                    hits |= 1 << n;
                }
            }
        }
        return hits;
    }
}
