package dev.vivarium.x86.state;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads what {@link StateWriter} wrote, in the same order. Every malformation (truncation, a
 * section tag other than the one expected, an absurd length) becomes a
 * {@link StateFormatException} naming where it happened.
 */
public final class StateReader {

    private final ByteBuffer buffer;

    public StateReader(byte[] payload) {
        this.buffer = ByteBuffer.wrap(payload);
    }

    public StateReader beginSection(String tag) {
        expectMarker(StateWriter.SECTION_BEGIN, tag, "start");
        return this;
    }

    public StateReader endSection(String tag) {
        expectMarker(StateWriter.SECTION_END, tag, "end");
        return this;
    }

    /** The tag of the next section, without consuming it; null at the end of the payload. */
    public String peekSection() {
        if (!buffer.hasRemaining()) {
            return null;
        }
        int mark = buffer.position();
        try {
            if (readInt() != StateWriter.SECTION_BEGIN) {
                throw new StateFormatException("expected a section at byte " + mark);
            }
            return readString();
        } finally {
            buffer.position(mark);
        }
    }

    public boolean readBoolean() {
        int b = readByte();
        if (b != 0 && b != 1) {
            throw new StateFormatException("expected a boolean at byte " + (buffer.position() - 1) + ", found " + b);
        }
        return b == 1;
    }

    /** One byte, 0..255. */
    public int readByte() {
        return get(() -> buffer.get() & 0xFF);
    }

    public int readInt() {
        return get(buffer::getInt);
    }

    public long readLong() {
        return get(buffer::getLong);
    }

    public String readString() {
        return new String(readBytes(), StandardCharsets.UTF_8);
    }

    public byte[] readBytes() {
        int length = readLength();
        byte[] b = new byte[length];
        run(() -> buffer.get(b));
        return b;
    }

    /** Reads length-prefixed bytes that must be exactly {@code into.length} long. */
    public void readBytesInto(byte[] into) {
        int length = readLength();
        if (length != into.length) {
            throw new StateFormatException("expected " + into.length + " bytes at byte " + buffer.position() + ", found " + length);
        }
        run(() -> buffer.get(into));
    }

    public int[] readInts() {
        int length = readLength();
        if (length > buffer.remaining() / 4) {
            throw truncated();
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
        return !buffer.hasRemaining();
    }

    private int readLength() {
        int length = readInt();
        if (length < 0 || length > buffer.remaining()) {
            throw new StateFormatException("bad length " + length + " at byte " + (buffer.position() - 4));
        }
        return length;
    }

    private void expectMarker(int marker, String tag, String which) {
        int at = buffer.position();
        int found = readInt();
        String foundTag = found == marker ? readString() : null;
        if (!tag.equals(foundTag)) {
            throw new StateFormatException("expected the " + which + " of section '" + tag + "' at byte " + at
                    + (foundTag == null ? "" : ", found section '" + foundTag + "'"));
        }
    }

    private interface Getter<T> {
        T get();
    }

    private <T> T get(Getter<T> getter) {
        try {
            return getter.get();
        } catch (BufferUnderflowException e) {
            throw truncated();
        }
    }

    private void run(Runnable r) {
        try {
            r.run();
        } catch (BufferUnderflowException e) {
            throw truncated();
        }
    }

    private StateFormatException truncated() {
        return new StateFormatException("state is truncated at byte " + buffer.position());
    }
}
