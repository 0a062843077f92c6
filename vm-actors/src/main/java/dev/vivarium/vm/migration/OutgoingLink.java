package dev.vivarium.vm.migration;

import dev.vivarium.x86.devices.ata.DiskBackend;
import dev.vivarium.x86.devices.ata.overlay.MemoryOverlay;
import dev.vivarium.x86.memory.DirtyPages;
import dev.vivarium.x86.memory.GuestMemory;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * The source's end of the transfer: one TCP connection to the target, a sender thread that
 * writes what the VM's thread queues (chunks of pages, the end of a round, the name of the
 * prepared lease file) and a reader thread for the target's answer. The queue holds a fixed
 * number of chunk buffers: when all are in flight the VM's thread stops copying until the sender
 * frees one ({@link Drained}), which is the back-pressure from the link down to the copying.
 * Page checksums and zero detection happen on the sender thread, as pages go.
 *
 * <p>The switch-over is written by the VM's own thread ({@link #writeSwitchOver}), once
 * everything it queued has gone: one thread hand-off less inside the pause. The last dirty pages
 * are read straight from the paused guest's memory.
 */
final class OutgoingLink implements Closeable {

    /** What the link tells the VM's thread (delivered as a message to its actor). */
    sealed interface Event {
    }

    record Connected(long rttNanos, boolean sameClock) implements Event {
    }

    /** A chunk buffer is free again (sent only when the VM's thread found none). */
    record Drained() implements Event {
    }

    record RoundSent(int round, long bytes, long busyNanos, long pages, long zeroPages) implements Event {
    }

    /** The prepared lease file's name is on the link, ahead of anything the switch-over writes. */
    record HandOverSent() implements Event {
    }

    /**
     * The target committed the hand-over and ran its first guest instruction at {@code firstNanos}
     * of its clock, {@code resumeNanos} after it had the whole switch-over.
     */
    record Resumed(long epoch, long firstNanos, long resumeNanos, long loadNanos, long handOverNanos, int targetChecksum)
            implements Event {
    }

    /** The target refused the switch-over: it did not take the lease. */
    record Refused(String reason) implements Event {
    }

    /** The link failed; {@code afterSwitch}: the switch-over may have reached the target, which may have taken the lease. */
    record Failed(String reason, boolean afterSwitch) implements Event {
    }

    /** A batch of pages copied by the VM's thread. */
    static final class Chunk {
        final int[] pns;
        final boolean[] present;
        final byte[] data;
        int count;
        int round;

        Chunk(int pages) {
            pns = new int[pages];
            present = new boolean[pages];
            data = new byte[pages * MigrationWire.PAGE];
        }

        boolean full() {
            return count == pns.length;
        }
    }

    /** What the switch-over sends besides the last dirty pages. */
    record SwitchOver(GuestMemory memory, DirtyPages dirty, List<MemoryOverlay> diskLayers, byte[] core,
                      byte[] consoleHistory, long consoleRun, long consoleOffset, boolean paused, long pauseNanos, long startNanos,
                      boolean corruptChecksum) {
    }

    /** What {@link #writeSwitchOver} put on the link. */
    record Written(long lastByteNanos, long pages, long bytes) {
    }

    private record EndRound(int round) {
    }

    private record DiskLayers(List<MemoryOverlay> layers) {
    }

    private record HandOverFile(String name) {
    }

    private final String vm;
    private final InetSocketAddress target;
    private final byte[] token;
    private final MigrationSettings settings;
    private final Consumer<Event> events;
    private final PageChecksums sent;
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final BlockingQueue<Chunk> free;
    private final Thread sender;
    private final String bootId = MigrationWire.bootId();
    private volatile boolean waitingForChunk;
    private volatile boolean closed;
    private volatile boolean switchSent;
    private volatile Socket socket;
    private DataOutputStream out;
    private long roundBytes, roundBusy, roundPages, roundZero;

    OutgoingLink(String vm, InetSocketAddress target, byte[] token, int ramPages, MigrationSettings settings,
                 Consumer<Event> events) {
        this.vm = vm;
        this.target = target;
        this.token = token;
        this.settings = settings;
        this.events = events;
        this.sent = new PageChecksums(ramPages);
        this.free = new ArrayBlockingQueue<>(settings.windowChunks());
        for (int i = 0; i < settings.windowChunks(); i++) {
            free.add(new Chunk(settings.chunkPages()));
        }
        this.sender = new Thread(this::send, "migrate-out-" + vm);
        sender.setDaemon(true);
    }

