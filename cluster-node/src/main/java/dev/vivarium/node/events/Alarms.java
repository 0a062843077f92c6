package dev.vivarium.node.events;

import dev.vivarium.node.api.ApiException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The alarms raised now (VirtualCenter's "Alarms" beside its event log), as the API reads them. */
@FunctionalInterface
public interface Alarms {

    /**
     * An alarm raised on a VM or a host until it is cleared.
     *
     * @param name     what is wrong, e.g. {@code placement}
     * @param entity   the VM or host it is raised on
     * @param message  the sentence a user reads
     * @param raisedAt when (ISO-8601)
     */
    record AlarmView(String name, String entity, String message, String raisedAt) {
    }

    /** Every raised alarm, oldest first. */
    CompletionStage<List<AlarmView>> raised();

    /** A node without the inventory: 501. */
    Alarms NOT_BUILT = () -> CompletableFuture.failedFuture(
            ApiException.notBuilt("alarms are not built on this node: it runs without the inventory (vcenter)"));
}
