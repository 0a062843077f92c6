package dev.vivarium.x86.devices.serial;

import java.util.ArrayDeque;

/**
 * Bytes the host has typed for the guest, waiting for room in the UART's receive FIFO.
 * {@link #write} is safe from any thread (a stdin reader, an actor); the UART takes bytes on
 * the emulation thread only at defined points (see {@link Uart16550#pollInput()}), so a run
 * whose input was all written beforehand is deterministic.
 */
public final class HostInput {

    private final ArrayDeque<Integer> bytes = new ArrayDeque<>();

    public synchronized void write(byte[] data) {
        for (byte b : data) {
            bytes.add(b & 0xFF);
        }
    }

    public synchronized void write(int b) {
        bytes.add(b & 0xFF);
    }

    synchronized int take() {
        Integer b = bytes.poll();
        return b == null ? -1 : b;
    }

    public synchronized int available() {
        return bytes.size();
    }

    synchronized int[] snapshot() {
        return bytes.stream().mapToInt(Integer::intValue).toArray();
    }

    synchronized void replace(int[] content) {
        bytes.clear();
        for (int b : content) {
            bytes.add(b);
        }
    }
}
