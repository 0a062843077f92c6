package dev.vivarium.vcenter.inventory;

/** A host as the inventory knows it: its capacity and its state. */
public record HostRecord(String name, long capacityMips, int memoryMiB, HostState state)
    implements InventorySerializable {

  public HostRecord withState(HostState s) { return new HostRecord(name, capacityMips, memoryMiB, s); }
}
