package dev.vivarium.x86.state;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * Writes a state file as it goes: the {@link StateFile} header first, then big-endian
 * primitives grouped into tagged sections, then (on {@link #finish()}) the trailer with the
 * payload length and a CRC32C over everything before it. Streaming matters because a full
 * memory capture is as large as the guest's touched RAM: nothing is held twice.
 *
 * <p>A section records its tag at the start and the end, so a reader that drifts (a field
 * added on one side only) is caught at the section boundary with the tag named, instead of
 * silently misreading what follows.
 *
 * <p>{@code new StateWriter()} writes into memory for {@link StateFile#seal}; {@link
 * StateFile#create} writes to a stream. I/O failures surface as {@link UncheckedIOException}.
 */
public final class StateWriter {

    static final int SECTION_BEGIN = 0x5EC7_1000;
    static final int SECTION_END = 0x5EC7_1EAD;
    static final int MAX_TAG_BYTES = 64;

    private final ByteArrayOutputStream memory;
    private final OutputStream raw;
    private final CheckedOutputStream checked;
    private final DataOutputStream data;
    private final Deque<String> open = new ArrayDeque<>();
    private long payloadBytes;
    private boolean finished;

    /** A writer that collects the file in memory; {@link StateFile#seal} finishes it. */
    public StateWriter() {
        this(new ByteArrayOutputStream());
    }

    StateWriter(OutputStream out) {
        this.memory = out instanceof ByteArrayOutputStream b ? b : null;
        this.raw = out;
        this.checked = new CheckedOutputStream(out, new CRC32C());
        this.data = new DataOutputStream(checked);
        io(() -> {
            data.write(StateFile.MAGIC);
            data.writeInt(StateFile.FORMAT_VERSION);
        });
        payloadBytes = 0;
    }

    public StateWriter beginSection(String tag) {
        if (tag.getBytes(StandardCharsets.UTF_8).length > MAX_TAG_BYTES) {
            throw new IllegalArgumentException("section tag too long: " + tag);
        }
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
        return io(() -> data.writeBoolean(v), 1);
    }

    public StateWriter writeByte(int v) {
        return io(() -> data.writeByte(v), 1);
    }

    public StateWriter writeInt(int v) {
        return io(() -> data.writeInt(v), 4);
    }

    public StateWriter writeLong(long v) {
        return io(() -> data.writeLong(v), 8);
    }

    public StateWriter writeString(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        writeInt(utf8.length);
        return io(() -> data.write(utf8), utf8.length);
    }

    /** Length-prefixed bytes. */
    public StateWriter writeBytes(byte[] b) {
        return writeBytes(b, 0, b.length);
    }

    public StateWriter writeBytes(byte[] b, int offset, int length) {
        writeInt(length);
        return io(() -> data.write(b, offset, length), length);
    }

    /** Length-prefixed ints. */
    public StateWriter writeInts(int[] values) {
        writeInt(values.length);
        for (int v : values) {
            writeInt(v);
        }
        return this;
    }

    /**
     * Writes the trailer (payload length, CRC32C) and flushes. Every opened section must have
     * been closed. Does not close the underlying stream.
     */
    public void finish() {
        if (!open.isEmpty()) {
            throw new IllegalStateException("sections still open: " + open);
        }
        if (finished) {
            return;
        }
        io(() -> {
            data.writeLong(payloadBytes);
            data.flush();
            int crc = (int) checked.getChecksum().getValue();
            new DataOutputStream(raw).writeInt(crc); // past the checksummed stream: not part of its own CRC
            raw.flush();
        });
        finished = true;
    }

    /** The finished file of an in-memory writer. */
    byte[] toByteArray() {
        if (memory == null) {
            throw new IllegalStateException("this writer streams to a file; there is no byte array");
        }
        finish();
        return memory.toByteArray();
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private void io(IoAction action) {
        if (finished) {
            throw new IllegalStateException("state already finished");
        }
        try {
            action.run();
        } catch (IOException e) {
            throw new UncheckedIOException("writing state failed: " + e.getMessage(), e);
        }
    }

    private StateWriter io(IoAction action, int bytes) {
        io(action);
        payloadBytes += bytes;
        return this;
    }
}
