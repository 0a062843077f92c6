package dev.vivarium.node.api;

import java.util.concurrent.CompletionStage;

/** One operation of the API; a failed stage carrying an {@link ApiException} becomes its JSON error. */
@FunctionalInterface
public interface Endpoint {

    CompletionStage<ApiResponse> handle(ApiRequest request);
}
