package dev.vivarium.vcenter.inventory;

import static dev.vivarium.vcenter.inventory.Fixtures.ALICE;
import static dev.vivarium.vcenter.inventory.Fixtures.T0;
import static dev.vivarium.vcenter.inventory.Fixtures.accept;
import static dev.vivarium.vcenter.inventory.Fixtures.rejected;
import static dev.vivarium.vcenter.inventory.Fixtures.vm;
import static dev.vivarium.vcenter.inventory.Fixtures.withHosts;
import static dev.vivarium.vcenter.inventory.Fixtures.withVm;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vivarium.vcenter.inventory.Rejection.Reason;
import dev.vivarium.vcenter.protocol.InventoryCommand;
import java.util.List;
import org.junit.jupiter.api.Test;

class DecisionsTest {

  @Test
  void createValidatesNameAndSizes() {
    Inventory s = Inventory.empty();
    assertThat(rejected(VmDecisions.create(s, vm("bad name", 64), T0, ALICE))).isEqualTo(Reason.BAD_REQUEST);
    assertThat(rejected(VmDecisions.create(s, vm("-x", 64), T0, ALICE))).isEqualTo(Reason.BAD_REQUEST);
    assertThat(rejected(VmDecisions.create(s, vm("a".repeat(64), 64), T0, ALICE))).isEqualTo(Reason.BAD_REQUEST);
    assertThat(rejected(VmDecisions.create(s, vm("web", 0), T0, ALICE))).isEqualTo(Reason.BAD_REQUEST);
    assertThat(rejected(VmDecisions.create(s, vm("web", 4097), T0, ALICE))).isEqualTo(Reason.BAD_REQUEST);
    assertThat(rejected(VmDecisions.create(s, VmConfig.of("web", 64, " ", List.of()), T0, ALICE)))
        .isEqualTo(Reason.BAD_REQUEST);
    assertThat(rejected(VmDecisions.create(s, vm("web", 64).withShares(0), T0, ALICE)))
        .isEqualTo(Reason.BAD_REQUEST);
    VmConfig limitBelowReservation = new VmConfig("web", 64, "img", List.of(), 1000, 500, 100,
        RestartPriority.HIGH);
    Decision d = VmDecisions.create(s, limitBelowReservation, T0, ALICE);
    assertThat(((Decision.Reject) d).rejection().message()).contains("limitMips 100 is below reservationMips 500");

    Inventory created = accept(s, VmDecisions.create(s, vm("web-1.lab_a", 4096), T0, ALICE));
    assertThat(created.vms().get("web-1.lab_a").desired()).isEqualTo(PowerState.POWERED_OFF);
    assertThat(rejected(VmDecisions.create(created, vm("web-1.lab_a", 64), T0, ALICE)))
        .isEqualTo(Reason.CONFLICT);
  }

  @Test
  void aLabFaultIsALineOfTheSharedLogAndChangesNothingElse() {
    Inventory s = withHosts(2);
    Inventory logged = accept(s, new InventoryCommand.RecordFault("host-2", "FaultInjected",
        "kill host-2 (f1): SIGKILL", ALICE, null).decide(s, T0));
    LogEntry line = logged.recentLog().get(logged.recentLog().size() - 1);
    assertThat(line.kind()).isEqualTo("FaultInjected");
    assertThat(line.entity()).isEqualTo("host-2");
    assertThat(line.message()).isEqualTo("kill host-2 (f1): SIGKILL");
    assertThat(logged.hosts()).isEqualTo(s.hosts());
    assertThat(logged.vms()).isEqualTo(s.vms());
    assertThat(rejected(new InventoryCommand.RecordFault("host-2", "VmPoweredOn", "x", ALICE, null).decide(s, T0)))
        .isEqualTo(Reason.BAD_REQUEST);
  }

  @Test
  void memoryNoHostCanGiveIsRefusedWithTheLargestHost() {
    Inventory s = withHosts(2);
    Decision d = VmDecisions.create(s, vm("huge", 4096), T0, ALICE);
    assertThat(((Decision.Reject) d).rejection().message())
        .isEqualTo("memoryMiB 4096 is more than any host can give: the largest, host-1, has 1024 MiB for VMs in all");
    Inventory created = accept(s, VmDecisions.create(s, vm("fits", 1024), T0, ALICE));
    assertThat(rejected(VmDecisions.reconfigure(created, vm("fits", 2048), T0, ALICE))).isEqualTo(Reason.BAD_REQUEST);
  }

