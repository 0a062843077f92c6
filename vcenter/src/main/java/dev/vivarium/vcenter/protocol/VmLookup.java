package dev.vivarium.vcenter.protocol;

import dev.vivarium.vcenter.inventory.InventorySerializable;
import dev.vivarium.vcenter.inventory.VmRecord;

/** The answer to {@link InventoryCommand.GetVm}: the VM, or NOT_FOUND. */
public sealed interface VmLookup extends InventorySerializable permits VmLookup.Found, Reply.Rejected {

  record Found(VmRecord vm) implements VmLookup {}
}
