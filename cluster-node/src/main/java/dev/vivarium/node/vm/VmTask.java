package dev.vivarium.node.vm;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * An operation a {@link VmService} has accepted: {@code outcome} completes with a one-line
 * result when it is done, or fails with the reason.
 *
 * @param details figures a script reads without parsing text (a migration's downtime, ...), as a
 *                JSON-able value; it completes when the operation ends, whether it succeeded or not
 *                (null: none)
 * @param cancel  cancels the operation (its answer says whether it could); null when it cannot be
 */
public record VmTask(String description, CompletionStage<String> outcome, CompletionStage<Object> details,
                     Supplier<CompletionStage<String>> cancel) {

    public VmTask(String description, CompletionStage<String> outcome) {
        this(description, outcome, CompletableFuture.completedFuture(null), null);
    }
}