  @Test
  void aPowerOnFailureStandsOncePerReasonUntilTheVmRunsOrIsAskedAgain() {
    Inventory s = withVm(withHosts(1), vm("web", 64), PowerState.POWERED_ON);
    Inventory failed = accept(s, VmDecisions.powerOnFailed(s, "web", "no room", T0, Initiator.drs()));
    assertThat(failed.alarms().get("web/" + InventoryEvent.POWER_ON_ALARM).message()).isEqualTo("no room");
    assertThat(VmDecisions.powerOnFailed(failed, "web", "no room", T0, Initiator.drs()))
        .as("the same reason again").isEqualTo(Decision.unchanged());
    assertThat(rejected(VmDecisions.powerOnFailed(failed, "nope", "no room", T0, Initiator.drs())))
        .isEqualTo(Reason.NOT_FOUND);
    assertThat(rejected(VmDecisions.delete(failed, "web", T0, ALICE))).isEqualTo(Reason.CONFLICT);
    assertThat(((Decision.Reject) VmDecisions.delete(failed, "web", T0, ALICE)).rejection().message())
        .isEqualTo("VM web's desired power state is poweredOn (it is not running now); power it off before deleting it");
    Inventory off = accept(failed, VmDecisions.requestPower(failed, "web", PowerState.POWERED_OFF, T0, ALICE));
    assertThat(off.alarms()).as("a new request is a new chance").isEmpty();
    assertThat(VmDecisions.powerOnFailed(off, "web", "no room", T0, Initiator.drs()))
        .as("a VM not meant to run has nothing to fail").isEqualTo(Decision.unchanged());
  }

  @Test
  void powerTransitionsFollowVirtualCenter() {
    Inventory s = withVm(Inventory.empty(), vm("web", 64), PowerState.POWERED_OFF);
    assertThat(rejected(VmDecisions.requestPower(s, "nope", PowerState.POWERED_ON, T0, ALICE))).isEqualTo(Reason.NOT_FOUND);
    assertThat(rejected(VmDecisions.requestPower(s, "web", PowerState.POWERED_OFF, T0, ALICE))).isEqualTo(Reason.CONFLICT);
    assertThat(rejected(VmDecisions.requestPower(s, "web", PowerState.SUSPENDED, T0, ALICE))).isEqualTo(Reason.CONFLICT);
    assertThat(rejected(VmDecisions.requestPower(s, "web", PowerState.PAUSED, T0, ALICE))).isEqualTo(Reason.CONFLICT);
    s = accept(s, VmDecisions.requestPower(s, "web", PowerState.POWERED_ON, T0, ALICE));
    s = accept(s, VmDecisions.requestPower(s, "web", PowerState.PAUSED, T0, ALICE));
    assertThat(rejected(VmDecisions.requestPower(s, "web", PowerState.SUSPENDED, T0, ALICE))).isEqualTo(Reason.CONFLICT);
    s = accept(s, VmDecisions.requestPower(s, "web", PowerState.POWERED_ON, T0, ALICE));
    s = accept(s, VmDecisions.requestPower(s, "web", PowerState.SUSPENDED, T0, ALICE));
    assertThat(rejected(VmDecisions.requestPower(s, "web", PowerState.PAUSED, T0, ALICE))).isEqualTo(Reason.CONFLICT);
    s = accept(s, VmDecisions.requestPower(s, "web", PowerState.POWERED_OFF, T0, ALICE));
    assertThat(s.vms().get("web").desired()).isEqualTo(PowerState.POWERED_OFF);
  }

