package dev.vivarium.vcenter.reconcile;

import dev.vivarium.vcenter.host.HostChannel;
import dev.vivarium.vcenter.host.HostDirective;
import dev.vivarium.vcenter.inventory.HostState;
import dev.vivarium.vcenter.inventory.Initiator;
import dev.vivarium.vcenter.inventory.Inventory;
import dev.vivarium.vcenter.inventory.InventorySerializable;
import dev.vivarium.vcenter.inventory.Migration;
import dev.vivarium.vcenter.inventory.MigrationDecisions;
import dev.vivarium.vcenter.inventory.PowerState;
import dev.vivarium.vcenter.inventory.VmRecord;
import dev.vivarium.vcenter.protocol.Answers.InventorySnapshot;
import dev.vivarium.vcenter.protocol.InventoryCommand;
import dev.vivarium.vcenter.protocol.InventoryCommand.GetInventory;
import dev.vivarium.vcenter.reconcile.ReconcileAction.Place;
import dev.vivarium.vcenter.reconcile.ReconcileAction.SetPaused;
import dev.vivarium.vcenter.reconcile.ReconcileAction.Stop;
import dev.vivarium.vcenter.reconcile.ReconcileAction.Unplaceable;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Reconciles continuously: keeps the hosts' latest reports, and every period reads the inventory,
 * runs {@link Reconciler} and sends the resulting directives through the {@link HostChannel}. A
 * placement sent is remembered until the host reports the VM or the placement times out, so a
 * slow start is not placed twice. A VM that cannot be placed, or that a host refuses to start,
 * gets its power-on failure recorded with the reason (the inventory's {@code VmPowerOnFailed}, shown
 * as the VM's alarm {@value #ALARM} until it runs), and is tried again after a growing delay
 * ({@link PowerOnBackoff}) unless what it depends on changes first. Run one per cluster (as a
 * singleton beside the inventory); hosts send it {@link Report}s and {@link Refused}s.
 *
 * <p>When a host comes up (and when the reconciler itself starts, on a new cluster or after its
 * node was lost) it places nothing new for {@code settle}: hosts that start together (a lab
 * brought up again) come up a few hundred milliseconds apart, and placing at the first one's
 * arrival would put every VM on it. Stopping what should not run is never held back.
 */
public final class ReconcilerActor {

  public static final String ALARM = dev.vivarium.vcenter.inventory.InventoryEvent.POWER_ON_ALARM;

  public sealed interface Msg {}

  /** A host's report of what runs on it; hosts send one every period (and on every change). */
  public record Report(HostReport report) implements Msg, InventorySerializable {}

  /** A host would not start a VM placed on it (image missing, corrupt checkpoint, stale epoch, ...). */
  public record Refused(String vm, String host, String reason) implements Msg, InventorySerializable {}

  /**
   * Start {@code vm} on {@code host} when it next needs placing, within {@code within}: a DRS
   * move carried out cold, or a placement the user approved (manual automation).
   */
  public record PlaceOn(String vm, String host, Duration within) implements Msg, InventorySerializable {}

  /**
   * Reconcile now rather than at the next period: a power state of {@code vm} was just requested
   * ({@code why}), so a power-on starts, or says why it cannot, without waiting up to a period;
   * a user asking again is tried again at once, whatever failed before.
   */
  public record ReconcileNow(String vm, String why) implements Msg, InventorySerializable {}

  /** Asks what the reconciler sees: the hosts' reports, placements under way and held ones. */
  public record GetObservations(ActorRef<Observations> replyTo) implements Msg, InventorySerializable {}

  /**
   * @param reports  the latest report of each host
   * @param inFlight placements sent and not yet reported (VM to host)
   * @param held     placements waiting for the user's approval (manual automation): VM to the
   *                 host placement chose
   */
  public record Observations(List<HostReport> reports, Map<String, String> inFlight, Map<String, String> held)
      implements InventorySerializable {
    public Observations {
      reports = List.copyOf(reports);
      inFlight = Map.copyOf(inFlight);
      held = Map.copyOf(held);
    }
  }

  private record Tick() implements Msg {}

  private record Observed(InventorySnapshot snapshot) implements Msg {}

  private record Unanswered(String why) implements Msg {}

  private record InFlight(String host, long deadlineNanos) {}

  private record Hint(String host, long deadlineNanos) {}

  private final ActorContext<Msg> ctx;
  private final ActorRef<InventoryCommand> inventory;
  private final HostChannel channel;
  private final Duration placementTimeout;
  private final Map<String, HostReport> reports = new HashMap<>();
  private final Map<String, InFlight> inFlight = new HashMap<>();
  /** What each VM demanded at its host's latest report: a VM placed again is weighed by it. */
  private final Map<String, Double> lastDemand = new HashMap<>();
  private final PowerOnBackoff backoff;
  /** The inventory as the last reconciliation saw it: what a refusal's back-off is weighed against. */
  private Inventory lastSeen;
  private final Map<String, Hint> hints = new HashMap<>();
  /**
   * The hosts that refused to start a VM since its last failure, with their reasons: it goes to
   * another host, and when none is left its failure names them all.
   */
  private final Map<String, Map<String, String>> refusals = new HashMap<>();
  /** Placements held for approval at the last reconciliation (manual automation). */
  private Map<String, String> held = Map.of();
  private final Duration settle;
  /** The hosts that were up at the last reconciliation: one more than these starts a settling. */
  private Set<String> upHosts = Set.of();
  private long settledAfterNanos;

  /** A reconciler that places at once, whenever hosts come up. */
  public static Behavior<Msg> create(ActorRef<InventoryCommand> inventory, HostChannel channel,
      Duration period, Duration placementTimeout) {
    return create(inventory, channel, period, placementTimeout, Duration.ZERO);
  }

  /** @param settle how long placement waits after a host comes up, for others to come up too */
  public static Behavior<Msg> create(ActorRef<InventoryCommand> inventory, HostChannel channel,
      Duration period, Duration placementTimeout, Duration settle) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(new Tick(), period);
      return new ReconcilerActor(ctx, inventory, channel, placementTimeout, settle).behavior();
    }));
  }

  private ReconcilerActor(ActorContext<Msg> ctx, ActorRef<InventoryCommand> inventory,
      HostChannel channel, Duration placementTimeout, Duration settle) {
    this.ctx = ctx;
    this.inventory = inventory;
    this.channel = channel;
    this.placementTimeout = placementTimeout;
    this.settle = settle;
    this.settledAfterNanos = System.nanoTime();
    // The first retry waits a placement's own timeout (a few reconcile periods).
    this.backoff = new PowerOnBackoff(placementTimeout, MAX_BACKOFF);
  }

  private Behavior<Msg> behavior() {
    return Behaviors.receive(Msg.class)
        .onMessage(Report.class, r -> {
          reports.put(r.report().host(), r.report());
          r.report().loads().forEach((vm, load) -> lastDemand.put(vm, load.demandMips()));
          return Behaviors.same();
        })
        .onMessage(Refused.class, r -> {
          inFlight.remove(r.vm());
          if (lastSeen == null || !lastSeen.hosts().containsKey(r.host())) {
            // Not a host placement could avoid next time: fail now and back off.
            failed(r.vm(), r.host() + " refused it: " + r.reason(), lastSeen == null ? new Situation(null, List.of())
                : new Situation(lastSeen.vms().get(r.vm()), clusterSituation(lastSeen)));
            return Behaviors.same();
          }
          refusals.computeIfAbsent(r.vm(), vm -> new TreeMap<>()).put(r.host(), r.reason());
          ctx.getLog().info("{} refused to start {} ({}); trying another host", r.host(), r.vm(), r.reason());
          return observe(); // another host now, or the failure with every host's reason
        })
        .onMessage(PlaceOn.class, p -> {
          hints.put(p.vm(), new Hint(p.host(), System.nanoTime() + p.within().toNanos()));
          return Behaviors.same();
        })
        .onMessage(GetObservations.class, g -> {
          Map<String, String> pending = new HashMap<>();
          inFlight.forEach((vm, f) -> pending.put(vm, f.host()));
          g.replyTo().tell(new Observations(List.copyOf(reports.values()), pending, held));
          return Behaviors.same();
        })
        .onMessage(Tick.class, t -> observe())
        .onMessage(ReconcileNow.class, r -> {
          ctx.getLog().debug("reconciling now: {}", r.why());
          backoff.forget(r.vm());
          refusals.remove(r.vm());
          return observe();
        })
        .onMessage(Observed.class, o -> {
          reconcile(o.snapshot().inventory());
          return Behaviors.same();
        })
        .onMessage(Unanswered.class, u -> {
          // The inventory is moving to another node or its database is down: try next period.
          ctx.getLog().info("inventory did not answer, reconciling next period: {}", u.why());
          return Behaviors.same();
        })
        .build();
  }

  /** Reads the inventory; its answer is reconciled against the hosts' latest reports. */
  private Behavior<Msg> observe() {
    ctx.ask(InventorySnapshot.class, inventory, placementTimeout, GetInventory::new,
        (answer, failure) -> answer != null ? new Observed(answer)
            : new Unanswered(String.valueOf(failure)));
    return Behaviors.same();
  }

  private void reconcile(Inventory inv) {
    long now = System.nanoTime();
    lastSeen = inv;
    backoff.retain(inv.vms().keySet());
    // The last report of a host that is no longer up is stale (its VMs run elsewhere or nowhere):
    // forgotten, or it would still count as running what it held. A host up again reports anew.
    reports.keySet().removeIf(h -> inv.hosts().get(h) == null || !inv.hosts().get(h).state().up());
    boolean settling = settling(inv, now);
    inFlight.entrySet().removeIf(e -> now - e.getValue().deadlineNanos() > 0
        || reports.values().stream().anyMatch(r -> r.running().containsKey(e.getKey())));
    Map<String, String> pending = new HashMap<>();
    inFlight.forEach((vm, f) -> pending.put(vm, f.host()));
    lastDemand.keySet().retainAll(inv.vms().keySet());
    migrating(inv, Instant.now()).forEach(pending::putIfAbsent);
    hints.values().removeIf(h -> now - h.deadlineNanos() > 0);
    Map<String, String> nowHeld = new HashMap<>();
    Object cluster = clusterSituation(inv);
    // A refusal stands while the VM should run and runs nowhere; a failure, while it should run.
    refusals.keySet().removeIf(vm -> inv.vms().get(vm) == null || !inv.vms().get(vm).desired().resident()
        || reports.values().stream().anyMatch(r -> r.running().containsKey(vm)));
    inv.vms().values().stream().filter(vm -> !vm.desired().resident()).forEach(vm -> backoff.forget(vm.name()));
    Map<String, Set<String>> refusedBy = new HashMap<>();
    refusals.forEach((vm, byHost) -> refusedBy.put(vm, Set.copyOf(byHost.keySet())));
    for (ReconcileAction a : Reconciler.reconcile(inv, reports.values(), pending, lastDemand, refusedBy)) {
      if (settling && (a instanceof Place || a instanceof Unplaceable)) {
        continue; // decided once the hosts coming up now are all there
      }
      Situation situation = new Situation(inv.vms().get(a.vm()), cluster);
      if ((a instanceof Place || a instanceof Unplaceable) && backoff.waiting(a.vm(), situation, now)) {
        continue; // it failed in this same situation a moment ago: try again later, or when something changes
      }
      if (a instanceof Place p) {
        VmRecord vm = inv.vms().get(p.vm());
        Hint hint = hints.remove(p.vm());
        String host = hint != null && inv.hosts().containsKey(hint.host())
            && inv.hosts().get(hint.host()).state() == HostState.CONNECTED ? hint.host() : p.host();
        if (hint == null && !inv.drs().automation().placesOnItsOwn()) {
          nowHeld.put(p.vm(), p.host()); // manual: DRS recommends it, the user applies it
          continue;
        }
        channel.send(new HostDirective.PowerOn(host, p.vm(), vm.config(), p.lastEpoch(),
            vm.desired() == PowerState.PAUSED));
        inFlight.put(p.vm(), new InFlight(host, now + placementTimeout.toNanos()));
      } else if (a instanceof Stop s) {
        ctx.getLog().info("stopping {} on {}: {}", s.vm(), s.host(), s.why());
        channel.send(new HostDirective.Stop(s.host(), s.vm(), s.epoch(), s.suspend()));
      } else if (a instanceof SetPaused p) {
        // Repeated each period while the host still reports otherwise; pausing twice changes nothing.
        ctx.getLog().info("{} {} on {}: it runs {} but the inventory wants it {}", p.paused() ? "pausing" : "unpausing",
            p.vm(), p.host(), p.paused() ? "unpaused" : "paused", p.paused() ? "paused" : "poweredOn");
        channel.send(new HostDirective.SetPaused(p.host(), p.vm(), p.epoch(), p.paused()));
      } else if (a instanceof Unplaceable u) {
        Map<String, String> refused = refusals.remove(u.vm());
        failed(u.vm(), refused == null ? "cannot place it: " + u.why() : refusedReason(refused, u.why()), situation);
      }
    }
    held = Map.copyOf(nowHeld);
  }

  /** Records why {@code vm} did not start (once per reason) and holds it back before the next try. */
  private void failed(String vm, String reason, Situation situation) {
    long delay = backoff.failed(vm, situation, System.nanoTime());
    ctx.getLog().info("{} not powered on ({}); next try in {} ms or when the cluster changes", vm, reason,
        delay / 1_000_000);
    inventory.tell(new InventoryCommand.RecordPowerOnFailure(vm, reason, Initiator.drs(),
        ctx.getSystem().ignoreRef()));
  }

  /** Every refusing host's reason, then why no other host takes the VM. */
  private static String refusedReason(Map<String, String> refused, String noOther) {
    String each = refused.entrySet().stream().map(e -> e.getKey() + " refused it: " + e.getValue())
        .collect(Collectors.joining("; "));
    return (refused.size() == 1 ? "" : "every host that could take it refused it: ") + each
        + "; no other host can take it (" + noOther + ")";
  }

  /**
   * What a VM's power-on depends on: its own record (configuration, desired state) and the
   * cluster's part ({@link #clusterSituation}). A failed power-on is retried at once when this
   * changes.
   */
  private record Situation(VmRecord vm, Object cluster) {}

  /** Which hosts are up and in what state, and which VMs run where (room freed or taken). */
  private Object clusterSituation(Inventory inv) {
    Map<String, HostState> hostStates = new TreeMap<>();
    inv.hosts().values().forEach(h -> hostStates.put(h.name(), h.state()));
    Map<String, Set<String>> running = new TreeMap<>();
    reports.values().forEach(r -> running.put(r.host(), new TreeSet<>(r.running().keySet())));
    return List.of(hostStates, running);
  }

  /** The longest a failed power-on waits for its next try when nothing changes. */
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

  /**
   * VMs a live migration holds, with the host they count on: one under way is the migration's
   * (on its source), one that just arrived is on its way into its new host's next report. The
   * reconciler places neither: between the source's last report and the target's first, a VM
   * may be in no report at all.
   */
  static Map<String, String> migrating(Inventory inv, Instant now) {
    Map<String, String> held = new HashMap<>();
    inv.migrations().forEach((vm, list) -> {
      Migration last = list.get(list.size() - 1);
      if (last.running() && last.started().plus(MigrationDecisions.MARK_EXPIRY).isAfter(now)) {
        held.put(vm, last.from());
      } else if (last.outcome() == Migration.Outcome.MIGRATED && last.ended() != null
          && last.ended().plus(ARRIVAL_GRACE).isAfter(now)) {
        held.put(vm, last.to());
      }
    });
    return held;
  }

  /** A migrated VM shows in its new host's report within a reconcile period or two. */
  private static final Duration ARRIVAL_GRACE = Duration.ofSeconds(5);

  /** Whether placement waits: a host came up less than {@code settle} ago. */
  private boolean settling(Inventory inv, long now) {
    Set<String> up = new HashSet<>();
    inv.hosts().values().forEach(h -> {
      if (h.state().up()) up.add(h.name());
    });
    if (!upHosts.containsAll(up) && !settle.isZero()) {
      settledAfterNanos = now + settle.toNanos();
      ctx.getLog().info("hosts up: {}; placing in {} ms, when the others starting with them are up too",
          up, settle.toMillis());
    }
    upHosts = up;
    return now - settledAfterNanos < 0;
  }
}
