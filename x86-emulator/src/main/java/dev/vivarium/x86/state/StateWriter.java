package dev.vivarium.x86.state;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Writes a state payload: big-endian primitives grouped into tagged sections. A section records
 * its tag at the start and the end, so a reader that drifts (a field added on one side only) is
 * caught at the section boundary with the tag named, instead of silently misreading what follows.
 * The finished payload is wrapped by {@link StateFile} with magic, version and CRC32C.
 */
public final class StateWriter {

    static final int SECTION_BEGIN = 0x5EC7_1000;
    static final int SECTION_END = 0x5EC7_1EAD;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final DataOutputStream data = new DataOutputStream(bytes);
    private final Deque<String> open = new ArrayDeque<>();

    public StateWriter beginSection(String tag) {
        writeInt(SECTION_BEGIN);
        writeString(tag);
        open.push(tag);
        return this;
    }

    public StateWriter endSection(String tag) {
        if (open.isEmpty() || !open.peek().equals(tag)) {
            throw new IllegalStateException("endSection(" + tag + ") but the open section is " + open.peek());
        }
        open.pop();
        writeInt(SECTION_END);
        writeString(tag);
        return this;
    }

    public StateWriter writeBoolean(boolean v) {
        return io(() -> data.writeBoolean(v));
    }

    public StateWriter writeByte(int v) {
        return io(() -> data.writeByte(v));
    }

    public StateWriter writeInt(int v) {
        return io(() -> data.writeInt(v));
    }

    public StateWriter writeLong(long v) {
        return io(() -> data.writeLong(v));
    }

    public StateWriter writeString(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        writeInt(utf8.length);
        return io(() -> data.write(utf8));
    }

    /** Length-prefixed bytes. */
    public StateWriter writeBytes(byte[] b) {
        return writeBytes(b, 0, b.length);
    }

    public StateWriter writeBytes(byte[] b, int offset, int length) {
        writeInt(length);
        return io(() -> data.write(b, offset, length));
    }

    /** Length-prefixed ints. */
    public StateWriter writeInts(int[] values) {
        writeInt(values.length);
        for (int v : values) {
            writeInt(v);
        }
        return this;
    }

    /** The payload so far; every opened section must have been closed. */
    public byte[] toByteArray() {
        if (!open.isEmpty()) {
            throw new IllegalStateException("sections still open: " + open);
        }
        return bytes.toByteArray();
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private StateWriter io(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            // A ByteArrayOutputStream does not fail; this only guards the checked signature.
            throw new UncheckedIOException(e);
        }
        return this;
    }
}