  @Test
  void startsNeedANewerEpochAndStopsTheCurrentOwner() {
    Inventory s = withVm(withHosts(2), vm("web", 64), PowerState.POWERED_ON);
    assertThat(rejected(VmDecisions.started(s, "web", "host-9", 1, T0, Initiator.host("host-9")))).isEqualTo(Reason.NOT_FOUND);
    assertThat(rejected(VmDecisions.started(s, "web", "host-1", 0, T0, Initiator.host("host-1")))).isEqualTo(Reason.CONFLICT);
    s = accept(s, VmDecisions.started(s, "web", "host-1", 3, T0, Initiator.host("host-1")));
    assertThat(s.vms().get("web")).extracting(VmRecord::host, VmRecord::epoch).containsExactly("host-1", 3L);
    // the same report again changes nothing; an older lease is refused
    assertThat(((Decision.Accept) VmDecisions.started(s, "web", "host-1", 3, T0, ALICE)).events()).isEmpty();
    assertThat(rejected(VmDecisions.started(s, "web", "host-2", 2, T0, Initiator.host("host-2")))).isEqualTo(Reason.CONFLICT);
    // only the owner at its epoch reports the stop
    assertThat(rejected(VmDecisions.stopped(s, "web", "host-2", 3, T0, Initiator.host("host-2")))).isEqualTo(Reason.CONFLICT);
    assertThat(rejected(VmDecisions.stopped(s, "web", "host-1", 2, T0, Initiator.host("host-1")))).isEqualTo(Reason.CONFLICT);
    // a VM that runs cannot be deleted, nor its memory changed
    assertThat(rejected(VmDecisions.delete(s, "web", T0, ALICE))).isEqualTo(Reason.CONFLICT);
    assertThat(rejected(VmDecisions.reconfigure(s, vm("web", 128), T0, ALICE))).isEqualTo(Reason.CONFLICT);
    s = accept(s, VmDecisions.reconfigure(s, vm("web", 64).withShares(2000), T0, ALICE));
    assertThat(s.vms().get("web").config().cpuShares()).isEqualTo(2000);

    s = accept(s, VmDecisions.migrated(s, "web", "host-1", "host-2", 4, T0, Initiator.drs()));
    assertThat(s.vms().get("web")).extracting(VmRecord::host, VmRecord::epoch).containsExactly("host-2", 4L);
    s = accept(s, VmDecisions.requestPower(s, "web", PowerState.POWERED_OFF, T0, ALICE));
    s = accept(s, VmDecisions.stopped(s, "web", "host-2", 4, T0, Initiator.host("host-2")));
    assertThat(s.vms().get("web").running()).isFalse();
    assertThat(s.vms().get("web").epoch()).isEqualTo(4);
    LogEntry stop = s.recentLog().get(s.recentLog().size() - 1);
    assertThat(stop.kind()).isEqualTo("VmPoweredOff");
    assertThat(stop.message()).isEqualTo("VM web powered off on host-2 (epoch 4)");
    s = accept(s, VmDecisions.delete(s, "web", T0, ALICE));
    assertThat(s.vms()).isEmpty();
  }

  @Test
  void aStopOfASuspendedVmIsLoggedAsASuspend() {
    Inventory s = withVm(withHosts(1), vm("web", 64), PowerState.POWERED_ON);
    s = accept(s, VmDecisions.started(s, "web", "host-1", 1, T0, Initiator.host("host-1")));
    s = accept(s, VmDecisions.requestPower(s, "web", PowerState.SUSPENDED, T0, ALICE));
    s = accept(s, VmDecisions.stopped(s, "web", "host-1", 1, T0, Initiator.host("host-1")));
    assertThat(s.recentLog().get(s.recentLog().size() - 1).kind()).isEqualTo("VmSuspended");
    assertThat(s.vms().get("web").desired()).isEqualTo(PowerState.SUSPENDED);
  }

  @Test
  void anHaStartIsLoggedAsARestartWithWhoAndWhen() {
    Inventory s = withVm(withHosts(2), vm("db", 64), PowerState.POWERED_ON);
    s = accept(s, VmDecisions.started(s, "db", "host-1", 1, T0, Initiator.host("host-1")));
    s = accept(s, HostDecisions.lost(s, "host-1", T0.plusSeconds(5), Initiator.host("host-2")));
    s = accept(s, VmDecisions.started(s, "db", "host-2", 2, T0.plusSeconds(9), Initiator.ha()));
    LogEntry last = s.recentLog().get(s.recentLog().size() - 1);
    assertThat(last.kind()).isEqualTo("VmRestartedByHa");
    assertThat(last.by()).isEqualTo(Initiator.ha());
    assertThat(last.at()).isEqualTo(T0.plusSeconds(9));
    assertThat(last.message()).isEqualTo("VM db restarted by HA on host-2 (epoch 2)");
    assertThat(s.recentLog()).extracting(LogEntry::kind).contains("HostLost", "VmPoweredOn");
    assertThat(s.recentLog()).extracting(LogEntry::seq)
        .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
  }

