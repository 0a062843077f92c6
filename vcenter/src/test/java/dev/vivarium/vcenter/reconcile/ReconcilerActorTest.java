package dev.vivarium.vcenter.reconcile;

import static dev.vivarium.vcenter.inventory.Fixtures.ALICE;
import static dev.vivarium.vcenter.inventory.Fixtures.vm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import dev.vivarium.vcenter.entity.InventoryEntity;
import dev.vivarium.vcenter.entity.InventorySettings;
import dev.vivarium.vcenter.host.HostChannel;
import dev.vivarium.vcenter.host.HostDirective;
import dev.vivarium.vcenter.inventory.Initiator;
import dev.vivarium.vcenter.inventory.Inventory;
import dev.vivarium.vcenter.inventory.PowerState;
import dev.vivarium.vcenter.inventory.VmRecord;
import dev.vivarium.vcenter.protocol.Answers.InventorySnapshot;
import dev.vivarium.vcenter.protocol.InventoryCommand;
import dev.vivarium.vcenter.protocol.InventoryCommand.ConnectHost;
import dev.vivarium.vcenter.protocol.InventoryCommand.CreateVm;
import dev.vivarium.vcenter.protocol.InventoryCommand.GetInventory;
import dev.vivarium.vcenter.protocol.InventoryCommand.JoinHost;
import dev.vivarium.vcenter.protocol.InventoryCommand.RecordVmStarted;
import dev.vivarium.vcenter.protocol.InventoryCommand.RecordVmStopped;
import dev.vivarium.vcenter.protocol.InventoryCommand.ReconfigureVm;
import dev.vivarium.vcenter.protocol.InventoryCommand.RequestPowerState;
import dev.vivarium.vcenter.protocol.Reply;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The reconciler between a real inventory entity (in-memory journal) and two simulated hosts
 * behind the {@link HostChannel} seam. The simulated hosts do what a host agent does at the
 * seam: start what they are told under the next epoch, stop what they are told, report both to
 * the inventory and report what runs to the reconciler.
 */
class ReconcilerActorTest {

  private static final Duration WAIT = Duration.ofSeconds(15);

