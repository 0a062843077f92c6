package dev.vivarium.node.drs;

import dev.vivarium.node.api.ApiException;
import dev.vivarium.node.inventory.InventoryAsk;
import dev.vivarium.node.vm.VmTask;
import dev.vivarium.vcenter.drs.DrsActor;
import dev.vivarium.vcenter.drs.DrsViews;
import dev.vivarium.vcenter.inventory.DrsConfig;
import dev.vivarium.vcenter.inventory.Initiator;
import dev.vivarium.vcenter.protocol.InventoryCommand;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/** DRS for the API: its status and recommendations (from the DRS singleton), its settings (the inventory's). */
public final class DrsService {

    private static final Duration ASK = Duration.ofSeconds(10);

    private final ActorRef<DrsActor.Msg> drs;
    private final InventoryAsk inventory;
    private final Initiator caller;
    private final Duration applyTimeout;

    public DrsService(ActorRef<DrsActor.Msg> drs, InventoryAsk inventory, Initiator caller, Duration applyTimeout) {
        this.drs = drs;
        this.inventory = inventory;
        this.caller = caller;
        this.applyTimeout = applyTimeout;
    }

    public CompletionStage<DrsViews.Status> status() {
        return AskPattern.ask(drs, DrsActor.GetStatus::new, ASK, inventory.system().scheduler());
    }

    public CompletionStage<List<DrsViews.Recommendation>> recommendations() {
        return AskPattern.<DrsActor.Msg, DrsViews.Recommendations>ask(drs, DrsActor.GetRecommendations::new, ASK,
                inventory.system().scheduler()).thenApply(DrsViews.Recommendations::recommendations);
    }

    /** Runs a round now rather than at the end of the period; its status once done. */
    public CompletionStage<DrsViews.Status> runRound() {
        return AskPattern.ask(drs, DrsActor.RunRound::new, ASK, inventory.system().scheduler());
    }

    /** Carries a recommendation out as a task; 404 when no recommendation has that id now. */
    public CompletionStage<VmTask> apply(String id) {
        return recommendations().thenApply(list -> {
            DrsViews.Recommendation r = list.stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow(() ->
                    ApiException.notFound("no recommendation " + id + " (recommendations last until the next round)"));
            CompletionStage<String> outcome = AskPattern.<DrsActor.Msg, DrsViews.Applied>ask(drs,
                    reply -> new DrsActor.Apply(id, reply), applyTimeout, inventory.system().scheduler()).thenApply(a -> {
                        if (a.status() != 200) {
                            throw new IllegalStateException(a.message());
                        }
                        DrsViews.Move m = a.move();
                        return m == null ? a.message() : String.format(Locale.ROOT, "%s: %s moved from %s to %s by %s%s",
                                id, m.vm(), m.from(), m.to(), m.how(), m.downtimeMs() == null ? ""
                                        : String.format(Locale.ROOT, ", downtime %.1f ms", m.downtimeMs()));
                    });
            String what = r.kind().equals("place") ? "power on " + r.vm() + " on " + r.to()
                    : "move " + r.vm() + " from " + r.from() + " to " + r.to();
            return new VmTask("apply DRS recommendation " + id + " (" + what + ")", outcome);
        });
    }

    /** Changes the settings given (null: as they are); the status after. */
    public CompletionStage<DrsViews.Status> configure(String automation, Integer threshold, Integer maxMoves) {
        if (automation == null && threshold == null && maxMoves == null) {
            throw ApiException.badRequest("no change given; settable: automation, threshold, maxMoves");
        }
        DrsConfig.Automation level;
        try {
            level = automation == null ? null : DrsConfig.Automation.fromApiName(automation);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("automation: " + e.getMessage());
        }
        return inventory.snapshot().thenCompose(inv -> {
            DrsConfig now = inv.drs();
            DrsConfig next;
            try {
                next = new DrsConfig(level == null ? now.automation() : level,
                        threshold == null ? now.threshold() : threshold, maxMoves == null ? now.maxMoves() : maxMoves);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
            return inventory.change(r -> new InventoryCommand.ConfigureDrs(next, caller, r))
                    .thenCompose(ok -> AskPattern.<DrsActor.Msg, DrsViews.Status>ask(drs,
                            reply -> new DrsActor.Configured(next, reply), ASK, inventory.system().scheduler()));
        });
    }
}
