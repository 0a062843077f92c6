package dev.vivarium.node.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class TaskRegistryTest {

    private final TaskRegistry tasks = new TaskRegistry("host-1", 2, Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));

    @Test
    void aTaskRunsThenSucceedsOrFailsWithItsReason() {
        CompletableFuture<String> work = new CompletableFuture<>();
        TaskView running = tasks.start("power-on vm-1", work);
        assertThat(running.id()).isEqualTo("host-1-1");
        assertThat(running.state()).isEqualTo(TaskView.RUNNING);
        assertThat(running.finished()).isNull();

        work.complete("on host-2");
        assertThat(tasks.get("host-1-1")).hasValueSatisfying(t -> {
            assertThat(t.state()).isEqualTo(TaskView.SUCCEEDED);
            assertThat(t.result()).isEqualTo("on host-2");
            assertThat(t.finished()).isEqualTo("2026-01-01T00:00:00Z");
        });

        TaskView failed = tasks.start("suspend vm-1", CompletableFuture.failedFuture(new IllegalStateException("no space")));
        assertThat(tasks.get(failed.id())).hasValueSatisfying(t -> {
            assertThat(t.state()).isEqualTo(TaskView.FAILED);
            assertThat(t.reason()).isEqualTo("no space");
        });
    }

    @Test
    void finishedTasksGoFirstWhenFull() {
        tasks.start("a", CompletableFuture.completedFuture("done"));
        TaskView running = tasks.start("b", new CompletableFuture<>());
        TaskView third = tasks.start("c", new CompletableFuture<>());

        assertThat(tasks.all()).extracting(TaskView::id).containsExactly(running.id(), third.id());
        // Nothing finished to drop: running tasks are never forgotten.
        TaskView fourth = tasks.start("d", new CompletableFuture<>());
        assertThat(tasks.all()).extracting(TaskView::id).containsExactly(running.id(), third.id(), fourth.id());
    }
}