  private final ActorTestKit kit = ActorTestKit.create(
      EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  /** Two hosts that follow directives, as a host agent would. */
  private static final class SimulatedHosts implements HostChannel {
    final Map<String, Map<String, Long>> running = new ConcurrentHashMap<>();
    /** Every power-on directive received, in order. */
    final List<HostDirective.PowerOn> powerOns = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The VMs each host's VMs say are paused. */
    final Map<String, java.util.Set<String>> paused = new ConcurrentHashMap<>();
    /** Every pause or unpause directive received, in order. */
    final List<HostDirective.SetPaused> pauses = new java.util.concurrent.CopyOnWriteArrayList<>();
    final ActorRef<InventoryCommand> inventory;
    final ActorRef<Reply> ignore;
    final AtomicReference<ActorRef<ReconcilerActor.Msg>> reconciler = new AtomicReference<>();

    SimulatedHosts(ActorRef<InventoryCommand> inventory, ActorRef<Reply> ignore, String... hosts) {
      this.inventory = inventory;
      this.ignore = ignore;
      for (String h : hosts) {
        running.put(h, new ConcurrentHashMap<>());
        paused.put(h, ConcurrentHashMap.newKeySet());
      }
    }

    /** Hosts that refuse every power-on, with the reason they give (a missing image, say). */
    final Map<String, String> refusing = new ConcurrentHashMap<>();

    @Override
    public void send(HostDirective d) {
      Map<String, Long> here = running.get(d.host());
      if (d instanceof HostDirective.PowerOn on) {
        powerOns.add(on);
        if (refusing.containsKey(on.host())) {
          reconciler.get().tell(new ReconcilerActor.Refused(on.vm(), on.host(), refusing.get(on.host())));
          return;
        }
        long epoch = on.lastEpoch() + 1;
        here.put(on.vm(), epoch);
        inventory.tell(new RecordVmStarted(on.vm(), on.host(), epoch, Initiator.host(on.host()), ignore));
      } else if (d instanceof HostDirective.SetPaused p) {
        pauses.add(p);
        if (p.paused()) {
          paused.get(p.host()).add(p.vm());
        } else {
          paused.get(p.host()).remove(p.vm());
        }
      } else if (d instanceof HostDirective.Stop st) {
        here.remove(st.vm());
        inventory.tell(new RecordVmStopped(st.vm(), st.host(), st.epoch(), Initiator.host(st.host()), ignore));
      }
      report(d.host());
    }

    void report(String host) {
      reconciler.get().tell(new ReconcilerActor.Report(new HostReport(host, new HashMap<>(running.get(host)),
          paused.get(host))));
    }
  }

  private void change(ActorRef<InventoryCommand> inv, Function<ActorRef<Reply>, InventoryCommand> c) {
    TestProbe<Reply> probe = kit.createTestProbe(Reply.class);
    inv.tell(c.apply(probe.getRef()));
    probe.expectMessageClass(Reply.Accepted.class, WAIT);
  }

  private Inventory read(ActorRef<InventoryCommand> inv) {
    TestProbe<InventorySnapshot> probe = kit.createTestProbe(InventorySnapshot.class);
    inv.tell(new GetInventory(probe.getRef()));
    return probe.expectMessageClass(InventorySnapshot.class, WAIT).inventory();
  }

  @Test
  void placesStopsAndRecordsAndClearsAPowerOnFailure() {
    InventorySettings settings = InventorySettings.from(ConfigFactory.load());
    ActorRef<InventoryCommand> inv = kit.spawn(InventoryEntity.create(settings, Clock.systemUTC()));
    SimulatedHosts hosts = new SimulatedHosts(inv, kit.system().ignoreRef(), "h1", "h2");
    for (String h : List.of("h1", "h2")) {
      change(inv, r -> new JoinHost(h, 1000, 1024, Initiator.host(h), r));
      change(inv, r -> new ConnectHost(h, Initiator.host(h), r));
    }
    hosts.reconciler.set(kit.spawn(ReconcilerActor.create(inv, hosts, Duration.ofMillis(100),
        Duration.ofSeconds(2))));
    hosts.report("h1");
    hosts.report("h2");
    for (String n : List.of("a", "b", "c")) {
      change(inv, r -> new CreateVm(vm(n, 256), ALICE, r));
      change(inv, r -> new RequestPowerState(n, PowerState.POWERED_ON, ALICE, r));
    }
    // 900 MiB fits an empty host (1024) but neither host once a, b and c run (512 and 256 used).
    change(inv, r -> new CreateVm(vm("big", 900), ALICE, r));
    change(inv, r -> new RequestPowerState("big", PowerState.POWERED_ON, ALICE, r));

    await().atMost(WAIT).until(() -> {
      Inventory s = read(inv);
      return List.of("a", "b", "c").stream().allMatch(n -> s.vms().get(n).running())
          && s.alarms().containsKey("big/" + ReconcilerActor.ALARM);
    });
    Inventory placed = read(inv);
    assertThat(placed.vms().values().stream().filter(VmRecord::running).map(VmRecord::host).distinct())
        .as("spread over both hosts").containsExactlyInAnyOrder("h1", "h2");
    assertThat(placed.vms().get("a").epoch()).isEqualTo(1);
    assertThat(hosts.running.get("h1").size() + hosts.running.get("h2").size()).isEqualTo(3);

    change(inv, r -> new RequestPowerState("a", PowerState.POWERED_OFF, ALICE, r));
    await().atMost(WAIT).until(() -> !read(inv).vms().get("a").running());
    assertThat(hosts.running.values()).noneMatch(m -> m.containsKey("a"));

    change(inv, r -> new RequestPowerState("big", PowerState.POWERED_OFF, ALICE, r));
    change(inv, r -> new ReconfigureVm(vm("big", 512), ALICE, r));
    change(inv, r -> new RequestPowerState("big", PowerState.POWERED_ON, ALICE, r));
    await().atMost(WAIT).until(() -> read(inv).vms().get("big").running());
    Inventory done = read(inv);
    assertThat(done.alarms()).isEmpty();
    assertThat(done.recentLog()).extracting(l -> l.kind())
        .contains("VmPowerOnFailed", "VmPoweredOn", "VmPoweredOff");
    assertThat(placed.alarms().get("big/" + ReconcilerActor.ALARM).message())
        .as("the reason names what is missing").contains("cannot place it", "900 MiB", "the most free");
  }

  @Test
  void aVmOneHostRefusesStartsOnAnotherAndOneEveryHostRefusesFailsWithEachReason() {
    InventorySettings settings = InventorySettings.from(ConfigFactory.load());
    ActorRef<InventoryCommand> inv = kit.spawn(InventoryEntity.create(settings, Clock.systemUTC()));
    SimulatedHosts hosts = new SimulatedHosts(inv, kit.system().ignoreRef(), "h1", "h2", "h3");
    for (String h : List.of("h1", "h2", "h3")) {
      joinAndConnect(inv, h);
    }
    // A long period: the refusals are acted on at once, not at the next period.
    hosts.reconciler.set(kit.spawn(ReconcilerActor.create(inv, hosts, Duration.ofSeconds(60), Duration.ofSeconds(30))));
    List.of("h1", "h2", "h3").forEach(hosts::report);
    hosts.refusing.put("h1", "image 'counter' not found");
    hosts.refusing.put("h2", "datastore full");

    change(inv, r -> new CreateVm(vm("a", 128), ALICE, r));
    change(inv, r -> new RequestPowerState("a", PowerState.POWERED_ON, ALICE, r));
    hosts.reconciler.get().tell(new ReconcilerActor.ReconcileNow("a", "power-on a"));
    await().atMost(WAIT).until(() -> read(inv).vms().get("a").running());
    assertThat(read(inv).vms().get("a").host()).isEqualTo("h3");
    assertThat(read(inv).alarms()).isEmpty();
    assertThat(hosts.powerOns).extracting(HostDirective.PowerOn::host).as("each host tried once").doesNotHaveDuplicates();

    hosts.refusing.put("h3", "corrupt checkpoint");
    change(inv, r -> new CreateVm(vm("b", 128), ALICE, r));
    change(inv, r -> new RequestPowerState("b", PowerState.POWERED_ON, ALICE, r));
    hosts.reconciler.get().tell(new ReconcilerActor.ReconcileNow("b", "power-on b"));
    await().atMost(WAIT).until(() -> read(inv).alarms().containsKey("b/" + ReconcilerActor.ALARM));
    assertThat(read(inv).alarms().get("b/" + ReconcilerActor.ALARM).message()).contains("every host that could take it refused it",
        "h1 refused it: image 'counter' not found", "h2 refused it: datastore full", "h3 refused it: corrupt checkpoint");
    assertThat(hosts.powerOns.stream().filter(on -> on.vm().equals("b")).map(HostDirective.PowerOn::host))
        .containsExactlyInAnyOrder("h1", "h2", "h3");

    // Asked again (h3's problem fixed meanwhile): tried at once, not after the back-off (30 s here, longer than WAIT).
    hosts.refusing.remove("h3");
    change(inv, r -> new RequestPowerState("b", PowerState.POWERED_OFF, ALICE, r));
    change(inv, r -> new RequestPowerState("b", PowerState.POWERED_ON, ALICE, r));
    hosts.reconciler.get().tell(new ReconcilerActor.ReconcileNow("b", "power-on b again"));
    await().atMost(WAIT).until(() -> read(inv).vms().get("b").running());
    assertThat(read(inv).vms().get("b").host()).isEqualTo("h3");
  }

  private void joinAndConnect(ActorRef<InventoryCommand> inv, String h) {
    change(inv, r -> new JoinHost(h, 1000, 1024, Initiator.host(h), r));
    change(inv, r -> new ConnectHost(h, Initiator.host(h), r));
  }

  @Test
  void hostsComingUpTogetherShareTheVmsWhenPlacementSettlesFirst() {
    InventorySettings settings = InventorySettings.from(ConfigFactory.load());
    ActorRef<InventoryCommand> inv = kit.spawn(InventoryEntity.create(settings, Clock.systemUTC()));
    SimulatedHosts hosts = new SimulatedHosts(inv, kit.system().ignoreRef(), "h1", "h2");
    joinAndConnect(inv, "h1");
    for (String n : List.of("a", "b", "c", "d")) {
      change(inv, r -> new CreateVm(vm(n, 128), ALICE, r));
      change(inv, r -> new RequestPowerState(n, PowerState.POWERED_ON, ALICE, r));
    }
    hosts.reconciler.set(kit.spawn(ReconcilerActor.create(inv, hosts, Duration.ofMillis(100),
        Duration.ofSeconds(2), Duration.ofSeconds(3))));
    hosts.report("h1");
    // Ten periods with a host up and four VMs to place: a reconciler that does not settle places them all on h1.
    await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> hosts.powerOns.isEmpty());
    joinAndConnect(inv, "h2");
    hosts.report("h2");

    await().atMost(WAIT).until(() -> hosts.powerOns.size() == 4);
    assertThat(hosts.running.get("h1")).hasSize(2);
    assertThat(hosts.running.get("h2")).hasSize(2);
  }

