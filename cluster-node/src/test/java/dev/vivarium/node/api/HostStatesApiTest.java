package dev.vivarium.node.api;

import static dev.vivarium.node.WiredCluster.get;
import static dev.vivarium.node.WiredCluster.send;
import static dev.vivarium.node.api.ApiServerTest.json;
import static dev.vivarium.node.api.VmOperationsApiTest.succeeded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vivarium.node.HostNode;
import dev.vivarium.node.TestNodes;
import dev.vivarium.node.WiredCluster;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host whose node stops cleanly stays in the host list as VirtualCenter shows it (disconnected,
 * without figures), and a paused VM it ran comes back paused on the other host.
 */
class HostStatesApiTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private WiredCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private HttpResponse<String> post(HostNode api, String path, String body) throws Exception {
        return send(api, "POST", path, body, TestNodes.TOKEN);
    }

    private static JsonNode host(HostNode api, String name) throws Exception {
        return json(get(api, "/api/v1/hosts/" + name));
    }

    private static JsonNode vm(HostNode api, String name) throws Exception {
        return json(get(api, "/api/v1/vms/" + name));
    }

    @Test
    void aStoppedHostIsListedDisconnectedAndItsPausedVmComesBackPausedElsewhere() throws Exception {
        cluster = new WiredCluster(dir, List.of("host-1", "host-2"), 256);
        HostNode api = cluster.node(0);
        JsonNode up = host(api, "host-2");
        assertThat(up.path("state").asText()).isEqualTo("connected");
        assertThat(up.path("memberStatus").asText()).isEqualTo("Up");

        // host-1 in maintenance, so the VM starts on host-2, the host about to stop.
        succeeded(api, post(api, "/api/v1/hosts/host-1/maintenance", "{\"enabled\":true}"));
        // The list is the inventory's as this node last polled it (every reconcile period).
        await().atMost(WAIT).until(() -> host(api, "host-1").path("state").asText().equals("maintenance"));
        assertThat(host(api, "host-1").path("inMaintenanceMode").asBoolean()).isTrue();
        assertThat(post(api, "/api/v1/vms", "{\"name\":\"held-1\",\"image\":\"counter\",\"memoryMiB\":16}").statusCode())
                .isEqualTo(201);
        succeeded(api, post(api, "/api/v1/vms/held-1/power-on", null));
        assertThat(vm(api, "held-1").path("host").asText()).isEqualTo("host-2");
        succeeded(api, post(api, "/api/v1/hosts/host-1/maintenance", "{\"enabled\":false}"));
        succeeded(api, post(api, "/api/v1/vms/held-1/pause", null));
        long epoch = vm(api, "held-1").path("epoch").asLong();

        // host-2 stops as SIGTERM stops it: it suspends its VMs and disconnects.
        cluster.node(1).close();
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode gone = host(api, "host-2");
            assertThat(gone.path("state").asText()).isEqualTo("disconnected");
            assertThat(gone.get("memberStatus").isNull()).as(gone.toString()).isTrue();
            for (String field : List.of("address", "capacityMips", "usedMips", "memoryMiB", "vms")) {
                assertThat(gone.get(field).isNull()).as(field).isTrue();
            }
        });
        assertThat(json(get(api, "/api/v1/hosts")).findValuesAsText("name")).containsExactly("host-1", "host-2");

        // The reconciler resumes the VM on host-1 from the suspend, paused as the inventory wants it.
        await().atMost(WAIT).until(() -> "host-1".equals(vm(api, "held-1").path("host").asText()));
        JsonNode resumed = vm(api, "held-1");
        assertThat(resumed.path("epoch").asLong()).isGreaterThan(epoch);
        assertThat(resumed.path("powerState").asText()).isEqualTo("paused");
        // Its host's figures come in windows: the first ones after the restore say whether the guest ran.
        await().atMost(WAIT).until(() -> vm(api, "held-1").path("metrics").path("deliveredIps").isNumber());
        await().during(Duration.ofSeconds(2)).atMost(WAIT)
                .until(() -> vm(api, "held-1").path("metrics").path("deliveredIps").asDouble() == 0);

        succeeded(api, post(api, "/api/v1/vms/held-1/unpause", null));
        await().atMost(WAIT).until(() -> vm(api, "held-1").path("metrics").path("deliveredIps").asDouble() > 0);
    }
}
