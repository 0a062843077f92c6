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
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lab fault is a line of the inventory's event log, so every node's event log shows it, not
 * only the node that carried it out (a page or {@code events} on another node saw nothing of it).
 */
class FaultEventsApiTest {

    @TempDir
    Path dir;

    @Test
    void aFaultInjectedThroughOneNodeIsInTheOtherNodesEventLog() throws Exception {
        try (WiredCluster cluster = new WiredCluster(dir, List.of("host-1", "host-2"), 256,
                Map.of("vivarium.lab.dir", dir.toString()))) {
            HostNode one = cluster.node(0);
            HostNode two = cluster.node(1);
            assertThat(send(one, "POST", "/api/v1/vms", "{\"name\":\"crash-1\",\"image\":\"counter\",\"memoryMiB\":16}",
                    TestNodes.TOKEN).statusCode()).isEqualTo(201);
            succeeded(one, send(one, "POST", "/api/v1/vms/crash-1/power-on", null, TestNodes.TOKEN));

            var injected = send(one, "POST", "/api/v1/faults", "{\"kind\":\"guest-crash\",\"vm\":\"crash-1\"}", TestNodes.TOKEN);
            assertThat(injected.statusCode()).as(injected.body()).isEqualTo(201);
            String id = json(injected).path("id").asText();

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                JsonNode line = null;
                for (JsonNode e : json(get(two, "/api/v1/events?limit=1000"))) {
                    line = e.path("type").asText().equals("FaultInjected") ? e : line;
                }
                assertThat(line).as("host-2's event log").isNotNull();
                assertThat(line.path("subject").asText()).isEqualTo("crash-1");
                assertThat(line.path("message").asText()).startsWith("guest-crash crash-1 (" + id + "): ");
            });
        }
    }
}
