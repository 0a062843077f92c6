package dev.vivarium.drs.model;

import java.util.Objects;

/**
 * A VM as the core sees it: where it runs (null: nowhere, it is to be placed) and the figures
 * that decide its entitlement and what moving it costs.
 *
 * @param demandMips       what it would use if nothing held it back (smoothed)
 * @param reservationMips  guaranteed; a host's reservations never exceed its capacity
 * @param limitMips        the most it may get, 0 for no limit
 * @param shares           its weight against other VMs when capacity is short
 * @param dirtyPagesPerSec how fast it writes memory (4 KiB pages): what pre-copy must chase
 * @param demandVariation  how much its demand has moved lately: the coefficient of variation
 *                         (standard deviation over mean) of its recent demand, 0 for steady
 * @param priority         restart priority, higher first when capacity is scarce at placement
 */
public record Vm(String name, String host, double demandMips, long reservationMips, long limitMips, int shares,
                 long memoryMiB, double dirtyPagesPerSec, double demandVariation, int priority) {

    public Vm {
        Objects.requireNonNull(name, "name");
        if (demandMips < 0 || reservationMips < 0 || limitMips < 0 || memoryMiB < 0 || dirtyPagesPerSec < 0
                || demandVariation < 0 || Double.isNaN(demandMips) || Double.isNaN(dirtyPagesPerSec)
                || Double.isNaN(demandVariation)) {
            throw new IllegalArgumentException("VM " + name + ": figures must be non-negative numbers");
        }
        if (shares <= 0) {
            throw new IllegalArgumentException("VM " + name + ": shares must be positive");
        }
        if (limitMips > 0 && limitMips < reservationMips) {
            throw new IllegalArgumentException("VM " + name + ": limit below reservation");
        }
    }

    /** A VM with normal shares (1000), no reservation or limit, steady demand and no dirtying. */
    public static Vm of(String name, String host, double demandMips, long memoryMiB) {
        return new Vm(name, host, demandMips, 0, 0, 1000, memoryMiB, 0, 0, 0);
    }

    public boolean running() {
        return host != null;
    }

    /** The most it can use: its demand, capped by its limit. */
    public double cappedDemand() {
        return limitMips > 0 ? Math.min(demandMips, limitMips) : demandMips;
    }

    public Vm on(String h) {
        return new Vm(name, h, demandMips, reservationMips, limitMips, shares, memoryMiB, dirtyPagesPerSec,
                demandVariation, priority);
    }

    public Vm withDemand(double mips) {
        return new Vm(name, host, mips, reservationMips, limitMips, shares, memoryMiB, dirtyPagesPerSec,
                demandVariation, priority);
    }

    public Vm withReservation(long mips) {
        return new Vm(name, host, demandMips, mips, limitMips, shares, memoryMiB, dirtyPagesPerSec,
                demandVariation, priority);
    }

    public Vm withLimit(long mips) {
        return new Vm(name, host, demandMips, reservationMips, mips, shares, memoryMiB, dirtyPagesPerSec,
                demandVariation, priority);
    }

    public Vm withShares(int s) {
        return new Vm(name, host, demandMips, reservationMips, limitMips, s, memoryMiB, dirtyPagesPerSec,
                demandVariation, priority);
    }

    public Vm withDirtying(double pagesPerSec) {
        return new Vm(name, host, demandMips, reservationMips, limitMips, shares, memoryMiB, pagesPerSec,
                demandVariation, priority);
    }

    public Vm withVariation(double cv) {
        return new Vm(name, host, demandMips, reservationMips, limitMips, shares, memoryMiB, dirtyPagesPerSec,
                cv, priority);
    }

    public Vm withPriority(int p) {
        return new Vm(name, host, demandMips, reservationMips, limitMips, shares, memoryMiB, dirtyPagesPerSec,
                demandVariation, p);
    }
}
