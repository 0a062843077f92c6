package dev.vivarium.vcenter.inventory;

/**
 * A host's state in the inventory. JOINED: a cluster member whose agent has not yet reported;
 * CONNECTED: its agent reports and it takes VMs; MAINTENANCE: it keeps what runs but takes no new
 * VMs; LOST: downed by the cluster, its VMs wait for HA; DISCONNECTED: it left the cluster
 * cleanly (its node was stopped), after suspending its VMs to the datastore and handing them back.
 *
 * <p>VirtualCenter tells the two apart the same way: a host it lost contact with is "not
 * responding" and HA treats it as failed; a host taken out on purpose is "disconnected" and HA
 * leaves it alone. Here the VMs of a disconnected host are not HA's: they were suspended, not
 * lost, and the reconciler resumes those that should run on the connected hosts.
 */
public enum HostState {
  JOINED, CONNECTED, MAINTENANCE, LOST, DISCONNECTED;

  /** The host runs VMs and its reports count in reconciliation. */
  public boolean up() { return this == CONNECTED || this == MAINTENANCE; }
}
