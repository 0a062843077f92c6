package dev.vivarium.vcenter.drs;

import dev.vivarium.drs.core.Balancer;
import dev.vivarium.drs.core.DemandSmoother;
import dev.vivarium.drs.core.DrsSettings;
import dev.vivarium.drs.core.Fault;
import dev.vivarium.drs.core.Imbalance;
import dev.vivarium.drs.core.RoundResult;
import dev.vivarium.drs.model.Cluster;
import dev.vivarium.vcenter.inventory.DrsConfig;
import dev.vivarium.vcenter.inventory.Initiator;
import dev.vivarium.vcenter.inventory.HostRecord;
import dev.vivarium.vcenter.inventory.HostState;
import dev.vivarium.vcenter.inventory.Inventory;
import dev.vivarium.vcenter.inventory.InventorySerializable;
import dev.vivarium.vcenter.placement.ClusterView;
import dev.vivarium.vcenter.protocol.Answers.InventorySnapshot;
import dev.vivarium.vcenter.protocol.InventoryCommand;
import dev.vivarium.vcenter.reconcile.HostReport;
import dev.vivarium.vcenter.reconcile.ReconcilerActor;
import dev.vivarium.vcenter.reconcile.VmLoad;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * DRS: every sample interval it reads what the hosts report (through the reconciler, which holds
 * their reports) and averages each VM's figures; every period it runs a round of DRS's core on
 * the averaged cluster and, by the inventory's automation level, lists the recommendations
 * (manual, partially automated) or carries the moves out through the {@link MoveChannel}, a
 * bounded number at a time (fully automated). Every new recommendation and every move is a line
 * of the event log with its reason; a rule the round cannot keep raises an alarm on its VM. Run
 * one per cluster, as a singleton beside the inventory and the reconciler.
 */
public final class DrsActor {

  public sealed interface Msg {}

  public record GetStatus(ActorRef<DrsViews.Status> replyTo) implements Msg, InventorySerializable {}

  public record GetRecommendations(ActorRef<DrsViews.Recommendations> replyTo) implements Msg, InventorySerializable {}

  /** Carries a recommendation out; answers once it is done (a move) or started (a placement). */
  public record Apply(String id, ActorRef<DrsViews.Applied> replyTo) implements Msg, InventorySerializable {}

  /**
   * The settings were just changed in the inventory: use them at once, rather than from the next
   * snapshot of the inventory; answers the status with them.
   */
  public record Configured(DrsConfig config, ActorRef<DrsViews.Status> replyTo) implements Msg, InventorySerializable {}

  /** Runs a round at the next sample instead of at the end of the period; answers its status. */
  public record RunRound(ActorRef<DrsViews.Status> replyTo) implements Msg, InventorySerializable {}

  private enum Tick implements Msg { INSTANCE }

  /** @param askedNanos when the snapshot was asked for: what it shows is at least this recent */
  private record Snapshot(Inventory inventory, long askedNanos) implements Msg {}

  private record Observed(ReconcilerActor.Observations observations, long askedNanos) implements Msg {}

  private record Unanswered(String what, String why) implements Msg {}

  private record MoveFinished(String id, MoveChannel.Outcome outcome) implements Msg {}

  /** A recommendation with what identifies it across rounds: the same VM to the same host keeps its id. */
  private record Listed(String key, DrsViews.Recommendation view) {}

  public static final String ALARM_PREFIX = "drs-";
  private static final int RECENT_MOVES = 50;
  private static final Duration ASK = Duration.ofSeconds(5);
  /** How long a placement the user approved waits for the reconciler. */
  private static final Duration APPROVAL = Duration.ofSeconds(60);

  private final ActorContext<Msg> ctx;
  private final ActorRef<InventoryCommand> inventory;
  private final ActorRef<ReconcilerActor.Msg> reconciler;
  private final MoveChannel channel;
  private final DrsTuning tuning;
  private final DemandSmoother smoother;

