package dev.vivarium.node.vm;

import dev.vivarium.vcenter.inventory.Migration;
import dev.vivarium.vcenter.inventory.MigrationStats;
import java.util.Locale;

/**
 * A VM's live migration as {@code GET /api/v1/vms/{name}/migrations} shows it.
 *
 * @param outcome running, migrated, failed or cancelled
 * @param started when it began (ISO-8601); {@code ended} when it ended, null while it runs
 * @param runsOn  where the VM ran when it ended (null: nowhere)
 * @param stats   what it measured, the fields of a migration task's {@code details}
 */
public record MigrationView(String from, String to, String outcome, String started, String ended, String reason,
                            String runsOn, long epoch, String by, String task, MigrationStats stats) {

    public static MigrationView of(Migration m) {
        return new MigrationView(m.from(), m.to(), m.outcome().name().toLowerCase(Locale.ROOT), m.started().toString(),
                m.ended() == null ? null : m.ended().toString(), m.reason(), m.runsOn(), m.epoch(), String.valueOf(m.by()),
                m.task(), m.stats());
    }
}
