package dev.vivarium.node.web;

import dev.vivarium.node.api.BearerToken;
import dev.vivarium.node.api.RequestAuth;
import dev.vivarium.node.api.Router;
import dev.vivarium.node.cluster.HostView;
import dev.vivarium.node.events.Alarms;
import dev.vivarium.node.vm.VmService;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.stream.Materializer;

/**
 * The web client of one node, assembled: its sessions, the credentials the API then takes, the
 * routes it watches, and the front that serves the page before the API.
 */
public final class WebClient {

    private final ActorSystem<?> system;
    private final WebSettings settings;
    private final String hostName;
    private final BearerToken token;
    private final Sessions sessions;
    private final Materializer materializer;
    private final Duration bodyTimeout;
    private final Clock clock = Clock.systemUTC();

    public WebClient(ActorSystem<?> system, WebSettings settings, String hostName, BearerToken token, Materializer materializer,
                     Duration bodyTimeout) {
        this.system = system;
        this.settings = settings;
        this.hostName = hostName;
        this.token = token;
        this.sessions = new Sessions(token, clock);
        this.materializer = materializer;
        this.bodyTimeout = bodyTimeout;
    }

    /** The bearer token or a session cookie (with its CSRF token for changes). */
    public RequestAuth access() {
        return new WebAccess(token, sessions, settings.sessionCookie());
    }

    /** Adds the routes the page watches, and starts sampling the hosts' load for its charts. */
    public void addRoutes(Router router, Supplier<List<HostView>> hosts, VmService vms, Alarms alarms) {
        LoadHistory history = new LoadHistory(hosts, clock, settings.history(), settings.historySample());
        system.scheduler().scheduleAtFixedRate(settings.historySample(), settings.historySample(), history::sample,
                system.executionContext());
        InventoryRoutes.addTo(router, new InventoryRoutes.Parts(hosts, vms, alarms, history, settings.inventoryPush(),
                settings.historySample(), clock));
    }

    /** What the node's HTTP server runs: the page and its session, then {@code api}. */
    public Function<HttpRequest, CompletionStage<HttpResponse>> front(Function<HttpRequest, CompletionStage<HttpResponse>> api) {
        return new WebFront(new WebFront.Parts(hostName, token, sessions, settings, new WebPeers(system)::reachable, materializer,
                bodyTimeout), api);
    }
}