  private Inventory inv;
  /** The settings in force: the inventory's, or newer ones just set. */
  private DrsConfig config = DrsConfig.DEFAULTS;
  private long configuredNanos;
  private ReconcilerActor.Observations observations;
  private long nextRoundNanos;
  /**
   * When a move last began or ended: figures asked for before then may show a VM where it no
   * longer is, and a round on them would move it again, so they are dropped.
   */
  private long lastChangeNanos;
  private final List<ActorRef<DrsViews.Status>> roundWaiters = new ArrayList<>();
  private final Map<String, Listed> listed = new LinkedHashMap<>();
  private long nextId = 1;
  private final Map<String, String> movingVms = new HashMap<>(); // VM -> recommendation id
  private final Map<String, List<ActorRef<DrsViews.Applied>>> applyWaiters = new HashMap<>();
  private final ArrayDeque<DrsViews.Move> recentMoves = new ArrayDeque<>();
  private long movesDone;
  private long movesFailed;
  private long rounds;
  private Instant lastRound;
  private List<String> faults = List.of();
  private Imbalance.Measured measured = new Imbalance.Measured(0, 0, new java.util.TreeMap<>());
  private double target = Double.POSITIVE_INFINITY;

  public static Behavior<Msg> create(ActorRef<InventoryCommand> inventory, ActorRef<ReconcilerActor.Msg> reconciler,
      MoveChannel channel, DrsTuning tuning) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, tuning.sampleInterval());
      return new DrsActor(ctx, inventory, reconciler, channel, tuning).behavior();
    }));
  }

  private DrsActor(ActorContext<Msg> ctx, ActorRef<InventoryCommand> inventory,
      ActorRef<ReconcilerActor.Msg> reconciler, MoveChannel channel, DrsTuning tuning) {
    this.ctx = ctx;
    this.inventory = inventory;
    this.reconciler = reconciler;
    this.channel = channel;
    this.tuning = tuning;
    this.smoother = new DemandSmoother(tuning.smoothing().toMillis() / 1000.0);
    // The first round once figures have been averaged for a period.
    this.nextRoundNanos = System.nanoTime() + tuning.period().toNanos();
    this.lastChangeNanos = System.nanoTime();
    this.configuredNanos = lastChangeNanos;
  }

  private Behavior<Msg> behavior() {
    return Behaviors.receive(Msg.class)
        .onMessageEquals(Tick.INSTANCE, () -> {
          long asked = System.nanoTime();
          ctx.ask(InventorySnapshot.class, inventory, ASK, InventoryCommand.GetInventory::new,
              (answer, failure) -> answer != null ? new Snapshot(answer.inventory(), asked)
                  : new Unanswered("inventory", String.valueOf(failure)));
          return Behaviors.same();
        })
        .onMessage(Snapshot.class, s -> {
          if (s.askedNanos() - lastChangeNanos < 0) {
            return Behaviors.same(); // asked before a move began or ended: it may not show it
          }
          inv = s.inventory();
          if (s.askedNanos() - configuredNanos >= 0) {
            config = inv.drs();
          }
          long asked = s.askedNanos();
          ctx.ask(ReconcilerActor.Observations.class, reconciler, ASK, ReconcilerActor.GetObservations::new,
              (answer, failure) -> answer != null ? new Observed(answer, asked)
                  : new Unanswered("reconciler", String.valueOf(failure)));
          return Behaviors.same();
        })
        .onMessage(Observed.class, o -> {
          if (o.askedNanos() - lastChangeNanos < 0) {
            return Behaviors.same();
          }
          observations = o.observations();
          sample();
          return Behaviors.same();
        })
        .onMessage(Unanswered.class, u -> {
          ctx.getLog().info("DRS: the {} did not answer, next sample: {}", u.what(), u.why());
          return Behaviors.same();
        })
        .onMessage(GetStatus.class, g -> {
          g.replyTo().tell(status());
          return Behaviors.same();
        })
        .onMessage(GetRecommendations.class, g -> {
          g.replyTo().tell(new DrsViews.Recommendations(listed.values().stream().map(Listed::view).toList()));
          return Behaviors.same();
        })
        .onMessage(Configured.class, c -> {
          config = c.config();
          configuredNanos = System.nanoTime();
          target = Imbalance.target(config.threshold(), Math.max(1, measured.connectedHosts()));
          c.replyTo().tell(status());
          return Behaviors.same();
        })
        .onMessage(RunRound.class, r -> {
          roundWaiters.add(r.replyTo());
          nextRoundNanos = System.nanoTime();
          return Behaviors.same();
        })
        .onMessage(Apply.class, this::onApply)
        .onMessage(MoveFinished.class, this::onMoveFinished)
        .build();
  }

  // ---- sampling and rounds

  private void sample() {
    long now = System.nanoTime();
    Map<String, DemandSmoother.Sample> samples = new HashMap<>();
    for (HostReport r : observations.reports()) {
      r.running().keySet().forEach(vm -> {
        VmLoad l = r.loads().getOrDefault(vm, VmLoad.IDLE);
        samples.put(vm, new DemandSmoother.Sample(l.demandMips(), l.deliveredMips(), l.readyPct(), l.dirtyPagesPerSec()));
      });
    }
    smoother.sample(samples, now);
    Cluster cluster = cluster();
    measured = Imbalance.measure(cluster);
    target = Imbalance.target(config.threshold(), Math.max(1, measured.connectedHosts()));
    if (now - nextRoundNanos >= 0) {
      nextRoundNanos = now + tuning.period().toNanos();
      round(cluster);
      roundWaiters.forEach(w -> w.tell(status()));
      roundWaiters.clear();
    }
  }

  /** The cluster as the averaged figures show it: VMs where they run or are being placed. */
  private Cluster cluster() {
    Map<String, String> runningOn = new HashMap<>();
    for (HostReport r : observations.reports()) {
      r.running().keySet().forEach(vm -> runningOn.put(vm, r.host()));
    }
    observations.inFlight().forEach(runningOn::putIfAbsent);
    Map<String, ClusterView.Figures> figures = new HashMap<>();
    smoother.all().forEach((vm, f) -> figures.put(vm, new ClusterView.Figures(f.demandMips(), f.dirtyPagesPerSec(),
        f.variation())));
    return ClusterView.of(inv, runningOn, figures, Set.of());
  }

  private void round(Cluster cluster) {
    Set<String> pinned = new HashSet<>(movingVms.keySet());
    pinned.addAll(observations.inFlight().keySet());
    DrsSettings settings = new DrsSettings(config.threshold(), config.maxMoves(), DrsSettings.DEFAULTS.searchWidth(),
        tuning.cost());
    RoundResult result = Balancer.round(cluster, settings, pinned);
    rounds++;
    lastRound = Instant.now();
    relist(result);
    raiseAlarms(result.faults());
    if (config.automation().movesOnItsOwn()) {
      startMoves();
    }
  }

  /** The round's recommendations become the list; one seen before keeps its id (and is logged once). */
  private void relist(RoundResult result) {
    Map<String, Listed> next = new LinkedHashMap<>();
    // Moves under way stay listed until they finish.
    listed.values().stream().filter(l -> l.view().state().equals("running")).forEach(l -> next.put(l.key(), l));
    for (dev.vivarium.drs.core.Recommendation r : result.recommendations()) {
      String key = "move:" + r.vm() + ":" + r.to();
      if (next.containsKey(key)) {
        continue;
      }
      Listed before = listed.get(key);
      String id = before != null ? before.view().id() : "drs-" + nextId++;
      String since = before != null ? before.view().since() : Instant.now().toString();
      DrsViews.Recommendation view = new DrsViews.Recommendation(id, "move", r.vm(), r.from(), r.to(),
          r.reason().name().toLowerCase(Locale.ROOT), r.rule(), r.priority(), r.imbalanceBefore(), r.imbalanceAfter(),
          r.benefit(), finite(r.cost()), finite(r.migrationSeconds()), r.why(), "pending", since);
      next.put(key, new Listed(key, view));
      if (before == null) {
        log(r.vm(), "VmDrsRecommended", String.format(Locale.ROOT,
            "DRS recommends %s: move VM %s from %s to %s (priority %d; %s; imbalance %.3f -> %.3f)", id, r.vm(),
            r.from(), r.to(), r.priority(), r.why(), r.imbalanceBefore(), r.imbalanceAfter()));
      }
    }
    observations.held().forEach((vm, host) -> {
      String key = "place:" + vm;
      Listed before = listed.get(key);
      String id = before != null ? before.view().id() : "drs-" + nextId++;
      String since = before != null ? before.view().since() : Instant.now().toString();
      next.put(key, new Listed(key, new DrsViews.Recommendation(id, "place", vm, null, host, "placement", null, 1,
          measured.imbalance(), measured.imbalance(), 0, 0.0, 0.0,
          "power-on: DRS's initial placement puts it on " + host + " (manual automation: apply to start it)",
          "pending", since)));
      if (before == null) {
        log(vm, "VmDrsRecommended", "DRS recommends " + id + ": power on VM " + vm + " on " + host);
      }
    });
    listed.clear();
    listed.putAll(next);
    faults = List.copyOf(faultMessages(result.faults()));
  }

  private static List<String> faultMessages(List<Fault> faults) {
    return faults.stream().map(Fault::message).toList();
  }

  /** Fully automated: the listed moves, in order, as far as the concurrency bound allows. */
  private void startMoves() {
    for (Listed l : List.copyOf(listed.values())) {
      if (movingVms.size() >= tuning.maxConcurrentMoves()) {
        return;
      }
      DrsViews.Recommendation r = l.view();
      if (r.kind().equals("move") && r.state().equals("pending") && !movingVms.containsKey(r.vm())) {
        if (!connected(r.to())) {
          // Recommended rounds ago, before the host failed or left: the next round decides afresh.
          listed.remove(l.key());
          ctx.getLog().info("DRS: {} dropped, {} is no longer connected", r.id(), r.to());
          continue;
        }
        startMove(l);
      }
    }
  }

  /** Whether the inventory, as last read, has {@code host} connected (taking VMs). */
  private boolean connected(String host) {
    HostRecord h = inv == null ? null : inv.hosts().get(host);
    return h != null && h.state() == HostState.CONNECTED;
  }

  private void startMove(Listed l) {
    DrsViews.Recommendation r = l.view();
    listed.put(l.key(), new Listed(l.key(), r.withState("running")));
    movingVms.put(r.vm(), r.id());
    lastChangeNanos = System.nanoTime();
    log(r.vm(), "VmDrsMoveStarted", "DRS moves VM " + r.vm() + " from " + r.from() + " to " + r.to() + " (" + r.id()
        + ", " + r.reason() + ": " + r.why() + ")");
    long timeout = tuning.moveTimeout().toMillis();
    ctx.pipeToSelf(channel.move(r.vm(), r.from(), r.to(), r.why()).toCompletableFuture()
            .orTimeout(timeout, TimeUnit.MILLISECONDS),
        (outcome, failure) -> new MoveFinished(r.id(), outcome != null ? outcome
            : new MoveChannel.Outcome(false, "", Double.NaN, Double.NaN, failure instanceof java.util.concurrent.TimeoutException
                ? "not done within " + tuning.moveTimeout().toSeconds() + " s" : rootMessage(failure))));
  }

  private Behavior<Msg> onMoveFinished(MoveFinished f) {
    Listed l = listed.values().stream().filter(x -> x.view().id().equals(f.id())).findFirst().orElse(null);
    String vm = movingVms.entrySet().stream().filter(e -> e.getValue().equals(f.id())).map(Map.Entry::getKey)
        .findFirst().orElse(null);
    if (vm != null) movingVms.remove(vm);
    lastChangeNanos = System.nanoTime();
    DrsViews.Recommendation r = l != null ? l.view() : null;
    if (l != null) listed.remove(l.key());
    MoveChannel.Outcome o = f.outcome();
    DrsViews.Move move = new DrsViews.Move(f.id(), vm, r == null ? null : r.from(), r == null ? null : r.to(),
        r == null ? null : r.reason(), o.moved(), o.how(), finite(o.downtimeMs()), finite(o.totalMs()), o.message(),
        Instant.now().toString());
    recentMoves.addLast(move);
    while (recentMoves.size() > RECENT_MOVES) recentMoves.removeFirst();
    if (o.moved()) {
      movesDone++;
      log(vm, "VmDrsMoved", String.format(Locale.ROOT, "DRS moved VM %s from %s to %s (%s) by %s: downtime %s, %.0f ms in all",
          vm, move.from(), move.to(), f.id(), o.how(), Double.isNaN(o.downtimeMs()) ? "not measured"
              : String.format(Locale.ROOT, "%.1f ms", o.downtimeMs()), o.totalMs()));
    } else {
      movesFailed++;
      log(vm, "VmDrsMoveFailed", "DRS could not move VM " + vm + " to " + move.to() + " (" + f.id() + "): " + o.message());
    }
    List<ActorRef<DrsViews.Applied>> waiters = applyWaiters.remove(f.id());
    if (waiters != null) {
      waiters.forEach(w -> w.tell(new DrsViews.Applied(o.moved() ? 200 : 409,
          o.moved() ? "moved " + vm + " to " + move.to() : "move failed: " + o.message(), move)));
    }
    if (config.automation().movesOnItsOwn()) {
      startMoves();
    }
    return Behaviors.same();
  }

  private Behavior<Msg> onApply(Apply a) {
    Listed l = listed.values().stream().filter(x -> x.view().id().equals(a.id())).findFirst().orElse(null);
    if (l == null) {
      a.replyTo().tell(new DrsViews.Applied(404, "no recommendation " + a.id()
          + " (recommendations last until the next round; list them again)", null));
      return Behaviors.same();
    }
    DrsViews.Recommendation r = l.view();
    if (r.kind().equals("place")) {
      reconciler.tell(new ReconcilerActor.PlaceOn(r.vm(), r.to(), APPROVAL));
      listed.remove(l.key());
      log(r.vm(), "VmDrsApplied", "DRS recommendation " + r.id() + " applied: power on VM " + r.vm() + " on " + r.to());
      a.replyTo().tell(new DrsViews.Applied(200, "placing " + r.vm() + " on " + r.to(), null));
      return Behaviors.same();
    }
    applyWaiters.computeIfAbsent(r.id(), k -> new ArrayList<>()).add(a.replyTo());
    if (r.state().equals("pending")) {
      if (movingVms.containsKey(r.vm())) {
        applyWaiters.remove(r.id());
        a.replyTo().tell(new DrsViews.Applied(409, "VM " + r.vm() + " is being moved already", null));
      } else {
        startMove(l);
      }
    }
    return Behaviors.same();
  }

  // ---- alarms and the log

  /** A rule DRS cannot keep, or a VM it cannot move off a host in maintenance, raises an alarm on the VM. */
  private void raiseAlarms(List<Fault> now) {
    Set<String> keys = new HashSet<>();
    for (Fault f : now) {
      String alarm = alarmName(f);
      keys.add(f.vm() + "/" + alarm);
      if (!inv.alarms().containsKey(f.vm() + "/" + alarm) && inv.vms().containsKey(f.vm())) {
        inventory.tell(new InventoryCommand.RaiseAlarm(alarm, f.vm(), f.message(), Initiator.drs(),
            ctx.getSystem().ignoreRef()));
      }
    }
    inv.alarms().values().forEach(a -> {
      if (a.name().startsWith(ALARM_PREFIX) && !keys.contains(a.key())) {
        inventory.tell(new InventoryCommand.ClearAlarm(a.name(), a.entity(), Initiator.drs(), ctx.getSystem().ignoreRef()));
      }
    });
  }

  static String alarmName(Fault f) {
    String name = ALARM_PREFIX + f.kind().name().toLowerCase(Locale.ROOT)
        + (f.kind() == Fault.Kind.RULE ? "-" + f.subject() : "");
    return name.length() > 63 ? name.substring(0, 63) : name;
  }

  private void log(String vm, String kind, String message) {
    if (vm != null && inv != null && inv.vms().containsKey(vm)) {
      inventory.tell(new InventoryCommand.RecordVmOperation(vm, kind, message, Initiator.drs(),
          ctx.getSystem().ignoreRef()));
    }
  }

  private DrsViews.Status status() {
    DrsConfig c = config;
    return new DrsViews.Status(c.automation().apiName(), c.threshold(), c.maxMoves(),
        tuning.period().toMillis() / 1000.0, measured.imbalance(), finite(target), measured.connectedHosts(), measured.loads(),
        rounds, lastRound == null ? null : lastRound.toString(), listed.size(), movingVms.size(), movesDone, movesFailed, faults, List.copyOf(recentMoves));
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && (c instanceof java.util.concurrent.CompletionException
        || c instanceof java.util.concurrent.ExecutionException)) {
      c = c.getCause();
    }
    return c.getMessage() == null ? c.toString() : c.getMessage();
  }

  /** JSON has no infinity nor NaN: such figures are null. */
  private static Double finite(double x) {
    return Double.isFinite(x) ? x : null;
  }
}
