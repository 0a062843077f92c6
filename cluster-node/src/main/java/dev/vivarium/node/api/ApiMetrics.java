package dev.vivarium.node.api;

import dev.vivarium.node.cluster.HostView;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/** The node's Prometheus metrics: cluster membership as this node sees it, and the API's requests. */
public final class ApiMetrics {

    /** Prometheus' text exposition format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final List<String> STATES = List.of("Joining", "WeaklyUp", "Up", "Leaving", "Exiting", "Down", "Unreachable");

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    /** @param hosts the membership, read at each scrape */
    public ApiMetrics(Supplier<List<HostView>> hosts) {
        for (String state : STATES) {
            Gauge.builder("vivarium.cluster.members", () -> hosts.get().stream().filter(h -> h.state().equals(state)).count())
                    .description("cluster members in this state, as this node sees them")
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
