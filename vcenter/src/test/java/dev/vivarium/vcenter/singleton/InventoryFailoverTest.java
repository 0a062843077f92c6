package dev.vivarium.vcenter.singleton;

import static dev.vivarium.vcenter.inventory.Fixtures.ALICE;
import static dev.vivarium.vcenter.inventory.Fixtures.vm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.vivarium.vcenter.inventory.Initiator;
import dev.vivarium.vcenter.inventory.VmRecord;
import dev.vivarium.vcenter.persistence.H2ServerMain.H2TcpServer;
import dev.vivarium.vcenter.protocol.Answers.VmList;
import dev.vivarium.vcenter.protocol.InventoryCommand;
import dev.vivarium.vcenter.protocol.InventoryCommand.ConnectHost;
import dev.vivarium.vcenter.protocol.InventoryCommand.CreateVm;
import dev.vivarium.vcenter.protocol.InventoryCommand.JoinHost;
import dev.vivarium.vcenter.protocol.InventoryCommand.ListVms;
import dev.vivarium.vcenter.protocol.InventoryCommand.RecordVmStarted;
import dev.vivarium.vcenter.protocol.InventoryCommand.RequestPowerState;
import dev.vivarium.vcenter.inventory.PowerState;
import dev.vivarium.vcenter.protocol.Reply;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three cluster nodes in one JVM share an H2 server. The node running the inventory singleton
 * dies without leaving (as a crashed process would), is downed, and the inventory resumes on the
 * next oldest node from the journal: what was stored before is there, and new changes are stored.
 * Every command and reply crosses nodes, so the wire format (Jackson) is exercised too.
 */
class InventoryFailoverTest {

  private static final Duration ASK = Duration.ofSeconds(3);

  @TempDir Path dir;
  private final List<ActorTestKit> nodes = new ArrayList<>();
  private H2TcpServer h2;

  @AfterEach
  void stopAll() {
    for (ActorTestKit n : nodes) {
      if (!n.system().getWhenTerminated().toCompletableFuture().isDone()) n.shutdownTestKit();
    }
    if (h2 != null) h2.close();
  }

  private ActorTestKit node(String dbUrl, boolean leavesOnTerminate) {
    Config config = ConfigFactory.parseMap(Map.of(
            "pekko-persistence-jdbc.shared-databases.slick.db.url", dbUrl,
            "pekko.coordinated-shutdown.run-by-actor-system-terminate", leavesOnTerminate))
        .withFallback(ConfigFactory.parseString("""
            pekko.actor.provider = cluster
            pekko.remote.artery.canonical.hostname = "127.0.0.1"
            pekko.remote.artery.canonical.port = 0
            pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
            pekko.cluster.downing-provider-class = ""
            pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
            """))
        .withFallback(ConfigFactory.load());
    ActorTestKit kit = ActorTestKit.create("vivarium", config);
    nodes.add(kit);
    return kit;
  }

  @Test
  void theInventoryResumesOnASurvivorWhenItsNodeDies() throws Exception {
    h2 = H2TcpServer.start(dir);
    String url = h2.url("inventory");
    ActorTestKit a = node(url, false);
    ActorTestKit b = node(url, true);
    ActorTestKit c = node(url, true);
    Cluster.get(a.system()).manager().tell(Join.create(Cluster.get(a.system()).selfMember().address()));
    await().atMost(Duration.ofSeconds(15)).until(() ->
        Cluster.get(a.system()).selfMember().status() == MemberStatus.up());
    // One at a time, so B is Up before C and is certainly the next oldest (nodes that become Up
    // in the same round would be ordered by address, which port 0 makes random).
    Cluster.get(b.system()).manager().tell(Join.create(Cluster.get(a.system()).selfMember().address()));
    await().atMost(Duration.ofSeconds(20)).until(() -> upMembers(a.system()) == 2);
    Cluster.get(c.system()).manager().tell(Join.create(Cluster.get(a.system()).selfMember().address()));
    await().atMost(Duration.ofSeconds(20)).until(() -> upMembers(a.system()) == 3);

    InventorySingleton.start(a.system());
    InventorySingleton.init(b.system());
    ActorRef<InventoryCommand> fromC = InventorySingleton.init(c.system());

    change(c, fromC, r -> new JoinHost("host-2", 1000, 2048, Initiator.host("host-2"), r));
    change(c, fromC, r -> new ConnectHost("host-2", Initiator.host("host-2"), r));
    change(c, fromC, r -> new CreateVm(vm("web", 128), ALICE, r));
    change(c, fromC, r -> new RequestPowerState("web", PowerState.POWERED_ON, ALICE, r));
    change(c, fromC, r -> new RecordVmStarted("web", "host-2", 1, Initiator.host("host-2"), r));
    assertThat(singletonRunsOn(a)).as("the oldest node runs the inventory").isTrue();

    // node A dies without leaving; the survivors down it
    a.shutdownTestKit();
    Cluster.get(b.system()).manager().tell(Down.apply(Cluster.get(a.system()).selfMember().address()));

    List<VmRecord> vms = await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(() -> ask(c, fromC, ListVms::new).vms(), list -> !list.isEmpty());
    assertThat(vms).singleElement().satisfies(v -> {
      assertThat(v.name()).isEqualTo("web");
      assertThat(v.desired()).isEqualTo(PowerState.POWERED_ON);
      assertThat(v.host()).isEqualTo("host-2");
      assertThat(v.epoch()).isEqualTo(1);
    });
    assertThat(singletonRunsOn(b)).as("the next oldest node runs it now").isTrue();
    // writing continues after the events recovered from the journal
    change(c, fromC, r -> new CreateVm(vm("db", 64), ALICE, r));
    assertThat(ask(b, InventorySingleton.init(b.system()), ListVms::new).vms())
        .extracting(VmRecord::name).containsExactly("db", "web");
  }

  private static long upMembers(ActorSystem<?> system) {
    var members = Cluster.get(system).state().getMembers();
    long up = 0;
    for (var m : members) if (m.status() == MemberStatus.up()) up++;
    return up;
  }

  private static boolean singletonRunsOn(ActorTestKit node) {
    try {
      node.system().classicSystem()
          .actorSelection("/system/singletonManagervcenter-inventory/vcenter-inventory")
          .resolveOne(ASK).toCompletableFuture().get();
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  private static void change(ActorTestKit via, ActorRef<InventoryCommand> inv,
      Function<ActorRef<Reply>, InventoryCommand> command) throws Exception {
    Reply reply = AskPattern.ask(inv, command::apply, Duration.ofSeconds(15), via.system().scheduler())
        .toCompletableFuture().get();
    assertThat(reply).isInstanceOf(Reply.Accepted.class);
  }

  private static VmList ask(ActorTestKit via, ActorRef<InventoryCommand> inv,
      Function<ActorRef<VmList>, InventoryCommand> query) throws Exception {
    return AskPattern.ask(inv, query::apply, ASK, via.system().scheduler()).toCompletableFuture().get();
  }
}
