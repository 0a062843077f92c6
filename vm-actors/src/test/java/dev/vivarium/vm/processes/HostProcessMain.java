package dev.vivarium.vm.processes;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.vivarium.datastore.Datastore;
import dev.vivarium.datastore.DatastoreSettings;
import dev.vivarium.datastore.HostSession;
import dev.vivarium.vm.actor.ConsoleOutput;
import dev.vivarium.vm.actor.VmCommand;
import dev.vivarium.vm.host.HostAgent;
import dev.vivarium.vm.host.HostCommand;
import dev.vivarium.vm.host.HostReply;
import dev.vivarium.vm.host.HostSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A host process for the crash tests: one HostAgent on a datastore, with short lease times.
 * {@code --vm NAME} powers a VM on (waiting for its lease); {@code --watch NAME} only looks for
 * it (a VM the agent recovers by itself). Prints one line per event on stdout:
 * {@code ready}, {@code started VM epoch E restored SEQ}, {@code refused VM REASON},
 * {@code found VM}, {@code console VM LINE}.
 *
 * <p>Usage: DATASTORE HOST IMAGES CHECKPOINT_MS [--vm NAME | --watch NAME]...
 */
public final class HostProcessMain {
    public static final DatastoreSettings LEASES =
            new DatastoreSettings(Duration.ofMillis(250), Duration.ofMillis(2500), Duration.ofMillis(1000));

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        String host = args[1];
        Map<String, Object> overrides = new HashMap<>();
        overrides.put("vivarium.vm.image-directory", args[2]);
        overrides.put("vivarium.vm.checkpoint-period", args[3] + "ms");
        overrides.put("vivarium.host.acquire-timeout", "20s");
        overrides.put("pekko.loglevel", "WARNING");
        overrides.put("pekko.stdout-loglevel", "OFF");
        Config config = ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.load());
        Datastore datastore = Datastore.open(root, LEASES);
        HostSession session = datastore.joinAsHost(host);
        List<String> powerOn = new ArrayList<>();
        List<String> watch = new ArrayList<>();
        for (int i = 4; i + 1 < args.length; i += 2) {
            (args[i].equals("--vm") ? powerOn : watch).add(args[i + 1]);
        }
        HostSettings settings = HostSettings.fromConfig(config.getConfig("vivarium"));
        ActorSystem.create(Behaviors.setup(ctx -> {
            ActorRef<HostCommand> agent = ctx.spawn(HostAgent.create(datastore, session, settings), "host");
            ActorRef<HostReply> replies = ctx.spawn(printer(agent), "printer");
            powerOn.forEach(vm -> agent.tell(new HostCommand.PowerOn(vm, 20_000, replies)));
            watch.forEach(vm -> agent.tell(new HostCommand.FindVm(vm, replies)));
            print("ready");
            return Behaviors.empty();
        }), host.replace('-', '_'), config);
    }

    /** Prints the agent's answers, subscribes to the consoles of started and found VMs, and polls for watched ones. */
    private static Behavior<HostReply> printer(ActorRef<HostCommand> agent) {
        return Behaviors.setup(ctx -> Behaviors.receive(HostReply.class)
                .onMessage(HostReply.VmStarted.class, s -> {
                    print("started " + s.vm() + " epoch " + s.epoch() + " restored " + s.restoredSeq());
                    s.ref().tell(new VmCommand.SubscribeConsole(ctx.spawnAnonymous(console(s.vm()))));
                    return Behaviors.same();
                })
                .onMessage(HostReply.VmFound.class, f -> {
                    print("found " + f.vm());
                    f.ref().tell(new VmCommand.SubscribeConsole(ctx.spawnAnonymous(console(f.vm()))));
                    return Behaviors.same();
                })
                .onMessage(HostReply.NotHere.class, n -> {
                    ctx.scheduleOnce(Duration.ofMillis(100), agent, new HostCommand.FindVm(n.vm(), ctx.getSelf()));
                    return Behaviors.same();
                })
                .onMessage(HostReply.Refused.class, r -> {
                    print("refused " + r.vm() + " " + r.reason());
                    return Behaviors.same();
                })
                .onAnyMessage(m -> Behaviors.same())
                .build());
    }

    private static Behavior<ConsoleOutput> console(String vm) {
        StringBuilder line = new StringBuilder();
        return Behaviors.receiveMessage(out -> {
            for (char c : out.text().toCharArray()) {
                if (c == '\n') {
                    print("console " + vm + " " + line);
                    line.setLength(0);
                } else {
                    line.append(c);
                }
            }
            return Behaviors.same();
        });
    }

    private static synchronized void print(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
