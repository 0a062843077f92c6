package dev.vivarium.node.console;

import dev.vivarium.vm.actor.ConsoleOutput;
import dev.vivarium.vm.actor.VmCommand;
import java.time.Duration;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;

/**
 * One console stream: subscribes to the VM's actor wherever it runs (the output crosses nodes as
 * {@link ConsoleOutput}, with Kryo) and watches it. When the VM stops running there (suspended,
 * moved, its host stopped or lost), the stream says so and looks for it again until it runs
 * somewhere or the re-attach time is up; then it ends. Its own ref takes {@link ConsoleOutput}
 * directly, so a VM on another node can send to it and watch it.
 */
final class ConsoleSession {

    /** The client went away (or the stream failed): unsubscribe and stop. */
    enum ClientGone { INSTANCE }

    private enum Retry { INSTANCE }

    /** While attached: is the VM still where the stream follows it? */
    private enum Check { INSTANCE }

    private record Checked(Optional<VmLocator.Located> where) {
    }

    private record VmGone(VmLocator.Located where) {
    }

    private record Found(Optional<VmLocator.Located> where) {
    }

    private static final Duration RETRY_EVERY = Duration.ofMillis(500);

    private final ActorContext<Object> ctx;
    private final String vm;
    private final VmLocator locator;
    private final BoundedSourceQueue<ConsoleEvent> queue;
    private final Duration reattach;
    private VmLocator.Located current;
    private long giveUpAt;
    /** The console's run {@link #next} counts in: {@link ConsoleOutput#NO_RUN} until the VM sent any. */
    private long run = ConsoleOutput.NO_RUN;
    /** The console offset of the next byte this stream passes on, in {@link #run}. */
    private long next = -1;

    static Behavior<Object> create(String vm, VmLocator.Located first, VmLocator locator, BoundedSourceQueue<ConsoleEvent> queue,
                                   Duration reattach) {
        return Behaviors.setup(ctx -> new ConsoleSession(ctx, vm, locator, queue, reattach).start(first));
    }

    private ConsoleSession(ActorContext<Object> ctx, String vm, VmLocator locator, BoundedSourceQueue<ConsoleEvent> queue,
                           Duration reattach) {
        this.ctx = ctx;
        this.vm = vm;
        this.locator = locator;
        this.queue = queue;
        this.reattach = reattach;
    }

    private Behavior<Object> start(VmLocator.Located first) {
        ctx.scheduleOnce(RETRY_EVERY, ctx.getSelf(), Check.INSTANCE);
        return attach(first) ? behavior() : Behaviors.stopped();
    }

    private Behavior<Object> behavior() {
        return Behaviors.receive(Object.class)
                .onMessage(ConsoleOutput.class, out -> {
                    String text = unseen(out);
                    return text.isEmpty() || offer(new ConsoleEvent.Output(vm, text)) ? Behaviors.same() : Behaviors.stopped();
                })
                .onMessage(VmGone.class, gone -> {
                    if (!gone.where().equals(current)) {
                        return Behaviors.same();
                    }
                    current = null;
                    if (!offer(new ConsoleEvent.Detached(vm, gone.where().host(), "VM " + vm + " stopped running on "
                            + gone.where().host() + " (suspended, powered off, moved, or its host stopped); waiting up to "
                            + reattach.toSeconds() + " s for it to run again"))) {
                        return Behaviors.stopped();
                    }
                    giveUpAt = System.nanoTime() + reattach.toNanos();
                    ctx.getSelf().tell(Retry.INSTANCE);
                    return Behaviors.same();
                })
                .onMessageEquals(Check.INSTANCE, () -> {
                    if (current != null) {
                        ctx.pipeToSelf(locator.find(vm), (where, failure) -> new Checked(where == null ? Optional.empty() : where));
                    } else {
                        ctx.scheduleOnce(RETRY_EVERY, ctx.getSelf(), Check.INSTANCE);
                    }
                    return Behaviors.same();
                })
                .onMessage(Checked.class, checked -> {
                    ctx.scheduleOnce(RETRY_EVERY, ctx.getSelf(), Check.INSTANCE);
                    VmLocator.Located old = current;
                    if (old == null || checked.where().isEmpty() || checked.where().get().vm().equals(old.vm())) {
                        return Behaviors.same();
                    }
                    // The VM runs elsewhere already (HA restarted it) while its old actor is not yet known dead:
                    // a killed host's actors are, only once the cluster removes the host, seconds later.
                    ctx.unwatch(old.vm());
                    old.vm().tell(new VmCommand.UnsubscribeConsole(ctx.getSelf().narrow()));
                    if (!offer(new ConsoleEvent.Detached(vm, old.host(), "VM " + vm + " runs on " + checked.where().get().host()
                            + " now"))) {
                        return Behaviors.stopped();
                    }
                    return attach(checked.where().get()) ? Behaviors.same() : Behaviors.stopped();
                })
                .onMessageEquals(Retry.INSTANCE, () -> {
                    ctx.pipeToSelf(locator.find(vm), (where, failure) -> new Found(where == null ? Optional.empty() : where));
                    return Behaviors.same();
                })
                .onMessage(Found.class, found -> {
                    if (current != null) {
                        return Behaviors.same();
                    }
                    if (found.where().isPresent()) {
                        return attach(found.where().get()) ? Behaviors.same() : Behaviors.stopped();
                    }
                    if (System.nanoTime() - giveUpAt > 0) {
                        offer(new ConsoleEvent.Ended(vm, "VM " + vm + " did not run again within " + reattach.toSeconds() + " s"));
                        queue.complete();
                        return Behaviors.stopped();
                    }
                    ctx.scheduleOnce(RETRY_EVERY, ctx.getSelf(), Retry.INSTANCE);
                    return Behaviors.same();
                })
                .onMessageEquals(ClientGone.INSTANCE, () -> {
                    if (current != null) {
                        current.vm().tell(new VmCommand.UnsubscribeConsole(ctx.getSelf().narrow()));
                    }
                    return Behaviors.stopped();
                })
                .build();
    }

    private boolean attach(VmLocator.Located where) {
        current = where;
        if (!offer(new ConsoleEvent.Attached(vm, where.host()))) {
            return false;
        }
        ctx.watchWith(where.vm(), new VmGone(where));
        // From where it stopped: the VM's history moved with it, so what it printed meanwhile comes, and nothing twice.
        where.vm().tell(new VmCommand.SubscribeConsole(ctx.getSelf().narrow(), run, next));
        return true;
    }

    /**
     * The part of {@code out} this stream has not passed on yet. Offsets count the bytes the VM's
     * console wrote in one run (from a boot or restore on, wherever it ran since), so a VM that
     * moved sends no line twice; all a new run writes is new, even where its offsets are ones this
     * stream has passed in the run before.
     */
    private String unseen(ConsoleOutput out) {
        if (out.run() != run) {
            run = out.run();
            next = out.offset() + out.text().length();
            return out.text();
        }
        long skip = next - out.offset();
        next = Math.max(next, out.offset() + out.text().length());
        return skip <= 0 ? out.text() : skip >= out.text().length() ? "" : out.text().substring((int) skip);
    }

    /** False when the client cannot keep up (or is gone): the stream then ends rather than grow without bound. */
    private boolean offer(ConsoleEvent event) {
        if (queue.offer(event) == QueueOfferResult.enqueued()) {
            return true;
        }
        queue.complete();
        return false;
    }
}
