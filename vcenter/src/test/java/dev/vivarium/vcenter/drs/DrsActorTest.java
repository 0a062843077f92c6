package dev.vivarium.vcenter.drs;

import static dev.vivarium.vcenter.inventory.Fixtures.ALICE;
import static dev.vivarium.vcenter.inventory.Fixtures.vm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import dev.vivarium.drs.core.CostModel;
import dev.vivarium.vcenter.entity.InventoryEntity;
import dev.vivarium.vcenter.entity.InventorySettings;
import dev.vivarium.vcenter.inventory.DrsConfig;
import dev.vivarium.vcenter.inventory.Initiator;
import dev.vivarium.vcenter.inventory.Inventory;
import dev.vivarium.vcenter.inventory.LogEntry;
import dev.vivarium.vcenter.inventory.PowerState;
import dev.vivarium.vcenter.inventory.Rule;
import dev.vivarium.vcenter.protocol.Answers.InventorySnapshot;
import dev.vivarium.vcenter.protocol.InventoryCommand;
import dev.vivarium.vcenter.protocol.Reply;
import dev.vivarium.vcenter.reconcile.HostReport;
import dev.vivarium.vcenter.reconcile.ReconcilerActor;
import dev.vivarium.vcenter.reconcile.VmLoad;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The DRS actor between a real inventory entity (in-memory journal), a reconciler stand-in that
 * reports what three simulated hosts run and what each VM demands, and a move channel that
 * moves a VM in those reports: what it recommends, moves and logs by automation level.
 */
class DrsActorTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final DrsTuning FAST = new DrsTuning(Duration.ofMillis(300), Duration.ofMillis(50), Duration.ZERO, 2,
      Duration.ofSeconds(10), CostModel.DEFAULTS);

  private final ActorTestKit kit = ActorTestKit.create(
      EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  private ActorRef<InventoryCommand> inventory;
  private final Map<String, String> hostOf = new ConcurrentHashMap<>();
  private final Map<String, Double> demand = new ConcurrentHashMap<>();
  private final List<String> moves = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    inventory = kit.spawn(InventoryEntity.create(InventorySettings.from(ConfigFactory.load())
        .withPersistenceId("drs-" + System.nanoTime()), Clock.systemUTC()));
    for (String h : List.of("host-1", "host-2", "host-3")) {
      change(r -> new InventoryCommand.JoinHost(h, 1000, 1024, Initiator.host(h), r));
      change(r -> new InventoryCommand.ConnectHost(h, Initiator.host(h), r));
    }
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  private Reply change(Function<ActorRef<Reply>, InventoryCommand> command) {
    TestProbe<Reply> probe = kit.createTestProbe();
    inventory.tell(command.apply(probe.getRef()));
    Reply reply = probe.receiveMessage(WAIT);
    assertThat(reply).isInstanceOf(Reply.Accepted.class);
    return reply;
  }

  private Inventory inventory() {
    TestProbe<InventorySnapshot> probe = kit.createTestProbe();
    inventory.tell(new InventoryCommand.GetInventory(probe.getRef()));
    return probe.receiveMessage(WAIT).inventory();
  }

  /** A VM demanding {@code mips}, running on {@code host}. */
  private void running(String name, String host, double mips) {
    change(r -> new InventoryCommand.CreateVm(vm(name, 64), ALICE, r));
    change(r -> new InventoryCommand.RequestPowerState(name, PowerState.POWERED_ON, ALICE, r));
    change(r -> new InventoryCommand.RecordVmStarted(name, host, 1, Initiator.host(host), r));
    hostOf.put(name, host);
    demand.put(name, mips);
  }

  /** The reconciler as DRS sees it: the simulated hosts' reports. */
  private Behavior<ReconcilerActor.Msg> reconciler() {
    return Behaviors.receive(ReconcilerActor.Msg.class)
        .onMessage(ReconcilerActor.GetObservations.class, g -> {
          List<HostReport> reports = List.of("host-1", "host-2", "host-3").stream().map(h -> {
            Map<String, Long> running = new java.util.HashMap<>();
            Map<String, VmLoad> loads = new java.util.HashMap<>();
            hostOf.forEach((vm, at) -> {
              if (at.equals(h)) {
                running.put(vm, 1L);
                loads.put(vm, new VmLoad(demand.get(vm), demand.get(vm), 0, 0));
              }
            });
            return new HostReport(h, running, java.util.Set.of(), loads);
          }).toList();
          g.replyTo().tell(new ReconcilerActor.Observations(reports, Map.of(), Map.of()));
          return Behaviors.same();
        })
        .build();
  }

  /** Moves a VM in the simulated reports at once, as a migration would. */
  private final MoveChannel channel = (vm, from, to, why) -> {
    moves.add(vm + ":" + from + "->" + to);
    hostOf.put(vm, to);
    return CompletableFuture.completedFuture(new MoveChannel.Outcome(true, "test", 3.5, 120, "moved"));
  };

  private ActorRef<DrsActor.Msg> drs() {
    return kit.spawn(DrsActor.create(inventory, kit.spawn(reconciler()), channel, FAST));
  }

  private DrsViews.Status status(ActorRef<DrsActor.Msg> drs) {
    TestProbe<DrsViews.Status> probe = kit.createTestProbe();
    drs.tell(new DrsActor.GetStatus(probe.getRef()));
    return probe.receiveMessage(WAIT);
  }

  private List<DrsViews.Recommendation> recommendations(ActorRef<DrsActor.Msg> drs) {
    TestProbe<DrsViews.Recommendations> probe = kit.createTestProbe();
    drs.tell(new DrsActor.GetRecommendations(probe.getRef()));
    return probe.receiveMessage(WAIT).recommendations();
  }

  private List<String> logKinds() {
    return inventory().recentLog().stream().map(LogEntry::kind).toList();
  }

  @Test
  void fullyAutomatedMovesAHotspotApartUntilTheImbalanceIsWithinTheTarget() {
    for (int i = 1; i <= 6; i++) running("hot-" + i, "host-1", 150);
    ActorRef<DrsActor.Msg> drs = drs();
    await().atMost(WAIT).until(() -> {
      DrsViews.Status s = status(drs);
      return s.rounds() > 0 && s.movesRunning() == 0 && s.imbalance() <= s.target();
    });
    DrsViews.Status s = status(drs);
    assertThat(s.automation()).isEqualTo("fullyAutomated");
    assertThat(s.movesDone()).isEqualTo(moves.size()).isGreaterThanOrEqualTo(3);
    assertThat(s.recentMoves()).allSatisfy(m -> {
      assertThat(m.moved()).isTrue();
      assertThat(m.downtimeMs()).isEqualTo(3.5);
      assertThat(m.reason()).isEqualTo("balance");
    });
    assertThat(hostOf.values()).contains("host-2", "host-3");
    await().atMost(WAIT).until(() -> logKinds().contains("VmDrsMoved"));
    assertThat(logKinds()).contains("VmDrsRecommended", "VmDrsMoveStarted");
  }

  @Test
  void aPendingMoveToAHostThatIsNoLongerConnectedIsDroppedNotStarted() {
    for (int i = 1; i <= 6; i++) running("hot-" + i, "host-1", 150);
    // Moves that hang until released, as to a host that died under them; one round only (a long period).
    List<String> started = new CopyOnWriteArrayList<>();
    List<CompletableFuture<MoveChannel.Outcome>> held = new CopyOnWriteArrayList<>();
    MoveChannel hanging = (vm, from, to, why) -> {
      started.add(vm + "->" + to);
      CompletableFuture<MoveChannel.Outcome> f = new CompletableFuture<>();
      held.add(f);
      return f;
    };
    DrsTuning oneRound = new DrsTuning(Duration.ofSeconds(600), Duration.ofMillis(50), Duration.ZERO, 2,
        Duration.ofSeconds(60), CostModel.DEFAULTS);
    ActorRef<DrsActor.Msg> drs = kit.spawn(DrsActor.create(inventory, kit.spawn(reconciler()), hanging, oneRound));
    TestProbe<DrsViews.Status> round = kit.createTestProbe();
    drs.tell(new DrsActor.RunRound(round.getRef()));
    round.receiveMessage(WAIT);
    await().atMost(WAIT).until(() -> started.size() == 2);
    String lost = recommendations(drs).stream().filter(r -> r.state().equals("pending")).map(DrsViews.Recommendation::to)
        .findFirst().orElseThrow(() -> new AssertionError("no pending move besides the two running: " + recommendations(drs)));

    change(r -> new InventoryCommand.MarkHostLost(lost, Initiator.ha(), r));
    await().atMost(WAIT).until(() -> status(drs).connectedHosts() == 2);
    int before = started.size();
    held.forEach(f -> f.complete(new MoveChannel.Outcome(false, "test", Double.NaN, 1, "the target did not answer")));
    // The two slots free up: the moves still pending go on, except those to the lost host.
    await().atMost(WAIT).until(() -> recommendations(drs).stream().noneMatch(r -> r.to().equals(lost)));
    assertThat(started.subList(before, started.size())).noneMatch(m -> m.endsWith("->" + lost));
  }

  @Test
  void manualAutomationListsMovesAndMovesOnlyWhatIsApplied() {
    change(r -> new InventoryCommand.ConfigureDrs(new DrsConfig(DrsConfig.Automation.MANUAL, 3, 8), ALICE, r));
    for (int i = 1; i <= 4; i++) running("hot-" + i, "host-1", 200);
    ActorRef<DrsActor.Msg> drs = drs();
    await().atMost(WAIT).until(() -> !recommendations(drs).isEmpty());
    List<DrsViews.Recommendation> listed = recommendations(drs);
    assertThat(moves).isEmpty();
    assertThat(listed).allSatisfy(r -> {
      assertThat(r.kind()).isEqualTo("move");
      assertThat(r.from()).isEqualTo("host-1");
      assertThat(r.state()).isEqualTo("pending");
      assertThat(r.why()).contains("balance");
    });
    // The next rounds list the same moves under the same ids.
    await().atMost(WAIT).until(() -> status(drs).rounds() >= 3);
    assertThat(recommendations(drs)).extracting(DrsViews.Recommendation::id)
        .containsAll(listed.stream().map(DrsViews.Recommendation::id).toList());
    TestProbe<DrsViews.Applied> probe = kit.createTestProbe();
    drs.tell(new DrsActor.Apply("drs-999", probe.getRef()));
    assertThat(probe.receiveMessage(WAIT).status()).isEqualTo(404);
    DrsViews.Recommendation first = listed.get(0);
    drs.tell(new DrsActor.Apply(first.id(), probe.getRef()));
    DrsViews.Applied applied = probe.receiveMessage(WAIT);
    assertThat(applied.status()).isEqualTo(200);
    assertThat(applied.move().vm()).isEqualTo(first.vm());
    assertThat(moves).containsExactly(first.vm() + ":host-1->" + first.to());
  }

  @Test
  void aRuleThatCannotBeKeptRaisesAnAlarmInsteadOfMoving() {
    running("a", "host-1", 10);
    running("b", "host-1", 10);
    running("c", "host-1", 10);
    running("d", "host-1", 10);
    // Four VMs kept apart on three hosts: one pair must share a host.
    change(r -> new InventoryCommand.AddRule(new Rule("apart", Rule.Kind.ANTI_AFFINITY, List.of("a", "b", "c", "d")),
        ALICE, r));
    ActorRef<DrsActor.Msg> drs = drs();
    await().atMost(WAIT).until(() -> inventory().alarms().containsKey("d/drs-rule-apart"));
    assertThat(moves).containsExactlyInAnyOrder("b:host-1->host-2", "c:host-1->host-3");
    assertThat(status(drs).faults()).singleElement().asString().contains("anti-affinity rule apart cannot be kept");
    change(r -> new InventoryCommand.RemoveRule("apart", ALICE, r));
    await().atMost(WAIT).until(() -> !inventory().alarms().containsKey("d/drs-rule-apart"));
  }
}
