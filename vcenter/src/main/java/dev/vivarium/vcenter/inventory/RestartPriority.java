package dev.vivarium.vcenter.inventory;

/** HA restart priority, as in VMware HA: higher priorities restart first; DISABLED never. */
public enum RestartPriority { DISABLED, LOW, MEDIUM, HIGH }
