/* The primary ATA disk by PIO, polled: interrupts stay off at the drive (nIEN), so the
 * workload needs no IRQ 14 handler and a transfer is the same on QEMU and on Vivarium. */
#include "../common/platform.h"
#include "io.h"

#define ATA_DATA 0x1F0
#define ATA_COUNT 0x1F2
#define ATA_LBA0 0x1F3
#define ATA_LBA1 0x1F4
#define ATA_LBA2 0x1F5
#define ATA_DEVICE 0x1F6
#define ATA_STATUS 0x1F7 /* also the command register */
#define ATA_CONTROL 0x3F6
#define ST_ERR 0x01
#define ST_DRQ 0x08
#define ST_BSY 0x80
#define CMD_READ 0x20
#define CMD_WRITE 0x30
#define CMD_IDENTIFY 0xEC
#define POLLS 10000000u

static int probed;
static uint32_t sectors;

/* Waits until BSY clears and, if asked, DRQ is up; -1 on ERR, a missing drive or no answer. */
static int wait_status(int want_drq)
{
    for (uint32_t i = 0; i < POLLS; i++) {
        uint8_t s = inb(ATA_STATUS);
        if (s == 0xFF || s == 0)
            return -1; /* floating bus or no device */
        if (s & ST_BSY)
            continue;
        if (s & ST_ERR)
            return -1;
        if (!want_drq || (s & ST_DRQ))
            return 0;
    }
    return -1;
}

static int command(uint32_t lba, uint8_t cmd)
{
    /* Select first: until a device is selected its status may read 0 (QEMU after -kernel). */
    outb(ATA_DEVICE, (uint8_t)(0xE0 | ((lba >> 24) & 0x0F))); /* LBA mode, device 0 */
    if (wait_status(0) < 0)
        return -1;
    outb(ATA_COUNT, 1);
    outb(ATA_LBA0, (uint8_t)lba);
    outb(ATA_LBA1, (uint8_t)(lba >> 8));
    outb(ATA_LBA2, (uint8_t)(lba >> 16));
    outb(ATA_STATUS, cmd);
    return wait_status(1);
}

uint32_t plat_disk_sectors(void)
{
    if (!probed) {
        probed = 1;
        outb(ATA_CONTROL, 0x02); /* nIEN: no interrupts from the drive */
        uint16_t id[256];
        if (command(0, CMD_IDENTIFY) == 0) {
            for (int i = 0; i < 256; i++)
                id[i] = inw(ATA_DATA);
            sectors = id[60] | (uint32_t)id[61] << 16; /* LBA28 capacity */
        }
    }
    return sectors;
}

int plat_disk_read(uint32_t lba, void *sector)
{
    uint16_t *words = sector;
    if (command(lba, CMD_READ) < 0)
        return -1;
    for (int i = 0; i < 256; i++)
        words[i] = inw(ATA_DATA);
    return 0;
}

int plat_disk_write(uint32_t lba, const void *sector)
{
    const uint16_t *words = sector;
    if (command(lba, CMD_WRITE) < 0)
        return -1;
    for (int i = 0; i < 256; i++)
        outw(ATA_DATA, words[i]);
    return wait_status(0);
}
