package dev.vivarium.node.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RouterTest {

    private final Endpoint nothing = r -> CompletableFuture.completedFuture(ApiResponse.ok("x"));
    private final Router router = new Router()
            .add("GET", "/api/v1/vms", nothing)
            .add("GET", "/api/v1/vms/{name}", nothing)
            .add("DELETE", "/api/v1/vms/{name}", nothing)
            .add("POST", "/api/v1/vms/{name}/{operation}", nothing);

    @Test
    void matchesTemplatesAndNamesTheirParameters() {
        Router.Match m = router.route("POST", "/api/v1/vms/vm-1/power-on");
        assertThat(m.template()).isEqualTo("/api/v1/vms/{name}/{operation}");
        assertThat(m.params()).containsEntry("name", "vm-1").containsEntry("operation", "power-on");
        assertThat(router.route("GET", "/api/v1/vms/").template()).isEqualTo("/api/v1/vms");
    }

    @Test
    void aTemplateWithMoreLiteralSegmentsWinsWhateverTheOrder() {
        Router withConsole = router.add("POST", "/api/v1/vms/{name}/console", nothing)
                .add("GET", "/api/v1/vms/{name}/console", nothing);
        assertThat(withConsole.route("POST", "/api/v1/vms/vm-1/console").template()).isEqualTo("/api/v1/vms/{name}/console");
        assertThat(withConsole.route("POST", "/api/v1/vms/vm-1/reset").template()).isEqualTo("/api/v1/vms/{name}/{operation}");
        assertThat(withConsole.route("GET", "/api/v1/vms/vm-1/console").params()).containsExactly(Map.entry("name", "vm-1"));
    }

    @Test
    void anUnknownPathIs404AndAWrongMethod405() {
        assertThatThrownBy(() -> router.route("GET", "/api/v1/vmz"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(404));
        assertThatThrownBy(() -> router.route("PUT", "/api/v1/vms/vm-1"))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(405);
                    assertThat(e.getMessage()).endsWith("allowed: DELETE, GET");
                });
    }

    @Test
    void theMostSpecificTemplateWinsWhateverTheOrderOfAdding() {
        router.add("POST", "/api/v1/vms/{name}/snapshots", nothing).add("GET", "/api/v1/vms/{name}/snapshots", nothing);
        assertThat(router.route("POST", "/api/v1/vms/vm-1/snapshots").template()).isEqualTo("/api/v1/vms/{name}/snapshots");
        assertThat(router.route("POST", "/api/v1/vms/vm-1/pause").template()).isEqualTo("/api/v1/vms/{name}/{operation}");
        assertThatThrownBy(() -> router.route("DELETE", "/api/v1/vms/vm-1/snapshots"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getMessage()).endsWith("allowed: GET, POST"));
    }
}
