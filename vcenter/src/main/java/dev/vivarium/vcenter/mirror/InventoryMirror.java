package dev.vivarium.vcenter.mirror;

import dev.vivarium.vcenter.inventory.Inventory;
import dev.vivarium.vcenter.protocol.Answers.InventorySnapshot;
import dev.vivarium.vcenter.protocol.InventoryCommand;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The inventory as this node last saw it, polled every period. Whoever must not wait for the
 * inventory reads it here: HA (which works while the inventory's singleton moves or its database
 * is down, as vSphere HA works without vCenter) and the API's reads when the inventory does not
 * answer in time. Immutable snapshots, so readers on any thread share them.
 */
public final class InventoryMirror {

  private final AtomicReference<Inventory> latest = new AtomicReference<>();
  private volatile long seenAtNanos;

  private sealed interface Msg {}

  private enum Tick implements Msg { INSTANCE }

  private record Seen(Inventory inventory) implements Msg {}

  private record Missed() implements Msg {}

  /** The last inventory seen, if any was. */
  public Optional<Inventory> latest() {
    return Optional.ofNullable(latest.get());
  }

  /** How long ago the last inventory was seen (a very long time when never). */
  public Duration age() {
    return latest.get() == null ? Duration.ofDays(365) : Duration.ofNanos(System.nanoTime() - seenAtNanos);
  }

  /** Records an inventory seen elsewhere (an answer the API got anyway). */
  public void seen(Inventory inventory) {
    latest.set(inventory);
    seenAtNanos = System.nanoTime();
  }

  /** The actor that keeps this mirror: asks the inventory every {@code period}. */
  public Behavior<?> poller(ActorRef<InventoryCommand> inventory, Duration period) {
    return Behaviors.<Msg>setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, Duration.ZERO, period);
      return Behaviors.receive(Msg.class)
          .onMessageEquals(Tick.INSTANCE, () -> {
            // An answer slower than the period is stale anyway; the next tick asks again.
            ctx.ask(InventorySnapshot.class, inventory, period.multipliedBy(4), InventoryCommand.GetInventory::new,
                (answer, failure) -> answer != null ? new Seen(answer.inventory()) : new Missed());
            return Behaviors.same();
          })
          .onMessage(Seen.class, s -> {
            seen(s.inventory());
            return Behaviors.same();
          })
          .onMessage(Missed.class, m -> Behaviors.same())
          .build();
    }));
  }
}
