package dev.vivarium.vcenter.entity;

import static dev.vivarium.vcenter.inventory.Fixtures.ALICE;
import static dev.vivarium.vcenter.inventory.Fixtures.T0;
import static dev.vivarium.vcenter.inventory.Fixtures.vm;
import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.vivarium.vcenter.inventory.HostGroup;
import dev.vivarium.vcenter.inventory.Initiator;
import dev.vivarium.vcenter.inventory.Inventory;
import dev.vivarium.vcenter.inventory.InventoryEvent;
import dev.vivarium.vcenter.inventory.LogEntry;
import dev.vivarium.vcenter.inventory.PowerState;
import dev.vivarium.vcenter.inventory.Rejection;
import dev.vivarium.vcenter.inventory.Rule;
import dev.vivarium.vcenter.protocol.Answers.EventLogPage;
import dev.vivarium.vcenter.protocol.Answers.VmList;
import dev.vivarium.vcenter.protocol.InventoryCommand;
import dev.vivarium.vcenter.protocol.InventoryCommand.AddRule;
import dev.vivarium.vcenter.protocol.InventoryCommand.DefineHostGroup;
import dev.vivarium.vcenter.protocol.InventoryCommand.ConnectHost;
import dev.vivarium.vcenter.protocol.InventoryCommand.CreateVm;
import dev.vivarium.vcenter.protocol.InventoryCommand.GetEventLog;
import dev.vivarium.vcenter.protocol.InventoryCommand.GetVm;
import dev.vivarium.vcenter.protocol.InventoryCommand.JoinHost;
import dev.vivarium.vcenter.protocol.InventoryCommand.ListVms;
import dev.vivarium.vcenter.protocol.InventoryCommand.RaiseAlarm;
import dev.vivarium.vcenter.protocol.InventoryCommand.RecordVmStarted;
import dev.vivarium.vcenter.protocol.InventoryCommand.RequestPowerState;
import dev.vivarium.vcenter.protocol.Reply;
import dev.vivarium.vcenter.protocol.VmLookup;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResultWithReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The entity's command and event handling on the persistence testkit's in-memory journal, which
 * also serializes every command, event, reply and state through the configured serializer
 * (Jackson), so a message that cannot cross nodes or be stored fails here.
 */
class InventoryEntityTest {

