package dev.vivarium.node.api;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;

/** Binds the API and unbinds it when the node shuts down (Pekko's CoordinatedShutdown). */
public final class ApiServer {

    /** How long in-flight requests may finish when the node stops. */
    private static final Duration DRAIN = Duration.ofSeconds(5);

    private ApiServer() {
    }

    public static CompletionStage<ServerBinding> bind(ActorSystem<?> system, String host, int port,
                                                      Function<HttpRequest, CompletionStage<HttpResponse>> handler) {
        return Http.get(system).newServerAt(host, port).bind(handler::apply)
                .thenApply(binding -> binding.addToCoordinatedShutdown(DRAIN, system));
    }

    /** The address a client uses, e.g. http://127.0.0.1:40123. */
    public static String url(ServerBinding binding) {
        InetSocketAddress a = binding.localAddress();
        return "http://" + a.getHostString() + ":" + a.getPort();
    }
}
