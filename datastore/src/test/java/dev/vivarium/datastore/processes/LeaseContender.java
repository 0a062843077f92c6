package dev.vivarium.datastore.processes;

import dev.vivarium.datastore.Datastore;
import dev.vivarium.datastore.DatastoreSettings;
import dev.vivarium.datastore.HostSession;
import dev.vivarium.datastore.checkpoint.CheckpointInfo;
import dev.vivarium.datastore.lease.AcquireResult;
import dev.vivarium.datastore.lease.FencedException;
import dev.vivarium.datastore.lease.Lease;
import dev.vivarium.datastore.lease.LeaseLostException;
import dev.vivarium.datastore.storage.PayloadWriter;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A host process for the multi-process tests: joins the datastore, then obeys one command per
 * stdin line and answers on stdout. Arguments: root host vm heartbeatMs leaseMs marginMs.
 */
public final class LeaseContender {
    private final Datastore datastore;
    private final HostSession session;
    private final String vm;
    private volatile Lease lease;

    private LeaseContender(Datastore datastore, HostSession session, String vm) {
        this.datastore = datastore;
        this.session = session;
        this.vm = vm;
    }

    public static void main(String[] args) throws Exception {
        DatastoreSettings settings = new DatastoreSettings(Duration.ofMillis(Long.parseLong(args[3])),
                Duration.ofMillis(Long.parseLong(args[4])), Duration.ofMillis(Long.parseLong(args[5])));
        Datastore datastore = Datastore.open(Path.of(args[0]), settings);
        try (HostSession session = datastore.joinAsHost(args[1])) {
            session.onFenced((host, why) -> say("SELF_FENCED " + why));
            LeaseContender contender = new LeaseContender(datastore, session, args[2]);
            say("READY");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null && !line.equals("exit"); ) {
                try {
                    contender.obey(line);
                } catch (LeaseLostException lost) {
                    say("LEASE_LOST " + lost.getMessage());
                }
            }
        }
    }

    private void obey(String command) throws Exception {
        switch (command) {
            case "acquire-once" -> report(session.tryAcquire(vm));
            case "acquire-wait" -> {
                AcquireResult result = session.tryAcquire(vm);
                if (result instanceof AcquireResult.Held held) {
                    say("HELD " + held.current().owner());
                }
                while (!(result instanceof AcquireResult.Acquired)) {
                    Thread.sleep(20);
                    result = session.tryAcquire(vm);
                }
                report(result);
            }
            case "write" -> {
                try {
                    CheckpointInfo written = datastore.vm(vm).checkpoints()
                            .writeFull(lease, PayloadWriter.of(session.host().getBytes(StandardCharsets.UTF_8)));
                    say("WROTE " + written.seq());
                } catch (LeaseLostException refused) {
                    say("REFUSED " + refused.getClass().getSimpleName() + ": " + refused.getMessage());
                }
            }
            case "valid" -> say("VALID " + lease.stillValid());
            case "lease" -> say("LEASE " + datastore.vm(vm).currentLease()
                    .map(r -> "epoch=" + r.epoch() + " owner=" + r.owner()).orElse("none"));
            case "release" -> {
                session.release(lease);
                say("RELEASED");
            }
            case "run" -> startRunner();
            default -> say("UNKNOWN " + command);
        }
    }

    private void report(AcquireResult result) {
        if (result instanceof AcquireResult.Acquired acquired) {
            lease = acquired.lease();
            say("ACQUIRED " + lease.epoch() + " atMillis=" + System.currentTimeMillis());
        } else if (result instanceof AcquireResult.Held held) {
            say("HELD " + held.current().owner());
        } else {
            say("LOST " + ((AcquireResult.Lost) result).epoch());
        }
    }

    /**
     * Stands in for a VM runner: checks the fence before every (1 ms) time slice, and on
     * stopping tells the longest interval between two passed checks. A slice run after waking
     * from SIGSTOP would show as a gap as long as the freeze.
     */
    private void startRunner() {
        Lease running = lease;
        Thread runner = new Thread(() -> {
            long lastPassed = System.nanoTime();
            long maxGap = 0;
            long slices = 0;
            while (true) {
                try {
                    running.check();
                } catch (FencedException fenced) {
                    say("RUNNER_STOPPED slices=" + slices + " maxGapMs=" + TimeUnit.NANOSECONDS.toMillis(maxGap)
                            + " " + fenced.getMessage());
                    return;
                }
                long now = System.nanoTime();
                maxGap = Math.max(maxGap, now - lastPassed);
                lastPassed = now;
                slices++;
                LockSupport.parkNanos(1_000_000);
            }
        }, "vm-runner");
        runner.setDaemon(true);
        runner.start();
        say("RUNNING");
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
