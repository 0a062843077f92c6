package dev.vivarium.vm.actor;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

/**
 * Runs one VM's datastore tasks one at a time, in the order the VM submitted them, on a shared
 * executor. A disk overlay names the overlay under it, so overlays frozen in a given order
 * (checkpoint, then snapshot, then power off) must reach the datastore in that order.
 */
final class SerialExecutor implements Executor {
    private final Executor delegate;
    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private boolean running;

    SerialExecutor(Executor delegate) {
        this.delegate = delegate;
    }

    @Override
    public synchronized void execute(Runnable task) {
        tasks.add(task);
        if (!running) {
            running = true;
            delegate.execute(this::drainOne);
        }
    }

    private void drainOne() {
        Runnable next;
        synchronized (this) {
            next = tasks.poll();
        }
        try {
            next.run();
        } finally {
            synchronized (this) {
                if (tasks.isEmpty()) {
                    running = false;
                } else {
                    delegate.execute(this::drainOne);
                }
            }
        }
    }
}
