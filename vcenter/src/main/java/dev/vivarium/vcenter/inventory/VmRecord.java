package dev.vivarium.vcenter.inventory;

/**
 * A VM as the inventory knows it. {@code host} is where it last started (null when it runs
 * nowhere) and {@code epoch} the datastore lease epoch it started under: the proof of ownership
 * that makes a stale report from an older owner recognisable. The epoch never goes back, even when
 * the VM stops, so a later start must come with a higher one.
 */
public record VmRecord(VmConfig config, PowerState desired, String host, long epoch)
    implements InventorySerializable {

  public String name() { return config.name(); }

  public boolean running() { return host != null; }

  public VmRecord withConfig(VmConfig c) { return new VmRecord(c, desired, host, epoch); }
  public VmRecord withDesired(PowerState d) { return new VmRecord(config, d, host, epoch); }
  public VmRecord startedOn(String h, long e) { return new VmRecord(config, desired, h, e); }
  public VmRecord stopped() { return new VmRecord(config, desired, null, epoch); }
}