  @Test
  void aVmThatShouldBePausedIsPlacedPaused() {
    InventorySettings settings = InventorySettings.from(ConfigFactory.load());
    ActorRef<InventoryCommand> inv = kit.spawn(InventoryEntity.create(settings, Clock.systemUTC()));
    SimulatedHosts hosts = new SimulatedHosts(inv, kit.system().ignoreRef(), "h1");
    joinAndConnect(inv, "h1");
    hosts.reconciler.set(kit.spawn(ReconcilerActor.create(inv, hosts, Duration.ofMillis(100),
        Duration.ofSeconds(2))));
    hosts.report("h1");
    change(inv, r -> new CreateVm(vm("p", 128), ALICE, r));
    change(inv, r -> new RequestPowerState("p", PowerState.POWERED_ON, ALICE, r));
    await().atMost(WAIT).until(() -> read(inv).vms().get("p").running());
    assertThat(hosts.powerOns).extracting(HostDirective.PowerOn::paused).containsExactly(false);

    change(inv, r -> new RequestPowerState("p", PowerState.PAUSED, ALICE, r));
    // Its host stops it (a clean stop suspends it and hands it back): it is placed again, paused.
    long epoch = hosts.running.get("h1").remove("p");
    change(inv, r -> new RecordVmStopped("p", "h1", epoch, Initiator.host("h1"), r));
    hosts.report("h1");
    await().atMost(WAIT).until(() -> hosts.powerOns.size() == 2);
    assertThat(hosts.powerOns.get(1).paused()).isTrue();
    assertThat(hosts.powerOns.get(1).lastEpoch()).isEqualTo(epoch);
  }

