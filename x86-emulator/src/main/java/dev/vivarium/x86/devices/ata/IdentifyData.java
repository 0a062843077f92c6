package dev.vivarium.x86.devices.ata;

/** The 512-byte IDENTIFY DEVICE block of a plain LBA28 PIO disk. */
final class IdentifyData {

    static final int MAX_MULTIPLE = 16;

    private IdentifyData() {
    }

    static void fill(byte[] out, Geometry physical, Geometry current, long sectors, int multiple) {
        java.util.Arrays.fill(out, 0, 512, (byte) 0);
        int[] w = new int[256];
        w[0] = 0x0040; // fixed device
        w[1] = physical.cylinders();
        w[3] = physical.heads();
        w[6] = physical.sectorsPerTrack();
        string(w, 10, 20, "VIV0000000001");
        string(w, 23, 8, "0.1.0");
        string(w, 27, 40, "VIVARIUM HARDDISK");
        w[47] = 0x8000 | MAX_MULTIPLE;
        w[49] = 0x0200; // LBA supported
        w[51] = 0x0200; // PIO mode 2 timing
        w[53] = 0x0001; // words 54-58 valid
        w[54] = current.cylinders();
        w[55] = current.heads();
        w[56] = current.sectorsPerTrack();
        long chsCapacity = (long) current.cylinders() * current.heads() * current.sectorsPerTrack();
        w[57] = (int) (chsCapacity & 0xFFFF);
        w[58] = (int) (chsCapacity >>> 16 & 0xFFFF);
        w[59] = multiple == 0 ? 0 : 0x0100 | multiple;
        long lba28 = Math.min(sectors, 0x0FFF_FFFFL);
        w[60] = (int) (lba28 & 0xFFFF);
        w[61] = (int) (lba28 >>> 16);
        w[80] = 0x007E; // ATA-1 .. ATA-6
        w[82] = 0x4000;
        w[83] = 0x4000; // no LBA48
        w[84] = 0x4000;
        w[85] = 0x4000;
        w[86] = 0x0000;
        w[87] = 0x4000;
        for (int i = 0; i < 256; i++) {
            out[2 * i] = (byte) w[i];
            out[2 * i + 1] = (byte) (w[i] >>> 8);
        }
    }

    /** ATA strings: space padded, first character of each pair in the high byte. */
    private static void string(int[] w, int word, int length, String s) {
        String padded = String.format("%-" + length + "s", s);
        for (int i = 0; i < length / 2; i++) {
            w[word + i] = padded.charAt(2 * i) << 8 | padded.charAt(2 * i + 1);
        }
    }
}
