package dev.vivarium.vm.migration;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;

/**
 * How this host migrates VMs live (reference.conf {@code vivarium.migration}).
 *
 * @param downtimeBudget the pause the source aims for: it stops the guest once what is left fits
 *                       this at the measured bandwidth
 * @param maxRounds      pre-copy passes before the migration is abandoned (the guest runs on at the source)
 * @param maxTime        pre-copy time before it is abandoned likewise
 * @param throttleInitial auto-converge's first step (percent of the guest's speed taken away)
 * @param throttleStep   each further step
 * @param throttleMax    the most it takes away
 * @param throttleTrigger a round counts as "dirtying too fast" when it dirtied more than this share
 *                       of the bytes it sent; two such rounds in a row throttle one step further
 * @param chunkPages     pages the VM's thread copies per turn, between guest slices
 * @param windowChunks   chunks in flight between the VM's thread and the link: the back-pressure
 * @param listenHost     where a target listens for the transfer (loopback unless configured)
 * @param connectTimeout how long the link's connection and handshake may take
 * @param switchTimeout  how long the source waits for the target's answer once it paused the guest
 * @param resolveTimeout after the hand-over, how long the source keeps its copy while it cannot
 *                       confirm that the target runs the VM (it takes the VM back only if the
 *                       target's lease expires)
 * @param maxConcurrent  migrations in or out of one host at once; more wait in a queue
 * @param busyRetry      a migration whose target is at its limit asks again after this
 * @param verifyMemory   after the switch-over, check the source's whole memory against the
 *                       target's checksum (off the critical path)
 * @param failpoints     test aid: steps at which this process fails on purpose, for every VM ("step") or one
 *                       ("step:vm"); empty in every profile
 */
public record MigrationSettings(Duration downtimeBudget, int maxRounds, Duration maxTime, int throttleInitial,
                                int throttleStep, int throttleMax, double throttleTrigger, int chunkPages, int windowChunks,
                                String listenHost, Duration connectTimeout, Duration switchTimeout, Duration resolveTimeout,
                                int maxConcurrent, Duration busyRetry, boolean verifyMemory, List<String> failpoints) {

    public MigrationSettings {
        if (downtimeBudget.isNegative() || downtimeBudget.isZero() || maxRounds < 1 || chunkPages < 1 || windowChunks < 2
                || maxConcurrent < 1) {
            throw new IllegalArgumentException("vivarium.migration: downtime-budget, max-rounds, chunk-pages, max-concurrent "
                    + "must be positive and window-chunks at least 2");
        }
        if (throttleInitial < 0 || throttleStep < 1 || throttleMax > 99 || throttleInitial > throttleMax) {
            throw new IllegalArgumentException("vivarium.migration.auto-converge: initial <= max <= 99, step >= 1");
        }
        failpoints = List.copyOf(failpoints);
    }

    public static MigrationSettings fromConfig(Config m) {
        Config ac = m.getConfig("auto-converge");
        return new MigrationSettings(m.getDuration("downtime-budget"), m.getInt("max-rounds"), m.getDuration("max-time"),
                ac.getInt("initial-percent"), ac.getInt("step-percent"), ac.getInt("max-percent"), ac.getDouble("trigger"),
                m.getInt("chunk-pages"), m.getInt("window-chunks"), m.getString("listen-host"), m.getDuration("connect-timeout"),
                m.getDuration("switch-timeout"), m.getDuration("resolve-timeout"), m.getInt("max-concurrent"),
                m.getDuration("busy-retry"), m.getBoolean("verify-memory"), m.getStringList("failpoints"));
    }

    /** The same settings with another downtime budget (a request may ask for its own). */
    public MigrationSettings withDowntimeBudget(Duration budget) {
        return new MigrationSettings(budget, maxRounds, maxTime, throttleInitial, throttleStep, throttleMax, throttleTrigger,
                chunkPages, windowChunks, listenHost, connectTimeout, switchTimeout, resolveTimeout, maxConcurrent, busyRetry,
                verifyMemory, failpoints);
    }

    /** Whether a failpoint names {@code step} for every VM ("step") or for this one ("step:vm"). */
    boolean failsAt(String step, String vm) {
        return failpoints.contains(step) || failpoints.contains(step + ":" + vm);
    }
}