    void start() {
        sender.start();
    }

    /** A free chunk buffer, or null when all are in flight (then {@link Drained} follows). */
    Chunk takeChunk() {
        Chunk c = free.poll();
        if (c == null) {
            waitingForChunk = true;
            c = free.poll(); // one may have come back between the poll and the flag
            if (c != null) {
                waitingForChunk = false;
            }
        }
        return c;
    }

    void send(Chunk chunk) {
        queue.add(chunk);
    }

    /** Gives back a chunk that stayed empty. */
    void free(Chunk chunk) {
        chunk.count = 0;
        free.add(chunk);
    }

    void sendDisk(List<MemoryOverlay> layers) {
        queue.add(new DiskLayers(List.copyOf(layers)));
    }

    void sendHandOver(String preparedFileName) {
        queue.add(new HandOverFile(preparedFileName));
    }

    void endRound(int round) {
        queue.add(new EndRound(round));
    }

    /** Closes the connection as a failure would (a test's cut link): the threads report it. */
    void cut() {
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // it is closed either way
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        cut();
        sender.interrupt();
    }

    // ---- sender thread ----

    private void send() {
        try {
            connect();
            while (!closed) {
                Object item = queue.take();
                synchronized (this) {
                    if (item instanceof Chunk c) {
                        sendChunk(c);
                    } else if (item instanceof DiskLayers d) {
                        roundBytes += writeDisk(d.layers());
                    } else if (item instanceof HandOverFile h) {
                        out.writeByte(MigrationWire.HANDOVER);
                        MigrationWire.writeText(out, h.name());
                        out.flush();
                        events.accept(new HandOverSent());
                    } else if (item instanceof EndRound e) {
                        out.flush();
                        events.accept(new RoundSent(e.round(), roundBytes, roundBusy, roundPages, roundZero));
                        roundBytes = roundBusy = roundPages = roundZero = 0;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            fail("the link to the target failed while sending: " + describe(e));
        }
    }

    private void connect() throws IOException {
        Socket s = new Socket();
        socket = s;
        if (closed) {
            throw new IOException("cancelled");
        }
        s.setTcpNoDelay(true);
        s.setSendBufferSize(4 << 20);
        s.connect(target, (int) settings.connectTimeout().toMillis());
        s.setSoTimeout((int) settings.connectTimeout().toMillis());
        DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
        long sentAt = System.nanoTime();
        synchronized (this) {
            out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 1 << 20));
            out.writeInt(MigrationWire.MAGIC);
            out.writeShort(MigrationWire.VERSION);
            MigrationWire.writeText(out, vm);
            out.write(token);
            MigrationWire.writeText(out, bootId);
            out.writeLong(sentAt);
            out.flush();
        }
        if (in.readByte() != 1) {
            throw new IOException("the target refused the link: " + MigrationWire.readText(in));
        }
        String targetBoot = MigrationWire.readText(in);
        in.readLong();
        long rtt = System.nanoTime() - sentAt;
        s.setSoTimeout(0);
        events.accept(new Connected(rtt, targetBoot.equals(bootId)));
        Thread reader = new Thread(() -> read(in), "migrate-out-answer-" + vm);
        reader.setDaemon(true);
        reader.start();
    }

    private void sendChunk(Chunk c) throws IOException {
        long start = System.nanoTime();
        long bytes = 9;
        out.writeByte(MigrationWire.PAGES);
        out.writeInt(c.round);
        out.writeInt(c.count);
        for (int i = 0; i < c.count; i++) {
            int offset = i * MigrationWire.PAGE;
            out.writeInt(c.pns[i]);
            if (!c.present[i] || MigrationWire.isZero(c.data, offset)) {
                out.writeByte(MigrationWire.ZERO_PAGE);
                sent.zero(c.pns[i]);
                roundZero++;
                bytes += 5;
            } else {
                out.writeByte(MigrationWire.DATA_PAGE);
                out.write(c.data, offset, MigrationWire.PAGE);
                sent.page(c.pns[i], c.data, offset);
                roundPages++;
                bytes += 5 + MigrationWire.PAGE;
            }
        }
        c.count = 0;
        free.add(c);
        if (waitingForChunk) {
            waitingForChunk = false;
            events.accept(new Drained());
        }
        roundBytes += bytes;
        roundBusy += System.nanoTime() - start;
    }

    /** @return the bytes written */
    private long writeDisk(List<MemoryOverlay> layers) throws IOException {
        long bytes = 0;
        byte[] sector = new byte[DiskBackend.SECTOR_SIZE];
        for (MemoryOverlay layer : layers) {
            long[] lbas = layer.sortedSectors();
            out.writeByte(MigrationWire.DISK);
            out.writeInt(lbas.length);
            for (long lba : lbas) {
                layer.read(lba, sector, 0);
                out.writeLong(lba);
                out.write(sector);
            }
            bytes += 5 + lbas.length * (8L + DiskBackend.SECTOR_SIZE);
        }
        return bytes;
    }

    /**
     * On the VM's thread, once the sender has written everything queued: the last dirty pages,
     * the disk's last writes and the switch-over frame, flushed. A failure is reported as an
     * event like any other of the link's.
     */
    synchronized Written writeSwitchOver(SwitchOver s) {
        try {
            long pages = s.dirty().count();
            long bytes = 0;
            byte[] page = new byte[MigrationWire.PAGE];
            int[] pns = new int[(int) pages];
            int[] count = {0};
            s.dirty().forEach(pn -> pns[count[0]++] = pn);
            int batch = settings.chunkPages();
            switchSent = true; // from the first byte on, the target may end up with all of it
            for (int from = 0; from < pns.length; from += batch) {
                int n = Math.min(batch, pns.length - from);
                out.writeByte(MigrationWire.PAGES);
                out.writeInt(-1);
                out.writeInt(n);
                bytes += 9;
                for (int i = from; i < from + n; i++) {
                    out.writeInt(pns[i]);
                    if (!s.memory().copyPage(pns[i], page) || MigrationWire.isZero(page, 0)) {
                        out.writeByte(MigrationWire.ZERO_PAGE);
                        sent.zero(pns[i]);
                        bytes += 5;
                    } else {
                        out.writeByte(MigrationWire.DATA_PAGE);
                        out.write(page);
                        sent.page(pns[i], page, 0);
                        bytes += 5 + MigrationWire.PAGE;
                    }
                }
            }
            bytes += writeDisk(s.diskLayers());
            if (settings.failsAt("cut-link-mid-switch", vm)) {
                out.flush();
                cut(); // the target never gets the switch-over frame
                throw new IOException("failpoint cut-link-mid-switch: the link is cut before the switch-over frame");
            }
            int checksum = sent.combined();
            out.writeByte(MigrationWire.SWITCH);
            MigrationWire.writeBlob(out, s.core());
            MigrationWire.writeBlob(out, s.consoleHistory());
            out.writeLong(s.consoleRun());
            out.writeLong(s.consoleOffset());
            out.writeBoolean(s.paused());
            out.writeInt(s.corruptChecksum() ? ~checksum : checksum);
            out.writeLong(s.pauseNanos());
            out.writeLong(s.pauseNanos() - s.startNanos());
            out.flush();
            long lastByte = System.nanoTime();
            bytes += 1 + 4 + s.core().length + 4 + s.consoleHistory().length + 8 + 1 + 4 + 8 + 8;
            if (settings.failsAt("source-exit-after-switch", vm)) {
                Runtime.getRuntime().halt(137);
            }
            if (settings.failsAt("cut-link-after-switch", vm)) {
                cut();
            }
            return new Written(lastByte, pages, bytes);
        } catch (IOException | RuntimeException e) {
            fail("the link to the target failed during the switch-over: " + describe(e));
            return new Written(System.nanoTime(), 0, 0);
        }
    }

    // ---- reader thread ----

    private void read(DataInputStream in) {
        try {
            byte type = in.readByte();
            if (type == MigrationWire.REFUSE) {
                String reason = MigrationWire.readText(in);
                closed = true;
                cut();
                events.accept(new Refused(reason));
            } else if (type == MigrationWire.RESUMED) {
                long epoch = in.readLong();
                long first = in.readLong();
                long resume = in.readLong();
                long load = in.readLong();
                long handOver = in.readLong();
                int checksum = in.readInt();
                closed = true;
                cut();
                events.accept(new Resumed(epoch, first, resume, load, handOver, checksum));
            } else {
                throw new IOException("unknown answer " + type + " from the target");
            }
        } catch (IOException | RuntimeException e) {
            fail("the link to the target failed" + (switchSent ? " after the switch-over began: " : ": ") + describe(e));
        }
    }

    private void fail(String reason) {
        boolean wasClosed = closed;
        close();
        if (!wasClosed) {
            events.accept(new Failed(reason, switchSent));
        }
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
