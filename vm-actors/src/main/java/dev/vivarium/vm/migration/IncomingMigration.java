package dev.vivarium.vm.migration;

import dev.vivarium.datastore.HostSession;
import dev.vivarium.datastore.lease.Lease;
import dev.vivarium.vm.actor.VmDisk;
import dev.vivarium.x86.machine.PcMachine;
import dev.vivarium.x86.memory.GuestMemory;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * One VM arriving on this host: a listener on a port of its own (loopback unless configured)
 * that takes one connection carrying the right token, and a thread that installs the pages into
 * the empty machine as they come. At the switch-over it compares the memory's checksum, restores
 * the CPU and devices, commits the lease hand-over the source prepared (one link(2) of the
 * source's file, checked when its name came) and has the waiting VM actor run the guest at once;
 * the first instruction's time goes back to the source, which measures the downtime.
 *
 * <p>The machine belongs to this thread until the commit, and to the VM's actor after it. If the
 * link or the source goes away before the commit, or the checks fail, the machine is discarded
 * and the source runs on; if the source took the next epoch back first (it lost the link in the
 * switch-over), the link(2) fails and the same happens. Once the lease is this host's, the VM
 * runs here whatever becomes of the link.
 */
public final class IncomingMigration implements Closeable {

    /** What the arriving VM's shell actor and the host agent do; called on the receiving thread. */
    public interface Arrival {
        /**
         * The lease passed at {@code epoch}: the VM's actor runs the guest now. Completes with the
         * {@link System#nanoTime()} just before its first instruction.
         */
        CompletionStage<Long> commit(long epoch, byte[] consoleHistory, long consoleRun, long consoleOffset, boolean paused);

        /** The VM does not come: its shell and reservation go. */
        void discard(String reason);

        /** The VM runs here but the datastore does not confirm its lease: stop it without a write. */
        void fence(String reason);
    }

    private final String vm;
    private final MigrationSettings settings;
    private final ServerSocket listener;
    private final byte[] token = new byte[MigrationWire.TOKEN_BYTES];
    private final String bootId = MigrationWire.bootId();
    private volatile Socket socket;
    private volatile boolean closed;

    private IncomingMigration(String vm, MigrationSettings settings, ServerSocket listener) {
        this.vm = vm;
        this.settings = settings;
        this.listener = listener;
        new SecureRandom().nextBytes(token);
    }

    /** Opens the listener (on {@code listen-host}, a free port). */
    public static IncomingMigration listen(String vm, MigrationSettings settings) throws IOException {
        ServerSocket listener = new ServerSocket();
        try {
            listener.setReceiveBufferSize(4 << 20);
            listener.bind(new InetSocketAddress(InetAddress.getByName(settings.listenHost()), 0), 1);
            listener.setSoTimeout((int) settings.connectTimeout().toMillis());
        } catch (IOException e) {
            listener.close();
            throw e;
        }
        return new IncomingMigration(vm, settings, listener);
    }

    public String host() {
        return listener.getInetAddress().getHostAddress();
    }

    public int port() {
        return listener.getLocalPort();
    }

    public byte[] token() {
        return token.clone();
    }

    /** Starts receiving into {@code machine} (its disk under it), the VM's lease to be {@code lease} once committed. */
    public void start(PcMachine machine, VmDisk disk, Lease lease, HostSession session, Arrival arrival) {
        Thread receiver = new Thread(() -> receive(machine, disk, lease, session, arrival), "migrate-in-" + vm);
        receiver.setDaemon(true);
        receiver.start();
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        closeQuietly(socket);
    }

    private void receive(PcMachine machine, VmDisk disk, Lease lease, HostSession session, Arrival arrival) {
        boolean taken = false;
        String reason = "the source did not connect within " + settings.connectTimeout().toMillis() + " ms";
        try {
            Socket s = accept();
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 20));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 1 << 12));
            welcome(in, out);
            Switch at = installUntilSwitch(in, machine, disk, session, lease.epoch());
            Optional<String> refusal = check(machine, at);
            long checked = System.nanoTime();
            if (refusal.isEmpty() && !session.publishPreparedHandOver(vm, lease.epoch(), at.handOverFile())) {
                refusal = Optional.of("epoch " + lease.epoch() + " of VM " + vm + " exists already: the source took the VM back");
            }
            if (refusal.isPresent()) {
                out.writeByte(MigrationWire.REFUSE);
                MigrationWire.writeText(out, refusal.get());
                out.flush();
                reason = refusal.get();
                return;
            }
            // The lease is this host's from here on: whatever happens to the link, the VM runs here.
            taken = true;
            long committed = System.nanoTime();
            if (settings.failsAt("target-exit-after-commit", vm)) {
                Runtime.getRuntime().halt(137);
            }
            resume(arrival, at, lease, session, checked - at.receivedNanos(), committed - checked, committed, out);
        } catch (IOException | RuntimeException e) {
            if (!taken) {
                reason = closed ? "the host stopped taking the VM"
                        : e instanceof SocketTimeoutException ? "the source did not connect in time"
                        : "the link from the source failed: " + (e.getMessage() == null ? e.toString() : e.getMessage());
            }
        } finally {
            close();
            if (!taken) {
                arrival.discard(reason);
            }
        }
    }

    private Socket accept() throws IOException {
        Socket s = listener.accept();
        closeQuietly(listener); // one connection per migration
        socket = s;
        s.setTcpNoDelay(true);
        s.setSoTimeout((int) settings.connectTimeout().toMillis());
        return s;
    }

    private void welcome(DataInputStream in, DataOutputStream out) throws IOException {
        if (in.readInt() != MigrationWire.MAGIC || in.readShort() != MigrationWire.VERSION) {
            throw new IOException("not a migration stream of this version");
        }
        String name = MigrationWire.readText(in);
        byte[] given = new byte[MigrationWire.TOKEN_BYTES];
        in.readFully(given);
        MigrationWire.readText(in); // the source's boot id: it compares the two itself
        in.readLong();
        if (!name.equals(vm) || !MessageDigest.isEqual(given, token)) {
            out.writeByte(0);
            MigrationWire.writeText(out, "this host expects VM " + vm + " with another token");
            out.flush();
            throw new IOException("a connection for VM " + name + " with a wrong token was refused");
        }
        out.writeByte(1);
        MigrationWire.writeText(out, bootId);
        out.writeLong(System.nanoTime());
        out.flush();
        socket.setSoTimeout(0);
    }

    /** What the switch-over frame carried. */
    private record Switch(long receivedNanos, byte[] core, byte[] consoleHistory, long consoleRun, long consoleOffset, boolean paused,
                          int sourceChecksum, int checksum, String handOverFile) {
    }

    private Switch installUntilSwitch(DataInputStream in, PcMachine machine, VmDisk disk, HostSession session, long epoch)
            throws IOException {
        GuestMemory memory = machine.memory();
        PageChecksums installed = new PageChecksums(memory.ramPages());
        byte[] page = new byte[MigrationWire.PAGE];
        byte[] sector = new byte[MigrationWire.SECTOR];
        String handOverFile = null;
        boolean first = true;
        while (true) {
            byte type = in.readByte();
            if (type == MigrationWire.PAGES) {
                in.readInt(); // the round, for a reader of the stream
                int count = in.readInt();
                if (count < 0 || count > memory.ramPages()) {
                    throw new IOException("migration stream broken: " + count + " pages in one frame");
                }
                for (int i = 0; i < count; i++) {
                    int pn = in.readInt();
                    if (pn < 0 || pn >= memory.ramPages()) {
                        throw new IOException("migration stream broken: page " + pn + " of " + memory.ramPages());
                    }
                    byte kind = in.readByte();
                    if (kind == MigrationWire.DATA_PAGE) {
                        in.readFully(page);
                        memory.installPage(pn, page, 0);
                        installed.page(pn, page, 0);
                    } else if (kind == MigrationWire.ZERO_PAGE) {
                        memory.installPage(pn, null);
                        installed.zero(pn);
                    } else {
                        throw new IOException("migration stream broken: page kind " + kind);
                    }
                }
                if (first && settings.failsAt("target-exit-in-precopy", vm)) {
                    Runtime.getRuntime().halt(137);
                }
                first = false;
            } else if (type == MigrationWire.DISK) {
                int count = in.readInt();
                if (disk == null || count < 0) {
                    throw new IOException("migration stream broken: disk sectors for a VM without a disk here");
                }
                for (int i = 0; i < count; i++) {
                    long lba = in.readLong();
                    in.readFully(sector);
                    if (lba < 0 || lba >= disk.backend().sectorCount()) {
                        throw new IOException("migration stream broken: sector " + lba + " beyond the disk");
                    }
                    disk.backend().write(lba, sector, 0, 1);
                }
            } else if (type == MigrationWire.HANDOVER) {
                String name = MigrationWire.readText(in);
                // Checked now, while the guest still runs on the source: the switch-over only links it.
                session.checkPreparedHandOver(vm, epoch, name);
                handOverFile = name;
            } else if (type == MigrationWire.SWITCH) {
                long received = System.nanoTime();
                if (handOverFile == null) {
                    throw new IOException("the source switched over without a prepared lease hand-over");
                }
                if (settings.failsAt("target-exit-at-switch", vm)) {
                    Runtime.getRuntime().halt(137);
                }
                byte[] core = MigrationWire.readBlob(in, MigrationWire.MAX_BLOB, "CPU and device state");
                byte[] history = MigrationWire.readBlob(in, MigrationWire.MAX_BLOB, "console history");
                long run = in.readLong();
                long offset = in.readLong();
                boolean paused = in.readBoolean();
                int sourceChecksum = in.readInt();
                in.readLong(); // the source's pause time (its clock)
                in.readLong(); // how long the migration had run at the pause
                return new Switch(received, core, history, run, offset, paused, sourceChecksum, installed.combined(), handOverFile);
            } else {
                throw new IOException("migration stream broken: frame type " + type);
            }
        }
    }

    /** Why the machine cannot be taken, or empty: the checksums agree and the state restores. */
    private Optional<String> check(PcMachine machine, Switch at) {
        if (settings.failsAt("target-refuse", vm)) {
            return Optional.of("failpoint target-refuse: this host refuses the VM");
        }
        if (at.checksum() != at.sourceChecksum()) {
            return Optional.of(String.format("memory checksum differs: the source sent %08x, this host installed %08x",
                    at.sourceChecksum(), at.checksum()));
        }
        try {
            machine.restoreWithoutMemory(at.core());
        } catch (RuntimeException e) {
            return Optional.of("the CPU and device state does not restore: " + e.getMessage());
        }
        return Optional.empty();
    }

    /** The lease is this host's: the VM's actor runs the guest now; its first instruction's time goes back to the source. */
    private void resume(Arrival arrival, Switch at, Lease lease, HostSession session, long loadNanos, long handOverNanos,
                        long committedAt, DataOutputStream out) {
        CompletionStage<Long> first = arrival.commit(lease.epoch(), at.consoleHistory(), at.consoleRun(), at.consoleOffset(), at.paused());
        try {
            if (settings.failsAt("cut-link-after-commit", vm)) {
                closeQuietly(socket); // the source never hears of the resume: it must find out from this host
            }
            long firstNanos = first.toCompletableFuture().get(settings.switchTimeout().toMillis(), TimeUnit.MILLISECONDS);
            out.writeByte(MigrationWire.RESUMED);
            out.writeLong(lease.epoch());
            out.writeLong(firstNanos);
            out.writeLong(firstNanos - committedAt);
            out.writeLong(loadNanos);
            out.writeLong(handOverNanos);
            out.writeInt(at.checksum());
            out.flush();
        } catch (Exception e) {
            // The guest runs here whatever the source hears; it asks this host's agent if it must.
        }
        // Off the pause: the new lease's name made durable, and the datastore confirms the VM is ours.
        try {
            session.syncLeases(vm);
            lease.checkWritable();
        } catch (IOException e) {
            arrival.fence("the lease of epoch " + lease.epoch() + " is not this host's on the datastore: " + e.getMessage());
        }
    }

    private static void closeQuietly(Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing either way
            }
        }
    }
}
