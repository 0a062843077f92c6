package dev.vivarium.vm.migration;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The transfer's binary frames on the link between source and target (one TCP connection per
 * migration, never Java serialization). Every number is big-endian.
 *
 * <pre>
 * source -> target  HELLO    magic "VMIG", version, vm name, 16-byte token, boot id, source nanos
 * target -> source  WELCOME  ok byte (or a refusal text), boot id, target nanos
 * source -> target  PAGES    round, count, then per page: number, kind (0 zero, 1 data), 4096 bytes if data
 *                   DISK     count, then per sector: LBA, 512 bytes (later ones win)
 *                   HANDOVER the name of the lease file the source prepared for the target (before any switch-over)
 *                   SWITCH   CPU and device state, console history, its run and offset, paused, the
 *                            memory checksum, the source's pause time and elapsed time
 * target -> source  RESUMED  the epoch it took, its first guest instruction (its clock), the time to
 *                            it, its load and hand-over times and its memory checksum; or REFUSE and why
 * </pre>
 * The target commits the hand-over itself (one link(2) of the prepared file) once the switch-over
 * checks out, so the pause holds one trip over the link, not three.
 */
final class MigrationWire {
    static final int MAGIC = 0x564D4947; // "VMIG"
    static final int VERSION = 2; // 2: the switch-over carries the console's run
    static final int TOKEN_BYTES = 16;
    static final int PAGE = 4096;
    static final int SECTOR = 512;

    static final byte PAGES = 'P', DISK = 'D', HANDOVER = 'H', SWITCH = 'S';
    static final byte REFUSE = 'N', RESUMED = 'R';
    static final byte ZERO_PAGE = 0, DATA_PAGE = 1;

    /** Longest text (a reason, a name) a frame may carry; longer means a broken stream. */
    static final int MAX_TEXT = 4096;
    /** Largest CPU and device state or console history a switch-over may carry. */
    static final int MAX_BLOB = 16 << 20;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());

    private MigrationWire() {
    }

    static void writeText(DataOutputStream out, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    static String readText(DataInputStream in) throws IOException {
        return new String(readBlob(in, MAX_TEXT, "text"), StandardCharsets.UTF_8);
    }

    static void writeBlob(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    static byte[] readBlob(DataInputStream in, int max, String what) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > max) {
            throw new IOException("migration stream broken: " + what + " of " + n + " bytes");
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    /** Whether the page at {@code offset} holds only zero bytes (it then travels as a mark). */
    static boolean isZero(byte[] data, int offset) {
        for (int i = offset; i < offset + PAGE; i += 8) {
            if ((long) LONGS.get(data, i) != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * This boot of this machine: two hosts with the same one share CLOCK_MONOTONIC (what
     * {@link System#nanoTime()} reads on Linux), so their readings can be subtracted.
     */
    static String bootId() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip();
        } catch (IOException | RuntimeException e) {
            return "unknown-" + ProcessHandle.current().pid();
        }
    }
}
