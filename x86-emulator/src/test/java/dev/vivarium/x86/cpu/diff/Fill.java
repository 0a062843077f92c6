package dev.vivarium.x86.cpu.diff;

/**
 * The initial contents of the data buffer for one case: xorshift32 words from the case's seed.
 * The native runner computes the same sequence (runner.c, fill()), so only the seed travels.
 */
final class Fill {

    private Fill() {
    }

    static byte[] bytes(int seed) {
        byte[] out = new byte[Layout.BUFFER_SIZE];
        int x = seed == 0 ? 1 : seed;
        for (int i = 0; i < out.length; i += 4) {
            x ^= x << 13;
            x ^= x >>> 17;
            x ^= x << 5;
            out[i] = (byte) x;
            out[i + 1] = (byte) (x >>> 8);
            out[i + 2] = (byte) (x >>> 16);
            out[i + 3] = (byte) (x >>> 24);
        }
        return out;
    }
}
