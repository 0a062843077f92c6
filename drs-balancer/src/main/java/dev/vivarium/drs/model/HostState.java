package dev.vivarium.drs.model;

/**
 * CONNECTED: takes VMs and counts in the imbalance. MAINTENANCE: takes nothing and must be
 * emptied; it counts in no imbalance (its load is on its way elsewhere), as in vSphere.
 */
public enum HostState {
    CONNECTED, MAINTENANCE
}
