package dev.vivarium.x86.boot;

import dev.vivarium.x86.bus.PhysicalMemory;

/**
 * Loads a raw binary at a physical address and starts it at an entry address in 32-bit flat
 * protected mode (the same start as a Multiboot kernel, without the information block).
 */
public final class FlatBinaryLoader {

    private FlatBinaryLoader() {
    }

    public static BootState load(byte[] image, long loadAddress, long entry, PhysicalMemory memory, long memorySize)
            throws BootImageException {
        if (image.length == 0) {
            throw new BootImageException("the flat binary is empty");
        }
        if (loadAddress < 0 || loadAddress + image.length > memorySize) {
            throw new BootImageException(String.format(
                    "a %d-byte binary at 0x%x does not fit in %d MiB of memory", image.length, loadAddress, memorySize >> 20));
        }
        if (entry < loadAddress || entry >= loadAddress + image.length) {
            throw new BootImageException(String.format(
                    "entry 0x%x lies outside the loaded binary (0x%x-0x%x)", entry, loadAddress, loadAddress + image.length));
        }
        if (loadAddress < MultibootLoader.INFO_END && loadAddress + image.length > BootState.GDT_ADDRESS) {
            throw new BootImageException(String.format(
                    "the binary would overlap the loader's GDT at 0x%x; load it at 0x%x or above",
                    BootState.GDT_ADDRESS, MultibootLoader.INFO_END));
        }
        for (int i = 0; i < image.length; i++) {
            memory.writeByte((int) loadAddress + i, image[i]);
        }
        return new BootState(true, (int) entry, 0, 0);
    }
}
