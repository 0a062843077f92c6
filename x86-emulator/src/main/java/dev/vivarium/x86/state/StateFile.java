package dev.vivarium.x86.state;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The envelope around a state payload:
 * <pre>
 *   magic   8 bytes  "VIVSTATE"
 *   version int      FORMAT_VERSION
 *   length  long     payload length
 *   payload length bytes (StateWriter output)
 *   crc     int      CRC32C over everything before it
 * </pre>
 * {@link #open} checks all four before handing out a reader, so a foreign, newer, truncated or
 * damaged file is refused with a message that says which of those it is.
 */
public final class StateFile {

    public static final int FORMAT_VERSION = 1;
    private static final byte[] MAGIC = {'V', 'I', 'V', 'S', 'T', 'A', 'T', 'E'};
    private static final int HEADER = MAGIC.length + 4 + 8;

    private StateFile() {
    }

    public static byte[] seal(StateWriter writer) {
        byte[] payload = writer.toByteArray();
        ByteBuffer out = ByteBuffer.allocate(HEADER + payload.length + 4);
        out.put(MAGIC).putInt(FORMAT_VERSION).putLong(payload.length).put(payload);
        CRC32C crc = new CRC32C();
        crc.update(out.array(), 0, out.position());
        out.putInt((int) crc.getValue());
        return out.array();
    }

    public static StateReader open(byte[] file) {
        if (file.length < MAGIC.length) {
            throw new StateFormatException("not a Vivarium state file: only " + file.length + " bytes");
        }
        ByteBuffer in = ByteBuffer.wrap(file);
        byte[] magic = new byte[MAGIC.length];
        in.get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new StateFormatException("not a Vivarium state file (bad magic)");
        }
        if (file.length < HEADER + 4) {
            throw new StateFormatException("state file is truncated: " + file.length + " bytes");
        }
        int version = in.getInt();
        if (version != FORMAT_VERSION) {
            throw new StateFormatException("state format version " + version + " is not supported (this build reads "
                    + FORMAT_VERSION + ")");
        }
        long length = in.getLong();
        if (length != file.length - HEADER - 4) {
            throw new StateFormatException("state file is truncated or padded: header says " + length
                    + " payload bytes, file holds " + (file.length - HEADER - 4));
        }
        CRC32C crc = new CRC32C();
        crc.update(file, 0, file.length - 4);
        int stored = ByteBuffer.wrap(file, file.length - 4, 4).getInt();
        if (stored != (int) crc.getValue()) {
            throw new StateFormatException("state file is damaged: CRC32C mismatch");
        }
        byte[] payload = new byte[(int) length];
        System.arraycopy(file, HEADER, payload, 0, payload.length);
        return new StateReader(payload);
    }
}
