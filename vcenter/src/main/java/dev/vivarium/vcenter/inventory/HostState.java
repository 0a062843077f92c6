package dev.vivarium.vcenter.inventory;

/**
 * A host's state in the inventory. JOINED: a cluster member whose agent has not yet reported;
 * CONNECTED: its agent reports and it takes VMs; MAINTENANCE: it keeps what runs but takes no new
 * VMs; LOST: downed by the cluster, its VMs wait for HA.
 */
public enum HostState {
  JOINED, CONNECTED, MAINTENANCE, LOST;

  /** The host runs VMs and its reports count in reconciliation. */
  public boolean up() { return this == CONNECTED || this == MAINTENANCE; }
}
