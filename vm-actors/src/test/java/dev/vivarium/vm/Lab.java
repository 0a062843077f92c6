package dev.vivarium.vm;

import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.vivarium.datastore.Datastore;
import dev.vivarium.datastore.DatastoreSettings;
import dev.vivarium.datastore.HostSession;
import dev.vivarium.datastore.config.CpuAllocation;
import dev.vivarium.datastore.config.RestartPriority;
import dev.vivarium.datastore.config.VmConfig;
import dev.vivarium.vm.actor.ConsoleOutput;
import dev.vivarium.vm.actor.VmCommand;
import dev.vivarium.vm.actor.VmReply;
import dev.vivarium.vm.host.HostAgent;
import dev.vivarium.vm.host.HostCommand;
import dev.vivarium.vm.host.HostReply;
import dev.vivarium.vm.host.HostSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** One host in a test: a datastore session, an actor system and its HostAgent. */
public final class Lab implements AutoCloseable {
    /** No takeover happens in one JVM, so leases are long enough for a loaded machine never to fence the host. */
    public static final DatastoreSettings LEASES =
            new DatastoreSettings(Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofSeconds(2));

    public final Datastore datastore;
    public final HostSession session;
    public final ActorTestKit kit;
    public final ActorRef<HostCommand> host;

    public Lab(Path root, String hostName, Map<String, Object> overrides) throws IOException {
        this.datastore = Datastore.open(root, LEASES);
        this.session = datastore.joinAsHost(hostName);
        Config config = ConfigFactory.parseMap(overrides)
                .withFallback(ConfigFactory.parseMap(Map.of("vivarium.vm.image-directory", images().toString())))
                .withFallback(ConfigFactory.load());
        this.kit = ActorTestKit.create(hostName, config);
        this.host = kit.spawn(HostAgent.create(datastore, session, HostSettings.fromConfig(config.getConfig("vivarium"))), "host");
    }

    public static Path images() {
        String root = System.getenv("VIVARIUM_ROOT");
        return (root == null ? Path.of("..") : Path.of(root)).resolve("guests/images").toAbsolutePath().normalize();
    }

    public static VmConfig counter(String name, int periodMs) {
        return vm(name, "counter", "period_ms=" + periodMs, CpuAllocation.NORMAL);
    }

    public static VmConfig vm(String name, String image, String commandLine, CpuAllocation cpu) {
        return new VmConfig(name, 16, image, "", commandLine, cpu, RestartPriority.MEDIUM, List.of());
    }

    public HostReply.VmStarted powerOn(VmConfig config) throws IOException {
        datastore.vm(config.name()).writeConfig(config);
        return powerOn(config.name(), Duration.ofSeconds(5));
    }

    public HostReply.VmStarted powerOn(String vm, Duration acquireTimeout) {
        TestProbe<HostReply> probe = kit.createTestProbe();
        host.tell(new HostCommand.PowerOn(vm, acquireTimeout.toMillis(), probe.ref()));
        HostReply reply = probe.receiveMessage(acquireTimeout.plusSeconds(10));
        if (reply instanceof HostReply.VmStarted started) {
            return started;
        }
        throw new AssertionError("power on of " + vm + " refused: " + reply);
    }

    /** Subscribes to the VM's console; the console's own asks are ordered after the output before them. */
    public Console console(ActorRef<VmCommand> vm) {
        return console(vm, ConsoleOutput.NO_RUN, -1);
    }

    /**
     * Subscribes to the VM's console from where {@code earlier} stopped reading (its run and
     * offset), as a console stream does that follows the VM to where it runs now.
     */
    public Console follow(ActorRef<VmCommand> vm, Console earlier) {
        return console(vm, earlier.run(), earlier.next());
    }

    private Console console(ActorRef<VmCommand> vm, long run, long from) {
        Console console = new Console();
        ActorRef<Object> sink = kit.spawn(Behaviors.receiveMessage(message -> {
            if (message instanceof ConsoleOutput out) {
                console.add(out);
            } else if (message instanceof VmReply reply) {
                console.answered(reply);
            }
            return Behaviors.same();
        }));
        console.attach(vm, sink);
        vm.tell(new VmCommand.SubscribeConsole(sink.narrow(), run, from));
        return console;
    }

    /** Asks the VM and returns its answer. */
    public VmReply ask(ActorRef<VmCommand> vm, Function<ActorRef<VmReply>, VmCommand> command) {
        TestProbe<VmReply> probe = kit.createTestProbe();
        vm.tell(command.apply(probe.ref()));
        return probe.receiveMessage(Duration.ofSeconds(10));
    }

    /**
     * Waits until the host no longer lists {@code vm}: its actor may have stopped already while the
     * agent has yet to take in the stop (it learns of it by a death watch message).
     */
    public void awaitGone(String vm, Duration wait) {
        await().atMost(wait).until(() -> {
            TestProbe<HostReply> probe = kit.createTestProbe();
            host.tell(new HostCommand.FindVm(vm, probe.ref()));
            return probe.receiveMessage(wait) instanceof HostReply.NotHere;
        });
    }

    @Override
    public void close() {
        kit.shutdownTestKit();
        session.close();
    }

    /** Collects a VM's console and reads the counter's lines from it. */
    public static final class Console {
        private static final Pattern LINE = Pattern.compile("counter (\\d+)\n");
        private final StringBuilder text = new StringBuilder();
        private long run = ConsoleOutput.NO_RUN;
        private long next = -1;
        private ActorRef<VmCommand> vm;
        private ActorRef<Object> sink;
        private CompletableFuture<VmReply> pending;

        void attach(ActorRef<VmCommand> vm, ActorRef<Object> sink) {
            this.vm = vm;
            this.sink = sink;
        }

        synchronized void answered(VmReply reply) {
            pending.complete(reply);
        }

        /**
         * Sends a command whose answer comes back through the console's own actor: the VM sent
         * its console output before the answer, so when this returns all of it has been read.
         */
        public VmReply ask(Function<ActorRef<VmReply>, VmCommand> command) throws Exception {
            CompletableFuture<VmReply> answer = new CompletableFuture<>();
            synchronized (this) {
                pending = answer;
            }
            vm.tell(command.apply(sink.narrow()));
            return answer.get(10, TimeUnit.SECONDS);
        }

        public synchronized void add(ConsoleOutput out) {
            text.append(out.text());
            run = out.run();
            next = out.offset() + out.text().length();
        }

        /** The console run of the last output read ({@link ConsoleOutput#NO_RUN} before any). */
        public synchronized long run() {
            return run;
        }

        /** The offset, in {@link #run()}, of the byte after the last one read. */
        public synchronized long next() {
            return next;
        }

        public synchronized String text() {
            return text.toString();
        }

        public synchronized List<Long> numbers() {
            List<Long> numbers = new ArrayList<>();
            Matcher m = LINE.matcher(text);
            while (m.find()) {
                numbers.add(Long.parseLong(m.group(1)));
            }
            return numbers;
        }

        public long last() {
            List<Long> n = numbers();
            return n.isEmpty() ? 0 : n.get(n.size() - 1);
        }
    }
}
