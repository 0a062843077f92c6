package dev.vivarium.vm.migration;

/**
 * Decides, after each pre-copy round, what the migration does next: another round, a round
 * with the guest throttled further (auto-converge), the switch-over, or giving up. A pure
 * function of what the rounds measured, as QEMU's migration loop ({@code migration.c}: the
 * bandwidth times the downtime limit is the threshold; {@code ram.c}: a guest that dirtied more
 * than a share of what was sent, twice running, is throttled one step further).
 */
public final class PrecopyPlanner {

    /** What a page costs on the link: its number, a kind byte and its 4 KiB. */
    public static final long PAGE_BYTES = 4096 + 5;

    /**
     * What one round measured.
     *
     * @param round          0 for the first pass over all memory
     * @param bytesSent      bytes this round put on the link
     * @param sendNanos      time the link was busy sending them (so bandwidth = bytes / busy time)
     * @param dirtyPages     pages dirtied meanwhile: what the next round (or the switch-over) must send
     * @param overheadNanos  what the switch-over costs besides the pages (round trips, the CPU and device state)
     * @param elapsedNanos   time since the migration started
     */
    public record Round(int round, long bytesSent, long sendNanos, int dirtyPages, long overheadNanos, long elapsedNanos) {
    }

    /** The planner's memory between rounds. */
    public record State(double bytesPerNano, int throttlePercent, int fastRounds) {
        public static final State START = new State(0, 0, 0);
    }

    public sealed interface Decision {
        State state();
    }

    /** Send the pages dirtied meanwhile, with the guest held back by {@code state.throttlePercent()}. */
    public record NextRound(State state, long expectedDowntimeNanos) implements Decision {
    }

    /** What is left fits the budget: pause the guest and send it. */
    public record SwitchOver(State state, long expectedDowntimeNanos) implements Decision {
    }

    /** The guest dirties memory faster than it can be sent within the limits: it runs on at the source. */
    public record GiveUp(State state, String reason) implements Decision {
    }

    private PrecopyPlanner() {
    }

    public static Decision next(MigrationSettings s, State state, Round r) {
        // A round too short to time keeps the previous figure.
        double bandwidth = r.sendNanos() > 0 && r.bytesSent() > 0 ? (double) r.bytesSent() / r.sendNanos() : state.bytesPerNano();
        long pending = r.dirtyPages() * PAGE_BYTES;
        long expected = r.overheadNanos() + (bandwidth > 0 ? (long) (pending / bandwidth) : Long.MAX_VALUE / 4);
        // Nothing left to send: another round cannot make the pause any shorter.
        if (expected <= s.downtimeBudget().toNanos() || r.dirtyPages() == 0) {
            return new SwitchOver(new State(bandwidth, state.throttlePercent(), state.fastRounds()), expected);
        }
        if (r.round() + 1 >= s.maxRounds() || r.elapsedNanos() >= s.maxTime().toNanos()) {
            return new GiveUp(new State(bandwidth, state.throttlePercent(), state.fastRounds()), String.format(
                    "did not converge in %d rounds and %.1f s: %d pages (%.1f MiB) dirtied in the last round against %.1f MiB "
                            + "sent, %.0f MiB/s on the link, guest throttled by %d%%; %.2f ms expected downtime, budget %.2f ms",
                    r.round() + 1, r.elapsedNanos() / 1e9, r.dirtyPages(), r.dirtyPages() * 4096 / 1048576.0,
                    r.bytesSent() / 1048576.0, bandwidth * 1e9 / 1048576.0, state.throttlePercent(), expected / 1e6,
                    s.downtimeBudget().toNanos() / 1e6));
        }
        boolean fast = r.round() > 0 && r.dirtyPages() * 4096L > s.throttleTrigger() * r.bytesSent();
        int fastRounds = fast ? state.fastRounds() + 1 : 0;
        int throttle = state.throttlePercent();
        if (fastRounds >= 2) {
            throttle = throttle == 0 ? s.throttleInitial() : Math.min(s.throttleMax(), throttle + s.throttleStep());
            fastRounds = 0;
        }
        return new NextRound(new State(bandwidth, throttle, fastRounds), expected);
    }
}
