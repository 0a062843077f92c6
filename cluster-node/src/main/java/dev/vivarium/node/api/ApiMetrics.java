package dev.vivarium.node.api;

import dev.vivarium.node.cluster.HostView;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/** The node's Prometheus metrics: cluster membership as this node sees it, the inventory's hosts, and the API's requests. */
public final class ApiMetrics {

    /** Prometheus' text exposition format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final List<String> STATES = List.of("Joining", "WeaklyUp", "Up", "Leaving", "Exiting", "Down", "Unreachable");
    private static final List<String> HOST_STATES = List.of(HostView.CONNECTING, HostView.CONNECTED, HostView.MAINTENANCE,
            HostView.DISCONNECTED, HostView.NOT_RESPONDING);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    /** @param hosts the membership, read at each scrape */
    public ApiMetrics(Supplier<List<HostView>> hosts) {
        for (String state : STATES) {
            Gauge.builder("vivarium.cluster.members", () -> hosts.get().stream().filter(h -> state.equals(h.memberStatus())).count())
                    .description("cluster members in this state, as this node sees them")
                    .tag("state", state)
                    .register(registry);
        }
        for (String state : HOST_STATES) {
            Gauge.builder("vivarium.hosts", () -> hosts.get().stream().filter(h -> state.equals(h.state())).count())
                    .description("hosts the inventory knows, by their state there")
                    .tag("state", state)
                    .register(registry);
        }
    }

    /** Counts one answered request. {@code route} is the matched template, never the raw path (bounded labels). */
    public void recordRequest(String method, String route, int status, Duration latency) {
        Timer.builder("vivarium.api.requests")
                .description("API requests answered, by route and status")
                .tag("method", method)
                .tag("route", route)
                .tag("status", Integer.toString(status))
                .register(registry)
                .record(latency);
    }

    public String scrape() {
        return registry.scrape();
    }
}