  @Test
  void aRunningVmIsPausedAndUnpausedAsTheInventoryWants() {
    InventorySettings settings = InventorySettings.from(ConfigFactory.load());
    ActorRef<InventoryCommand> inv = kit.spawn(InventoryEntity.create(settings, Clock.systemUTC()));
    SimulatedHosts hosts = new SimulatedHosts(inv, kit.system().ignoreRef(), "h1");
    joinAndConnect(inv, "h1");
    hosts.reconciler.set(kit.spawn(ReconcilerActor.create(inv, hosts, Duration.ofMillis(100),
        Duration.ofSeconds(2))));
    hosts.report("h1");
    change(inv, r -> new CreateVm(vm("p", 128), ALICE, r));
    change(inv, r -> new RequestPowerState("p", PowerState.POWERED_ON, ALICE, r));
    await().atMost(WAIT).until(() -> read(inv).vms().get("p").running());
    long epoch = hosts.running.get("h1").get("p");

    change(inv, r -> new RequestPowerState("p", PowerState.PAUSED, ALICE, r));
    await().atMost(WAIT).until(() -> hosts.paused.get("h1").contains("p"));
    assertThat(hosts.pauses).first().isEqualTo(new HostDirective.SetPaused("h1", "p", epoch, true));

    // Its host resumes it unpaused (a restarted host process recovers its VMs without asking): paused again.
    hosts.paused.get("h1").remove("p");
    int before = hosts.pauses.size();
    hosts.report("h1");
    await().atMost(WAIT).until(() -> hosts.paused.get("h1").contains("p"));
    assertThat(hosts.pauses.subList(before, hosts.pauses.size())).isNotEmpty()
        .allMatch(p -> p.paused() && p.vm().equals("p"));

    change(inv, r -> new RequestPowerState("p", PowerState.POWERED_ON, ALICE, r));
    await().atMost(WAIT).until(() -> !hosts.paused.get("h1").contains("p"));
    assertThat(hosts.pauses.get(hosts.pauses.size() - 1).paused()).isFalse();
    assertThat(hosts.running.get("h1")).containsEntry("p", epoch);
  }

  @Test
  void aReportCrossesNodesWithItsPausedVms() {
    ReconcilerActor.Report report = new ReconcilerActor.Report(
        new HostReport("h1", Map.of("p", 3L, "q", 1L), java.util.Set.of("p")));
    Object back = new org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit(kit.system())
        .verifySerialization(report, true);
    assertThat(((ReconcilerActor.Report) back).report().paused()).containsExactly("p");
  }
}