  @Test
  void aCleanlyStoppedHostIsDisconnectedNotLostAndJoinsAgain() {
    Inventory s = withVm(withHosts(2), vm("web", 64), PowerState.POWERED_ON);
    s = accept(s, VmDecisions.started(s, "web", "host-1", 1, T0, Initiator.host("host-1")));
    assertThat(rejected(HostDecisions.disconnect(s, "host-9", T0, ALICE))).isEqualTo(Reason.NOT_FOUND);
    s = accept(s, HostDecisions.disconnect(s, "host-1", T0, Initiator.host("host-1")));
    assertThat(s.hosts().get("host-1").state()).isEqualTo(HostState.DISCONNECTED);
    assertThat(s.hosts().get("host-1").state().up()).isFalse();
    assertThat(s.recentLog().get(s.recentLog().size() - 1).message())
        .isEqualTo("Host host-1 disconnected (stopped cleanly)");
    assertThat(((Decision.Accept) HostDecisions.disconnect(s, "host-1", T0, ALICE)).events()).isEmpty();
    // The VMs it suspended on the way out are logged as suspended, and still should run.
    s = accept(s, VmDecisions.stopped(s, "web", "host-1", 1, T0, Initiator.host("host-1")));
    LogEntry stop = s.recentLog().get(s.recentLog().size() - 1);
    assertThat(stop.kind()).isEqualTo("VmSuspended");
    assertThat(stop.message()).isEqualTo("VM web suspended on host-1 (epoch 1) as its host stopped");
    assertThat(s.vms().get("web").desired()).isEqualTo(PowerState.POWERED_ON);
    assertThat(rejected(VmDecisions.started(s, "web", "host-1", 2, T0, Initiator.host("host-1"))))
        .isEqualTo(Reason.CONFLICT);
    // Its removal from the cluster afterwards changes nothing: it did not fail.
    assertThat(((Decision.Accept) HostDecisions.lost(s, "host-1", T0, Initiator.host("host-2")))
        .events()).isEmpty();
    s = accept(s, HostDecisions.join(s, "host-1", 1000, 1024, T0, Initiator.host("host-1")));
    s = accept(s, HostDecisions.connect(s, "host-1", T0, Initiator.host("host-1")));
    assertThat(s.hosts().get("host-1").state()).isEqualTo(HostState.CONNECTED);
    s = accept(s, HostDecisions.lost(s, "host-2", T0, Initiator.host("host-1")));
    assertThat(rejected(HostDecisions.disconnect(s, "host-2", T0, ALICE))).isEqualTo(Reason.CONFLICT);
  }

  @Test
  void hostsJoinOnceAndMaintenanceNeedsAConnectedHost() {
    Inventory s = Inventory.empty();
    assertThat(rejected(HostDecisions.join(s, "h 1", 1000, 1024, T0, ALICE))).isEqualTo(Reason.BAD_REQUEST);
    assertThat(rejected(HostDecisions.join(s, "h1", 0, 1024, T0, ALICE))).isEqualTo(Reason.BAD_REQUEST);
    s = accept(s, HostDecisions.join(s, "h1", 1000, 1024, T0, ALICE));
    assertThat(((Decision.Accept) HostDecisions.join(s, "h1", 1000, 1024, T0, ALICE)).events()).isEmpty();
    assertThat(rejected(HostDecisions.join(s, "h1", 2000, 1024, T0, ALICE))).isEqualTo(Reason.CONFLICT);
    assertThat(rejected(HostDecisions.enterMaintenance(s, "h1", T0, ALICE))).isEqualTo(Reason.CONFLICT);
    assertThat(rejected(HostDecisions.enterMaintenance(s, "h2", T0, ALICE))).isEqualTo(Reason.NOT_FOUND);
    s = accept(s, HostDecisions.connect(s, "h1", T0, ALICE));
    s = accept(s, HostDecisions.enterMaintenance(s, "h1", T0, ALICE));
    assertThat(s.hosts().get("h1").state()).isEqualTo(HostState.MAINTENANCE);
    assertThat(rejected(HostDecisions.enterMaintenance(s, "h1", T0, ALICE))).isEqualTo(Reason.CONFLICT);
    s = accept(s, HostDecisions.exitMaintenance(s, "h1", T0, ALICE));
    s = accept(s, HostDecisions.lost(s, "h1", T0, ALICE));
    assertThat(s.hosts().get("h1").state()).isEqualTo(HostState.LOST);
    s = accept(s, HostDecisions.join(s, "h1", 2000, 2048, T0, ALICE));
    assertThat(s.hosts().get("h1")).isEqualTo(new HostRecord("h1", 2000, 2048, HostState.JOINED));
  }

