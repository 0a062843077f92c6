/* CRC-32 (IEEE 802.3, reflected, as zlib computes it), table built on first use. */
#include "platform.h"

static uint32_t table[256];
static int table_ready;

uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t n)
{
    if (!table_ready) {
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++)
                c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
        table_ready = 1;
    }
    crc = ~crc;
    while (n--)
        crc = table[(crc ^ *p++) & 0xFF] ^ (crc >> 8);
    return ~crc;
}
