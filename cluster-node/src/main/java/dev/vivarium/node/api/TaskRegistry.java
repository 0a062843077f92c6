package dev.vivarium.node.api;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * The tasks this node accepted. A task lives on the node that accepted it (its id starts with
 * that host's name); only the latest {@code capacity} are kept, the oldest finished ones go first.
 */
public final class TaskRegistry {

    private final String hostName;
    private final int capacity;
    private final Clock clock;
    private final Map<String, TaskView> tasks = new LinkedHashMap<>();
    private final Map<String, Supplier<CompletionStage<String>>> cancels = new HashMap<>();
    private long counter;

    public TaskRegistry(String hostName, int capacity, Clock clock) {
        this.hostName = hostName;
        this.capacity = capacity;
        this.clock = clock;
    }

    /** Registers a running task that ends with {@code work}: its value is the result, its failure the reason. */
    public TaskView start(String description, CompletionStage<String> work) {
        return start(description, work, CompletableFuture.completedFuture(null), null);
    }

    /**
     * Registers a running task with figures for its end ({@code details}, shown once it ended)
     * and a way to cancel it ({@code cancel}, null when it cannot be).
     */
    public TaskView start(String description, CompletionStage<String> work, CompletionStage<Object> details,
                          Supplier<CompletionStage<String>> cancel) {
        TaskView task;
        synchronized (this) {
            task = new TaskView(hostName + "-" + (++counter), description, TaskView.RUNNING, null, null,
                    clock.instant().toString(), null, null);
            tasks.put(task.id(), task);
            if (cancel != null) {
                cancels.put(task.id(), cancel);
            }
            evict();
        }
        // The task ends when both are in: its details are never missing from a finished task.
        work.handle((result, failure) -> details.handle((figures, noFigures) -> {
            finish(task, result, failure, figures);
            return null;
        }));
        return get(task.id()).orElse(task);
    }

    /**
     * Cancels a running task of this node: empty when there is no such task here, else its
     * answer (a failed stage when it cannot be cancelled: it cannot be, or has ended).
     */
    public Optional<CompletionStage<String>> cancel(String id) {
        Supplier<CompletionStage<String>> cancel;
        TaskView task;
        synchronized (this) {
            task = tasks.get(id);
            cancel = cancels.get(id);
        }
        if (task == null) {
            return Optional.empty();
        }
        if (!TaskView.RUNNING.equals(task.state())) {
            return Optional.of(CompletableFuture.failedFuture(new IllegalStateException("task " + id + " has ended (" + task.state() + ")")));
        }
        if (cancel == null) {
            return Optional.of(CompletableFuture.failedFuture(new IllegalStateException("task " + id + " ("
                    + task.description() + ") cannot be cancelled")));
        }
        return Optional.of(cancel.get());
    }

    public synchronized Optional<TaskView> get(String id) {
        return Optional.ofNullable(tasks.get(id));
    }

    /** Every kept task, oldest first. */
    public synchronized List<TaskView> all() {
        return List.copyOf(new ArrayList<>(tasks.values()));
    }

    private synchronized void finish(TaskView task, String result, Throwable failure, Object details) {
        String now = clock.instant().toString();
        TaskView done = failure == null
                ? new TaskView(task.id(), task.description(), TaskView.SUCCEEDED, result, null, task.started(), now, details)
                : new TaskView(task.id(), task.description(), TaskView.FAILED, null, reason(failure), task.started(), now, details);
        tasks.replace(task.id(), done);
        cancels.remove(task.id());
    }

    private void evict() {
        var it = tasks.values().iterator();
        int excess = tasks.size() - capacity;
        while (excess > 0 && it.hasNext()) {
            TaskView t = it.next();
            if (!TaskView.RUNNING.equals(t.state())) {
                it.remove();
                cancels.remove(t.id());
                excess--;
            }
        }
    }

    private static String reason(Throwable failure) {
        Throwable cause = Failures.cause(failure);
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }
}