  @Test
  void rulesNeedKnownVmsAndDeletingAVmShrinksThem() {
    Inventory s = Inventory.empty();
    for (String n : List.of("a", "b", "c")) s = withVm(s, vm(n, 64), PowerState.POWERED_OFF);
    assertThat(rejected(RuleDecisions.add(s, new Rule("r", Rule.Kind.ANTI_AFFINITY, List.of("a")), T0, ALICE))).isEqualTo(Reason.BAD_REQUEST);
    assertThat(rejected(RuleDecisions.add(s, new Rule("r", Rule.Kind.ANTI_AFFINITY, List.of("a", "zz")), T0, ALICE))).isEqualTo(Reason.NOT_FOUND);
    s = accept(s, RuleDecisions.add(s, new Rule("r", Rule.Kind.ANTI_AFFINITY, List.of("a", "b", "c")), T0, ALICE));
    s = accept(s, RuleDecisions.add(s, new Rule("pair", Rule.Kind.AFFINITY, List.of("a", "b")), T0, ALICE));
    s = accept(s, VmDecisions.delete(s, "a", T0, ALICE));
    assertThat(s.rules().get("r").vms()).containsExactly("b", "c");
    assertThat(s.rules()).doesNotContainKey("pair");
  }

  @Test
  void vmHostRulesNeedAHostGroupOfKnownHostsAndAGroupInUseStays() {
    Inventory s = withHosts(2);
    s = withVm(s, vm("a", 64), PowerState.POWERED_OFF);
    assertThat(rejected(RuleDecisions.defineHostGroup(s, new HostGroup("g", List.of("host-9")), T0, ALICE))).isEqualTo(Reason.NOT_FOUND);
    assertThat(rejected(RuleDecisions.defineHostGroup(s, new HostGroup("g", List.of()), T0, ALICE))).isEqualTo(Reason.BAD_REQUEST);
    assertThat(rejected(RuleDecisions.add(s, new Rule("r", Rule.Kind.MUST_RUN_ON, List.of("a"), "g"), T0, ALICE))).isEqualTo(Reason.NOT_FOUND);
    assertThat(rejected(RuleDecisions.add(s, new Rule("r", Rule.Kind.MUST_RUN_ON, List.of("a")), T0, ALICE))).isEqualTo(Reason.BAD_REQUEST);
    assertThat(rejected(RuleDecisions.add(s, new Rule("r", Rule.Kind.AFFINITY, List.of("a", "a"), "g"), T0, ALICE))).isEqualTo(Reason.BAD_REQUEST);
    s = accept(s, RuleDecisions.defineHostGroup(s, new HostGroup("g", List.of("host-2", "host-1", "host-2")), T0, ALICE));
    assertThat(s.hostGroups().get("g").hosts()).containsExactly("host-1", "host-2");
    assertThat(((Decision.Accept) RuleDecisions.defineHostGroup(s, new HostGroup("g", List.of("host-1", "host-2")), T0, ALICE)).events()).isEmpty();
    s = accept(s, RuleDecisions.add(s, new Rule("r", Rule.Kind.SHOULD_NOT_RUN_ON, List.of("a"), "g"), T0, ALICE));
    assertThat(s.recentLog().get(s.recentLog().size() - 1).message())
        .isEqualTo("VM-host rule r (should not run on host group g) added for a");
    assertThat(rejected(RuleDecisions.removeHostGroup(s, "g", T0, ALICE))).isEqualTo(Reason.CONFLICT);
    // A VM–host rule needs one VM: deleting its last VM deletes it, and then the group may go.
    s = accept(s, VmDecisions.delete(s, "a", T0, ALICE));
    assertThat(s.rules()).isEmpty();
    s = accept(s, RuleDecisions.removeHostGroup(s, "g", T0, ALICE));
    assertThat(s.hostGroups()).isEmpty();
    assertThat(Rule.Kind.fromApiName("must-not-run-on")).isEqualTo(Rule.Kind.MUST_NOT_RUN_ON);
  }

