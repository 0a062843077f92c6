package dev.vivarium.x86.state;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads the payload {@link StateWriter} wrote, in the same order. Every malformation
 * (truncation, a section tag other than the one expected, an absurd length) becomes a
 * {@link StateFormatException} naming the payload offset where it happened. Readers from
 * {@link StateFile} start only after the whole file's checksum was verified.
 */
public final class StateReader implements AutoCloseable {

    private final DataInputStream data;
    private final long limit;
    private long position;

    /** A reader over a bare payload (no envelope), mainly for tests. */
    public StateReader(byte[] payload) {
        this(new ByteArrayInputStream(payload), payload.length);
    }

    StateReader(InputStream in, long payloadLength) {
        this.data = new DataInputStream(in.markSupported() ? in : new BufferedInputStream(in));
        this.limit = payloadLength;
    }

    public StateReader beginSection(String tag) {
        expectMarker(StateWriter.SECTION_BEGIN, tag, "start");
        return this;
    }

    public StateReader endSection(String tag) {
        expectMarker(StateWriter.SECTION_END, tag, "end");
        return this;
    }

    /** The tag of the next section, without consuming it; null at the end of the payload or of the enclosing section. */
    public String peekSection() {
        if (atEnd()) {
            return null;
        }
        long at = position;
        data.mark(8 + StateWriter.MAX_TAG_BYTES);
        try {
            int marker = readInt();
            if (marker == StateWriter.SECTION_END) {
                return null;
            }
            if (marker != StateWriter.SECTION_BEGIN) {
                throw new StateFormatException("expected a section at byte " + at);
            }
            return readString();
        } finally {
            try {
                data.reset();
            } catch (IOException e) {
                throw new StateFormatException("cannot look ahead in state at byte " + at, e);
            }
            position = at;
        }
    }

    public boolean readBoolean() {
        int b = readByte();
        if (b != 0 && b != 1) {
            throw new StateFormatException("expected a boolean at byte " + (position - 1) + ", found " + b);
        }
        return b == 1;
    }

    /** One byte, 0..255. */
    public int readByte() {
        need(1);
        return read(data::readUnsignedByte, 1);
    }

    public int readInt() {
        need(4);
        return read(data::readInt, 4);
    }

    public long readLong() {
        need(8);
        return read(data::readLong, 8);
    }

    public String readString() {
        return new String(readBytes(), StandardCharsets.UTF_8);
    }

    public byte[] readBytes() {
        byte[] b = new byte[readLength()];
        fill(b);
        return b;
    }

    /** Reads length-prefixed bytes that must be exactly {@code into.length} long. */
    public void readBytesInto(byte[] into) {
        int length = readLength();
        if (length != into.length) {
            throw new StateFormatException("expected " + into.length + " bytes at byte " + position + ", found " + length);
        }
        fill(into);
    }

    public int[] readInts() {
        int length = readInt();
        if (length < 0 || length > (limit - position) / 4) {
            throw new StateFormatException("bad length " + length + " at byte " + (position - 4));
        }
        int[] v = new int[length];
        for (int i = 0; i < length; i++) {
            v[i] = readInt();
        }
        return v;
    }

    /** Reads an int that must lie in [min, max]; a field that can only be small stays small. */
    public int readInt(int min, int max, String what) {
        int v = readInt();
        if (v < min || v > max) {
            throw new StateFormatException(what + " out of range: " + v + " (allowed " + min + ".." + max + ")");
        }
        return v;
    }

    public boolean atEnd() {
        return position >= limit;
    }

    @Override
    public void close() {
        try {
            data.close();
        } catch (IOException e) {
            // Only reading was done; nothing is lost by a failed close.
        }
    }

    private int readLength() {
        int length = readInt();
        if (length < 0 || length > limit - position) {
            throw new StateFormatException("bad length " + length + " at byte " + (position - 4));
        }
        return length;
    }

    private void fill(byte[] b) {
        need(b.length);
        read(() -> {
            data.readFully(b);
            return 0;
        }, b.length);
    }

    private void need(int bytes) {
        if (limit - position < bytes) {
            throw truncated();
        }
    }

    private void expectMarker(int marker, String tag, String which) {
        long at = position;
        int found = readInt();
        String foundTag = found == marker ? readString() : null;
        if (!tag.equals(foundTag)) {
            throw new StateFormatException("expected the " + which + " of section '" + tag + "' at byte " + at
                    + (foundTag == null ? "" : ", found section '" + foundTag + "'"));
        }
    }

    private interface Read<T> {
        T get() throws IOException;
    }

    private <T> T read(Read<T> read, int bytes) {
        try {
            T v = read.get();
            position += bytes;
            return v;
        } catch (EOFException e) {
            throw truncated();
        } catch (IOException e) {
            throw new StateFormatException("reading state failed at byte " + position + ": " + e.getMessage(), e);
        }
    }

    private StateFormatException truncated() {
        return new StateFormatException("state is truncated at byte " + position);
    }
}
