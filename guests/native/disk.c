/* The disk natively: 1 MiB of zeroed sectors in memory, as a fresh zeroed image file is
 * under QEMU and Vivarium, so the disk workload prints the same bytes everywhere. */
#include "../common/platform.h"

#define SECTORS 2048u

static uint8_t disk[SECTORS][512];

uint32_t plat_disk_sectors(void)
{
    return SECTORS;
}

int plat_disk_read(uint32_t lba, void *sector)
{
    if (lba >= SECTORS)
        return -1;
    memcpy(sector, disk[lba], 512);
    return 0;
}

int plat_disk_write(uint32_t lba, const void *sector)
{
    if (lba >= SECTORS)
        return -1;
    memcpy(disk[lba], sector, 512);
    return 0;
}