  @Test
  void drsSettingsAreCheckedAndKept() {
    Inventory s = Inventory.empty();
    assertThat(s.drs()).isEqualTo(DrsConfig.DEFAULTS);
    assertThat(rejected(RuleDecisions.configureDrs(s, new DrsConfig(DrsConfig.Automation.MANUAL, 6, 8), T0, ALICE)))
        .isEqualTo(Reason.BAD_REQUEST);
    assertThat(rejected(RuleDecisions.configureDrs(s, new DrsConfig(DrsConfig.Automation.MANUAL, 3, -1), T0, ALICE)))
        .isEqualTo(Reason.BAD_REQUEST);
    DrsConfig manual = new DrsConfig(DrsConfig.Automation.MANUAL, 2, 4);
    s = accept(s, RuleDecisions.configureDrs(s, manual, T0, ALICE));
    assertThat(s.drs()).isEqualTo(manual);
    assertThat(s.recentLog().get(s.recentLog().size() - 1).message())
        .isEqualTo("DRS set to manual, migration threshold 2, at most 4 moves a round");
    assertThat(((Decision.Accept) RuleDecisions.configureDrs(s, manual, T0, ALICE)).events()).isEmpty();
    assertThat(DrsConfig.Automation.fromApiName("partiallyAutomated")).isEqualTo(DrsConfig.Automation.PARTIALLY_AUTOMATED);
  }

  @Test
  void alarmsAreRaisedOnceAndCleared() {
    Inventory s = withHosts(1);
    assertThat(rejected(RuleDecisions.raiseAlarm(s, "cpu", "nothing", "x", T0, Initiator.drs()))).isEqualTo(Reason.NOT_FOUND);
    s = accept(s, RuleDecisions.raiseAlarm(s, "cpu", "host-1", "CPU above 90%", T0, Initiator.drs()));
    assertThat(((Decision.Accept) RuleDecisions.raiseAlarm(s, "cpu", "host-1", "again", T0, Initiator.drs())).events()).isEmpty();
    assertThat(s.alarms().get("host-1/cpu").message()).isEqualTo("CPU above 90%");
    s = accept(s, RuleDecisions.clearAlarm(s, "cpu", "host-1", T0, Initiator.drs()));
    assertThat(s.alarms()).isEmpty();
    assertThat(rejected(RuleDecisions.clearAlarm(s, "cpu", "host-1", T0, Initiator.drs()))).isEqualTo(Reason.NOT_FOUND);
    assertThat(s.recentLog()).extracting(LogEntry::kind).endsWith("AlarmRaised", "AlarmCleared");
  }

  @Test
  void theLogKeepsOnlyTheNewestLinesButNumbersThemAll() {
    Inventory s = Inventory.empty();
    for (int i = 0; i < 10; i++) {
      Decision d = VmDecisions.create(s, vm("vm" + i, 64), T0, ALICE);
      s = s.apply(((Decision.Accept) d).events().get(0), 4);
    }
    assertThat(s.recentLog()).extracting(LogEntry::seq).containsExactly(7L, 8L, 9L, 10L);
    assertThat(s.lastLogSeq()).isEqualTo(10);
  }

  @Test
  void anOperationOfAVmsActorIsLoggedWithWhoAskedAndChangesNothingElse() {
    Inventory s = withVm(Inventory.empty(), vm("web", 64), PowerState.POWERED_ON);
    assertThat(rejected(VmDecisions.operated(s, "nope", "VmReset", "VM nope reset", T0, ALICE))).isEqualTo(Reason.NOT_FOUND);
    assertThat(rejected(VmDecisions.operated(s, "web", "reset", "VM web reset", T0, ALICE))).isEqualTo(Reason.BAD_REQUEST);
    Inventory after = accept(s, VmDecisions.operated(s, "web", "VmSnapshotTaken", "VM web: snapshot s1 taken", T0, ALICE));
    assertThat(after.vms()).isEqualTo(s.vms());
    LogEntry line = after.recentLog().get(after.recentLog().size() - 1);
    assertThat(line.kind()).isEqualTo("VmSnapshotTaken");
    assertThat(line.message()).isEqualTo("VM web: snapshot s1 taken");
    assertThat(line.by()).isEqualTo(ALICE);
  }
}
