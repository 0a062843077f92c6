package dev.vivarium.x86.devices;

/** A device's interrupt request wire into the PIC: a level, which the PIC samples for edges. */
@FunctionalInterface
public interface IrqLine {

    void set(boolean high);

    /** A wire to nowhere, for devices whose interrupt is not connected. */
    IrqLine NONE = high -> { };
}
