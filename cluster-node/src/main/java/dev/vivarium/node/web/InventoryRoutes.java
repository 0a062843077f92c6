package dev.vivarium.node.web;

import dev.vivarium.node.api.Failures;
import dev.vivarium.node.api.ApiException;
import dev.vivarium.node.api.ApiResponse;
import dev.vivarium.node.api.Json;
import dev.vivarium.node.api.Router;
import dev.vivarium.node.cluster.HostView;
import dev.vivarium.node.events.Alarms;
import dev.vivarium.node.vm.VmService;
import dev.vivarium.node.vm.VmView;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * What the web client watches, also open to scripts: {@code GET /api/v1/inventory} (hosts, VMs,
 * alarms and the cluster's imbalance in one answer, or as server-sent {@code inventory} events
 * whenever it changed), {@code GET /api/v1/alarms} and {@code GET /api/v1/history} (the hosts'
 * load over the last minutes, for charts).
 */
public final class InventoryRoutes {

    /** A comment line keeps idle connections (and proxies) from timing out. */
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    /**
     * The inventory at one moment.
     *
     * @param problems what could not be read (the inventory not answering while its singleton
     *                 moves, say), each a sentence; the rest is still shown
     */
    public record InventoryView(String time, List<HostView> hosts, List<VmView> vms, List<Alarms.AlarmView> alarms,
                                Double imbalance, List<String> problems) {
    }

    /** What the routes read. */
    public record Parts(Supplier<List<HostView>> hosts, VmService vms, Alarms alarms, LoadHistory history,
                        Duration push, Duration historySample, Clock clock) {
    }

    private InventoryRoutes() {
    }

    public static void addTo(Router router, Parts parts) {
        router.add("GET", "/api/v1/inventory", r -> {
            if (r.acceptsEventStream()) {
                return CompletableFuture.completedFuture(new ApiResponse.EventStream(stream(parts)));
            }
            return snapshot(parts).thenApply(ApiResponse::ok);
        });
        router.add("GET", "/api/v1/alarms", r -> parts.alarms().raised().thenApply(ApiResponse::ok));
        router.add("GET", "/api/v1/history", r -> CompletableFuture.completedFuture(ApiResponse.ok(Map.of(
                "sampleMs", parts.historySample().toMillis(), "samples", parts.history().samples()))));
    }

    /** The inventory now: hosts from this node, VMs and alarms from the inventory, each part on its own. */
    static CompletionStage<InventoryView> snapshot(Parts parts) {
        List<HostView> hosts = parts.hosts().get();
        List<String> problems = new ArrayList<>();
        CompletionStage<List<VmView>> vms = orEmpty(parts.vms().list(), "VMs", problems);
        CompletionStage<List<Alarms.AlarmView>> alarms = orEmpty(parts.alarms().raised(), "alarms", problems);
        return vms.thenCombine(alarms, (v, a) -> new InventoryView(parts.clock().instant().toString(), hosts, v, a,
                LoadHistory.of(0, hosts).imbalance(), List.copyOf(problems)));
    }

    private static <T> CompletionStage<List<T>> orEmpty(CompletionStage<List<T>> part, String what, List<String> problems) {
        return part.exceptionally(failure -> {
            Throwable cause = Failures.cause(failure);
            String why = cause instanceof ApiException ? cause.getMessage() : cause.getClass().getSimpleName() + ": " + cause.getMessage();
            synchronized (problems) {
                problems.add(what + ": " + why);
            }
            return List.of();
        });
    }

    /** An {@code inventory} event now and then every push period in which something changed. */
    private static Source<ByteString, ?> stream(Parts parts) {
        AtomicReference<String> last = new AtomicReference<>("");
        return Source.tick(Duration.ZERO, parts.push(), "tick")
                .mapAsync(1, t -> snapshot(parts))
                .map(view -> {
                    // Compared without its time: an unchanged inventory is not sent again.
                    String content = Json.write(new InventoryView(null, view.hosts(), view.vms(), view.alarms(),
                            view.imbalance(), view.problems()));
                    return last.getAndSet(content).equals(content) ? "" : Json.write(view);
                })
                .filter(json -> !json.isEmpty())
                .map(json -> ByteString.fromString("event: inventory\ndata: " + json + "\n\n"))
                .keepAlive(KEEP_ALIVE, () -> ByteString.fromString(":\n\n"));
    }
}
