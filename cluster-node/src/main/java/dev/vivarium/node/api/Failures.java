package dev.vivarium.node.api;

import java.util.concurrent.CompletionException;

/** What a failed {@link java.util.concurrent.CompletionStage} stands for. */
public final class Failures {

    private Failures() {
    }

    /** The failure itself: a stage that failed further up the chain wraps it in a {@link CompletionException}. */
    public static Throwable cause(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
