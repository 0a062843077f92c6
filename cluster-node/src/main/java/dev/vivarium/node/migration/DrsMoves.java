package dev.vivarium.node.migration;

import dev.vivarium.node.api.Failures;
import dev.vivarium.vcenter.drs.MoveChannel;
import dev.vivarium.vcenter.inventory.Initiator;
import dev.vivarium.vcenter.inventory.MigrationStats;
import dev.vivarium.vcenter.migration.MigrationResult;
import java.util.Locale;
import java.util.concurrent.CompletionStage;

/**
 * DRS's moves by VMotion through live migration's one entry point, the migration coordinator (as
 * the API's and maintenance mode's go): it checks the move against the inventory, records its
 * start and end with the hosts' figures, and queues it behind the source host's limit. DRS
 * decides; this only carries the decision out.
 */
public final class DrsMoves implements MoveChannel {

    public static final String HOW = "vmotion";

    private final MigrationService migrations;

    public DrsMoves(MigrationService migrations) {
        this.migrations = migrations;
    }

    @Override
    public CompletionStage<Outcome> move(String vm, String from, String to, String why) {
        long started = System.nanoTime();
        // keepTogether: DRS's own rules decided the move; the coordinator checks them again as the VM moves.
        return migrations.migrate(vm, to, true, "DRS: " + why, Initiator.drs())
                .thenCompose(MigrationService.Accepted::result)
                .handle((result, failure) -> {
                    double elapsedMs = (System.nanoTime() - started) / 1e6;
                    if (failure != null) {
                        Throwable cause = Failures.cause(failure);
                        return new Outcome(false, HOW, Double.NaN, elapsedMs, "refused: " + cause.getMessage());
                    }
                    MigrationStats s = result.stats();
                    boolean moved = result.outcome() == MigrationResult.Outcome.MIGRATED;
                    return new Outcome(moved, HOW, s == null || s.downtimeMs() < 0 ? Double.NaN : s.downtimeMs(),
                            s == null ? elapsedMs : s.totalMs(), message(result));
                });
    }

    /** The coordinator's own account: the figures of a move, or why it did not happen and where the VM runs. */
    private static String message(MigrationResult r) {
        String line = MigrationService.describe(r);
        return r.outcome() == MigrationResult.Outcome.MIGRATED ? line : r.outcome().name().toLowerCase(Locale.ROOT) + ": " + line;
    }
}
