package dev.vivarium.x86.devices.ata;

/** A CHS geometry; sectors are numbered from 1 within a track. */
record Geometry(int cylinders, int heads, int sectorsPerTrack) {

    /** The usual translation for an LBA disk: 16 heads, 63 sectors, at most 16383 cylinders. */
    static Geometry forSectors(long sectors) {
        int cylinders = (int) Math.max(1, Math.min(16383, sectors / (16 * 63)));
        return new Geometry(cylinders, 16, 63);
    }

    /** The LBA of (c, h, s), or -1 when the address is outside this geometry. */
    long toLba(int cylinder, int head, int sector) {
        if (sector < 1 || sector > sectorsPerTrack || head >= heads) {
            return -1;
        }
        return ((long) cylinder * heads + head) * sectorsPerTrack + sector - 1;
    }
}
