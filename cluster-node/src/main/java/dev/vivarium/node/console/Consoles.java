package dev.vivarium.node.console;

import dev.vivarium.node.api.ApiException;
import dev.vivarium.node.vm.VmService;
import dev.vivarium.node.vm.VmView;
import dev.vivarium.vm.actor.VmCommand;
import dev.vivarium.vm.actor.VmReply;
import dev.vivarium.vm.actor.VmState;
import dev.vivarium.vm.actor.VmStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Source;

/**
 * VMs' serial consoles for the API, wherever in the cluster the VMs run: a live stream of a
 * console ({@link #follow}) and typing on it ({@link #type}). Unknown VMs are 404 (the
 * inventory's answer), VMs that run nowhere 409.
 */
public final class Consoles {

    /** Events waiting for a slow client; past this its stream ends rather than grow without bound. */
    private static final int BUFFER = 4096;
    /** At most this much typed in one request. */
    public static final int MAX_INPUT = 64 * 1024;
    /** States whose guest takes input: it runs, or is paused and reads it later. */
    private static final Set<VmState> TAKES_INPUT = Set.of(VmState.RUNNING, VmState.PAUSED, VmState.HALTED_FOREVER);

    /** What typing did: {@code bytes} handed to the VM's UART, {@code consoleInputBytes} as the VM counts them all. */
    public record Typed(String vm, String host, int bytes, long consoleInputBytes) {
    }

    private final ActorSystem<?> system;
    private final VmService vms;
    private final VmLocator locator;
    private final Materializer materializer;
    private final Duration ask;
    private final Duration reattach;
    private final AtomicLong sessions = new AtomicLong();

    /**
     * @param ask      how long a host may take to answer
     * @param reattach how long a stream waits for its VM to run again after it stopped running where it was
     */
    public Consoles(ActorSystem<?> system, VmService vms, Materializer materializer, Duration ask, Duration reattach) {
        this.system = system;
        this.vms = vms;
        this.locator = new VmLocator(system, ask);
        this.materializer = materializer;
        this.ask = ask;
        this.reattach = reattach;
    }

    /** The console's recent output, then live output, with where it runs; follows the VM when it moves. */
    public CompletionStage<Source<ConsoleEvent, NotUsed>> follow(String vm) {
        return vms.get(vm).thenCompose(view -> locator.find(vm).thenApply(found -> {
            VmLocator.Located where = found.orElseThrow(() -> notRunning(view));
            Pair<BoundedSourceQueue<ConsoleEvent>, Source<ConsoleEvent, NotUsed>> queued =
                    Source.<ConsoleEvent>queue(BUFFER).preMaterialize(materializer);
            ActorRef<Object> session = system.systemActorOf(ConsoleSession.create(vm, where, locator, queued.first(), reattach),
                    "console-" + sessions.incrementAndGet() + "-" + vm, Props.empty());
            return queued.second().watchTermination((mat, done) -> {
                done.whenComplete((d, e) -> session.tell(ConsoleSession.ClientGone.INSTANCE));
                return mat;
            });
        }));
    }

    /**
     * Types {@code text} (one char per byte) on the VM's console. The VM's status is asked right
     * after the input, so its answer comes once the VM has taken the bytes (messages from one node
     * to an actor arrive in order) and counts them.
     */
    public CompletionStage<Typed> type(String vm, String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) > 0xFF) {
                throw ApiException.badRequest("text: character " + i + " (U+" + Integer.toHexString(text.charAt(i)).toUpperCase()
                        + ") is not a byte; the console takes bytes 0-255, one char each (ISO-8859-1)");
            }
        }
        return vms.get(vm).thenCompose(view -> locator.find(vm).thenCompose(found -> {
            VmLocator.Located where = found.orElseThrow(() -> notRunning(view));
            where.vm().tell(new VmCommand.ConsoleInput(text));
            return AskPattern.<VmCommand, VmReply>ask(where.vm(), VmCommand.GetStatus::new, ask, system.scheduler())
                    .thenApply(reply -> {
                        if (reply instanceof VmStatus status && TAKES_INPUT.contains(status.state())) {
                            return new Typed(vm, where.host(), text.getBytes(StandardCharsets.ISO_8859_1).length,
                                    status.consoleInputBytes());
                        }
                        throw ApiException.conflict("VM " + vm + " on " + where.host() + " takes no input now: " + describe(reply));
                    });
        }));
    }

    private static ApiException notRunning(VmView view) {
        return ApiException.conflict("VM " + view.name() + " is not running (" + view.powerState() + "): its console is attached only while it runs");
    }

    private static String describe(VmReply reply) {
        return reply instanceof VmStatus s ? s.state().name().toLowerCase() + " (" + s.detail() + ")" : reply.toString();
    }
}
