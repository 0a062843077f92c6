package dev.vivarium.node.api;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * Routes that parts wired into a node add to its API (rules, DRS): the wiring adds them here
 * while it builds the node's services, and the node adds them to its router with the others.
 * One per ActorSystem, so every node of a test JVM has its own.
 */
public final class RouteContributions implements Extension {

    private static final ExtensionId<RouteContributions> ID = new ExtensionId<>() {
        @Override
        public RouteContributions createExtension(ActorSystem<?> system) {
            return new RouteContributions();
        }
    };

    private final List<BiConsumer<Router, ApiRoutes.Parts>> contributions = new CopyOnWriteArrayList<>();

    public static RouteContributions get(ActorSystem<?> system) {
        return system.registerExtension(ID);
    }

    /** Adds {@code routes} to the API of the node of this ActorSystem (before it binds). */
    public void add(BiConsumer<Router, ApiRoutes.Parts> routes) {
        contributions.add(routes);
    }

    public void addTo(Router router, ApiRoutes.Parts parts) {
        contributions.forEach(c -> c.accept(router, parts));
    }
}
