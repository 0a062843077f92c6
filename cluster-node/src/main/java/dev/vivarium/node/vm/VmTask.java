package dev.vivarium.node.vm;

import java.util.concurrent.CompletionStage;

/**
 * An operation a {@link VmService} has accepted: {@code outcome} completes with a one-line
 * result when it is done, or fails with the reason.
 */
public record VmTask(String description, CompletionStage<String> outcome) {
}
