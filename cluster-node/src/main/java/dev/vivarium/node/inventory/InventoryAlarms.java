package dev.vivarium.node.inventory;

import dev.vivarium.node.events.Alarms;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** The alarms the inventory holds (the reconciler raises one on a VM it cannot place, for example). */
public final class InventoryAlarms implements Alarms {

    private final InventoryAsk ask;

    public InventoryAlarms(InventoryAsk ask) {
        this.ask = ask;
    }

    @Override
    public CompletionStage<List<AlarmView>> raised() {
        return ask.snapshot().thenApply(inventory -> inventory.alarms().values().stream()
                .sorted(Comparator.comparing(a -> a.raisedAt()))
                .map(a -> new AlarmView(a.name(), a.entity(), a.message(), a.raisedAt().toString()))
                .toList());
    }
}
