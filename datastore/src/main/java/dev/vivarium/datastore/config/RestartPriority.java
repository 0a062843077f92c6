package dev.vivarium.datastore.config;

/** The order in which HA restarts VMs of a lost host; DISABLED VMs are left off. */
public enum RestartPriority {
    DISABLED, LOW, MEDIUM, HIGH
}
