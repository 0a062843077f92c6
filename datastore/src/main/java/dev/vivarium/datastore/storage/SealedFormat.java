package dev.vivarium.datastore.storage;

/**
 * Layout of every file the datastore writes (all integers big-endian):
 * <pre>
 *   header : magic "VIVD" | version u16 | kind u16 | epoch i64 | metaLength u32 | meta
 *   payload: payloadLength bytes
 *   trailer: payloadLength i64 | CRC32C u32 of everything before it | end magic "DVIV"
 * </pre>
 * The length sits in the trailer so payloads can be streamed without knowing their size up
 * front; a torn file lacks the end magic or has a size that disagrees with the lengths.
 */
final class SealedFormat {
    static final int MAGIC = 0x56495644;      // "VIVD"
    static final int END_MAGIC = 0x44564956;  // "DVIV"
    static final int VERSION = 1;
    static final int FIXED_HEADER = 4 + 2 + 2 + 8 + 4;
    static final int TRAILER = 8 + 4 + 4;

    private SealedFormat() {
    }
}