  private static final ActorTestKit KIT = ActorTestKit.create(
      EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));

  private static final InventorySettings SETTINGS = new InventorySettings("inventory-test", 5, 2,
      100, Duration.ofMillis(100), Duration.ofSeconds(1));

  private EventSourcedBehaviorTestKit<InventoryCommand, InventoryEvent, Inventory> entity;

  @BeforeEach
  void fresh() {
    entity = EventSourcedBehaviorTestKit.create(KIT.system(),
        InventoryEntity.create(SETTINGS, Clock.fixed(T0, ZoneOffset.UTC)));
    entity.clear();
  }

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  private CommandResultWithReply<InventoryCommand, InventoryEvent, Inventory, Reply> change(
      java.util.function.Function<org.apache.pekko.actor.typed.ActorRef<Reply>, InventoryCommand> c) {
    return entity.runCommand(c);
  }

  @Test
  void acceptedChangesPersistEventsAndReplyWithTheirLogLines() {
    var created = change(r -> new CreateVm(vm("web", 256), ALICE, r));
    assertThat(created.event()).isInstanceOf(InventoryEvent.VmCreated.class);
    Reply.Accepted accepted = (Reply.Accepted) created.reply();
    assertThat(accepted.logged()).singleElement().satisfies(line -> {
      assertThat(line.kind()).isEqualTo("VmCreated");
      assertThat(line.by()).isEqualTo(ALICE);
      assertThat(line.at()).isEqualTo(T0);
      assertThat(line.message()).isEqualTo("VM web created (256 MiB, image guests/primes.elf)");
    });
    assertThat(created.state().vms()).containsKey("web");
  }

  @Test
  void rejectionsCarryTheirReasonAndPersistNothing() {
    change(r -> new CreateVm(vm("web", 256), ALICE, r));
    var dup = change(r -> new CreateVm(vm("web", 256), ALICE, r));
    assertThat(dup.hasNoEvents()).isTrue();
    assertThat(((Reply.Rejected) dup.reply()).rejection().reason()).isEqualTo(Rejection.Reason.CONFLICT);
    var bad = change(r -> new CreateVm(vm("web two", 256), ALICE, r));
    assertThat(((Reply.Rejected) bad.reply()).rejection().reason()).isEqualTo(Rejection.Reason.BAD_REQUEST);
    var missing = change(r -> new RequestPowerState("nope", PowerState.POWERED_ON, ALICE, r));
    assertThat(((Reply.Rejected) missing.reply()).rejection().reason()).isEqualTo(Rejection.Reason.NOT_FOUND);
    var unchanged = change(r -> new JoinHost("h1", 1000, 1024, Initiator.host("h1"), r));
    var again = change(r -> new JoinHost("h1", 1000, 1024, Initiator.host("h1"), r));
    assertThat(unchanged.events()).hasSize(1);
    assertThat(again.hasNoEvents()).isTrue();
    assertThat(((Reply.Accepted) again.reply()).logged()).isEmpty();
  }

  @Test
  void queriesAnswerFromTheState() {
    change(r -> new CreateVm(vm("b", 64), ALICE, r));
    change(r -> new CreateVm(vm("a", 64), ALICE, r));
    assertThat(entity.<VmList>runCommand(ListVms::new).reply().vms())
        .extracting(v -> v.name()).containsExactly("a", "b");
    assertThat(entity.<VmLookup>runCommand(r -> new GetVm("a", r)).reply())
        .isInstanceOf(VmLookup.Found.class);
    VmLookup none = entity.<VmLookup>runCommand(r -> new GetVm("zz", r)).reply();
    assertThat(((Reply.Rejected) none).rejection().reason()).isEqualTo(Rejection.Reason.NOT_FOUND);
    EventLogPage page = entity.<EventLogPage>runCommand(r -> new GetEventLog(1, 10, r)).reply();
    assertThat(page.entries()).extracting(LogEntry::seq).containsExactly(2L);
    assertThat(page.lastSeq()).isEqualTo(2);
  }

  @Test
  void recoversTheSameStateFromEventsAndSnapshots() {
    change(r -> new JoinHost("h1", 1000, 1024, Initiator.host("h1"), r));
    change(r -> new ConnectHost("h1", Initiator.host("h1"), r));
    for (String n : List.of("a", "b", "c")) change(r -> new CreateVm(vm(n, 64), ALICE, r));
    change(r -> new AddRule(new Rule("apart", Rule.Kind.ANTI_AFFINITY, List.of("a", "b")), ALICE, r));
    change(r -> new DefineHostGroup(new HostGroup("left", List.of("h1")), ALICE, r));
    change(r -> new AddRule(new Rule("c-left", Rule.Kind.MUST_RUN_ON, List.of("c"), "left"), ALICE, r));
    change(r -> new RequestPowerState("a", PowerState.POWERED_ON, ALICE, r));
    change(r -> new RecordVmStarted("a", "h1", 7, Initiator.host("h1"), r));
    var last = change(r -> new RaiseAlarm("memory", "h1", "memory above 90%", Initiator.drs(), r));
    Inventory before = last.state();
    var restarted = entity.restart();
    assertThat(restarted.state()).isEqualTo(before);
    assertThat(restarted.state().vms().get("a").epoch()).isEqualTo(7);
    assertThat(restarted.state().recentLog()).hasSize(11);
    assertThat(restarted.state().hostGroups().get("left").hosts()).containsExactly("h1");
    assertThat(restarted.state().rules().get("c-left").hostGroup()).isEqualTo("left");
  }
}
