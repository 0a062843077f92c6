package dev.vivarium.x86.cpu.diff;

import java.util.Random;

/** Random register values biased towards the edges where flag logic goes wrong. */
final class Values {

    private static final int[] EDGE8 = {0, 1, 2, 0x0F, 0x10, 0x7E, 0x7F, 0x80, 0x81, 0xFE, 0xFF, 0x09, 0x0A, 0x99, 0x9A, 0xF9, 0xFA};
    private static final int[] EDGE16 = {0, 1, 0x00FF, 0x0100, 0x7FFE, 0x7FFF, 0x8000, 0x8001, 0xFFFE, 0xFFFF, 0x7F80, 0x0080};
    private static final int[] EDGE32 = {0, 1, -1, -2, 0x7FFFFFFF, 0x80000000, 0x80000001, 0x7FFFFFFE, 0xFFFF, 0x10000,
        0x7FFF, 0x8000, 0xFF, 0x80, 0x7F, 0x00FF00FF, 0xFFFF0000, 0x0000FFFF, 0x55555555, 0xAAAAAAAA};

    private Values() {
    }

    /** Random bits half of the time; otherwise an edge value in a byte, word or dword lane. */
    static int edgy(Random r) {
        return switch (r.nextInt(9)) {
            case 0, 1, 2, 3 -> r.nextInt();
            case 4 -> pick(r, EDGE32);
            case 5 -> (r.nextInt() & ~0xFF) | pick(r, EDGE8);
            case 6 -> (r.nextInt() & ~0xFF00) | pick(r, EDGE8) << 8;
            case 7 -> (r.nextInt() & ~0xFFFF) | pick(r, EDGE16);
            default -> r.nextInt(64) - 32;
        };
    }

    static int pick(Random r, int[] values) {
        return values[r.nextInt(values.length)];
    }
}
