package dev.vivarium.node.api;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The tasks this node accepted. A task lives on the node that accepted it (its id starts with
 * that host's name); only the latest {@code capacity} are kept, the oldest finished ones go first.
 */
public final class TaskRegistry {

    private final String hostName;
    private final int capacity;
    private final Clock clock;
    private final Map<String, TaskView> tasks = new LinkedHashMap<>();
    private long counter;

    public TaskRegistry(String hostName, int capacity, Clock clock) {
        this.hostName = hostName;
        this.capacity = capacity;
        this.clock = clock;
    }

    /** Registers a running task that ends with {@code work}: its value is the result, its failure the reason. */
    public TaskView start(String description, CompletionStage<String> work) {
        TaskView task;
        synchronized (this) {
            task = new TaskView(hostName + "-" + (++counter), description, TaskView.RUNNING, null, null,
                    clock.instant().toString(), null);
            tasks.put(task.id(), task);
            evict();
        }
        work.whenComplete((result, failure) -> finish(task, result, failure));
        return get(task.id()).orElse(task);
    }

    public synchronized Optional<TaskView> get(String id) {
        return Optional.ofNullable(tasks.get(id));
    }

    /** Every kept task, oldest first. */
    public synchronized List<TaskView> all() {
        return List.copyOf(new ArrayList<>(tasks.values()));
    }

    private synchronized void finish(TaskView task, String result, Throwable failure) {
        String now = clock.instant().toString();
        TaskView done = failure == null
                ? new TaskView(task.id(), task.description(), TaskView.SUCCEEDED, result, null, task.started(), now)
                : new TaskView(task.id(), task.description(), TaskView.FAILED, null, reason(failure), task.started(), now);
        tasks.replace(task.id(), done);
    }

    private void evict() {
        var it = tasks.values().iterator();
        int excess = tasks.size() - capacity;
        while (excess > 0 && it.hasNext()) {
            if (!TaskView.RUNNING.equals(it.next().state())) {
                it.remove();
                excess--;
            }
        }
    }

    private static String reason(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }
}
