package dev.vivarium.vcenter.inventory;

import java.time.Instant;
import java.util.List;

/** Builds inventories for tests by applying events, as recovery would. */
public final class Fixtures {

  public static final Instant T0 = Instant.parse("2026-11-27T08:00:00Z");
  public static final Initiator ALICE = Initiator.api("alice");

  private Fixtures() {}

  public static VmConfig vm(String name, int memoryMiB) {
    return VmConfig.of(name, memoryMiB, "guests/primes.elf", List.of("--count", "1000"));
  }

  /** Applies the decision's events to {@code s}, failing when it was rejected. */
  public static Inventory accept(Inventory s, Decision d) {
    if (d instanceof Decision.Reject r) throw new AssertionError("rejected: " + r.rejection());
    for (InventoryEvent e : ((Decision.Accept) d).events()) s = s.apply(e, 1000);
    return s;
  }

  /** An inventory with connected hosts {@code host-1..n} of 1000 MIPS and 1024 MiB. */
  public static Inventory withHosts(int n) {
    Inventory s = Inventory.empty();
    for (int i = 1; i <= n; i++) {
      String h = "host-" + i;
      s = accept(s, HostDecisions.join(s, h, 1000, 1024, T0, Initiator.host(h)));
      s = accept(s, HostDecisions.connect(s, h, T0, Initiator.host(h)));
    }
    return s;
  }

  public static Inventory withVm(Inventory s, VmConfig c, PowerState desired) {
    s = accept(s, VmDecisions.create(s, c, T0, ALICE));
    if (desired != PowerState.POWERED_OFF) {
      s = accept(s, VmDecisions.requestPower(s, c.name(), PowerState.POWERED_ON, T0, ALICE));
      if (desired != PowerState.POWERED_ON) {
        s = accept(s, VmDecisions.requestPower(s, c.name(), desired, T0, ALICE));
      }
    }
    return s;
  }

  public static Rejection.Reason rejected(Decision d) {
    if (d instanceof Decision.Reject r) return r.rejection().reason();
    throw new AssertionError("accepted: " + d);
  }
}
