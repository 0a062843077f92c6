package dev.vivarium.node.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.vivarium.datastore.Datastore;
import dev.vivarium.datastore.DatastoreSettings;
import dev.vivarium.datastore.HostSession;
import dev.vivarium.datastore.config.CpuAllocation;
import dev.vivarium.datastore.config.RestartPriority;
import dev.vivarium.datastore.config.VmConfig;
import dev.vivarium.node.HostNode;
import dev.vivarium.node.NodeServices;
import dev.vivarium.node.TestNodes;
import dev.vivarium.node.api.ApiException;
import dev.vivarium.node.api.Json;
import dev.vivarium.node.cluster.HostResources;
import dev.vivarium.node.config.NodeConfigLoader;
import dev.vivarium.node.hosts.HostDirectory;
import dev.vivarium.node.vm.NotBuiltVmService;
import dev.vivarium.node.vm.VmOperation;
import dev.vivarium.node.vm.VmService;
import dev.vivarium.node.vm.VmSpec;
import dev.vivarium.node.vm.VmTask;
import dev.vivarium.node.vm.VmView;
import dev.vivarium.vm.actor.VmCommand;
import dev.vivarium.vm.actor.VmReply;
import dev.vivarium.vm.host.HostAgent;
import dev.vivarium.vm.host.HostCommand;
import dev.vivarium.vm.host.HostReply;
import dev.vivarium.vm.host.HostSettings;
import dev.vivarium.x86.bench.GuestsDirectory;
import dev.vivarium.node.client.ApiClient;
import dev.vivarium.node.client.ConsoleAttachment;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console endpoints against real bound servers of a two-member cluster in one JVM: the VM
 * (the counter guest) runs on host-2's HostAgent, the requests go to host-1, so the console
 * crosses nodes through the Kryo wire protocol.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleApiTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path dir;

    static HostNode front;
    static HostNode back;
    static Datastore datastore;
    static HostSession session;
    static ActorRef<HostCommand> agent;

    /** The inventory's answers the console needs: counter-1 and idle-1 exist, idle-1 is powered off. */
    static final class TwoVms implements VmService {
        private final VmService rest = new NotBuiltVmService();

        @Override
        public CompletionStage<List<VmView>> list() {
            return rest.list();
        }

        @Override
        public CompletionStage<VmView> create(VmSpec spec) {
            return rest.create(spec);
        }

        @Override
        public CompletionStage<VmView> reconfigure(String name, Map<String, Object> changes) {
            return rest.reconfigure(name, changes);
        }

        @Override
        public CompletionStage<Void> delete(String name) {
            return rest.delete(name);
        }

        @Override
        public CompletionStage<VmTask> submit(String name, VmOperation operation, String argument) {
            return rest.submit(name, operation, argument);
        }

        @Override
        public CompletionStage<VmView> get(String name) {
            return switch (name) {
                case "counter-1" -> CompletableFuture.completedFuture(view(name, "poweredOn"));
                case "idle-1" -> CompletableFuture.completedFuture(view(name, "poweredOff"));
                default -> CompletableFuture.failedFuture(ApiException.notFound("no VM named " + name));
            };
        }

        private static VmView view(String name, String power) {
            return new VmView(name, power, power, null, 0, 16, "counter", null);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        Path images = GuestsDirectory.find().orElseThrow(() -> new IllegalStateException("no guests/ above " + GuestsDirectory.start()))
                .resolve("images");
        front = HostNode.start(NodeConfigLoader.load(TestNodes.config(dir, "host-1")
                .withFallback(ConfigFactory.parseMap(Map.of("vivarium.api.console-reattach", "60s")))), new NodeServices(new TwoVms(), HostResources.UNKNOWN));
        back = HostNode.start(NodeConfigLoader.load(TestNodes.config(dir, "host-2")
                .withFallback(ConfigFactory.parseMap(Map.of("vivarium.api.console-reattach", "2s",
                        "vivarium.vm.image-directory", images.toString())))), new NodeServices(new TwoVms(), HostResources.UNKNOWN));
        TestNodes.join(front, front);
        TestNodes.join(back, front);
        await().atMost(WAIT).until(() -> StreamSupport.stream(Cluster.get(front.system()).state().getMembers().spliterator(), false)
                .filter(m -> m.status() == MemberStatus.up()).count() == 2);

        datastore = Datastore.open(dir.resolve("datastore"), DatastoreSettings.DEFAULTS);
        session = datastore.joinAsHost("host-2");
        agent = back.system().systemActorOf(HostAgent.create(datastore, session,
                HostSettings.fromConfig(back.system().settings().config().getConfig("vivarium"))), "host-agent", Props.empty());
        back.system().receptionist().tell(Receptionist.register(HostDirectory.AGENTS, agent));
        // The Receptionist spreads registrations through the cluster as it gossips: wait until host-1 sees the agent.
        await().atMost(WAIT).until(() -> AskPattern.<Receptionist.Command, Receptionist.Listing>ask(front.system().receptionist(),
                r -> Receptionist.find(HostDirectory.AGENTS, r), WAIT, front.system().scheduler())
                .toCompletableFuture().get().getServiceInstances(HostDirectory.AGENTS).size() == 1);
        datastore.vm("counter-1").writeConfig(new VmConfig("counter-1", 16, "counter", "", "period_ms=20", CpuAllocation.NORMAL,
                RestartPriority.MEDIUM, List.of()));
        powerOn();
    }

    private static HostReply.VmStarted powerOn() throws Exception {
        HostReply reply = AskPattern.<HostCommand, HostReply>ask(agent, r -> new HostCommand.PowerOn("counter-1", 10_000, r),
                WAIT, back.system().scheduler()).toCompletableFuture().get();
        assertThat(reply).isInstanceOf(HostReply.VmStarted.class);
        return (HostReply.VmStarted) reply;
    }

    private static ActorRef<VmCommand> counter() throws Exception {
        HostReply found = AskPattern.<HostCommand, HostReply>ask(agent, r -> new HostCommand.FindVm("counter-1", r),
                WAIT, back.system().scheduler()).toCompletableFuture().get();
        return ((HostReply.VmFound) found).ref();
    }

    @AfterAll
    static void stop() {
        if (front != null) {
            front.close();
        }
        if (back != null) {
            back.close();
        }
        if (session != null) {
            session.close();
        }
    }

    private static HttpResponse<String> post(HostNode n, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(n.apiUrl() + path)).timeout(WAIT)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertError(HttpResponse<String> r, int status, String text) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(Json.MAPPER.readTree(r.body()).path("error").asText()).contains(text);
    }

    @Test
    @Order(1)
    void streamsTheHistoryThenLiveOutputFromAnotherNode() throws Exception {
        try (SseClient console = new SseClient(front.apiUrl(), "/api/v1/vms/counter-1/console", TestNodes.TOKEN)) {
            assertThat(console.status()).isEqualTo(200);
            await().atMost(WAIT).until(() -> console.numbers().size() >= 5);
            SseClient.Event first = console.events().get(0);
            assertThat(first.type()).isEqualTo("attached");
            assertThat(first.data().path("host").asText()).isEqualTo("host-2");
            // The recent output from boot, then live lines, all in order.
            List<Long> numbers = console.numbers();
            assertThat(numbers.get(0)).isEqualTo(1);
            for (int i = 1; i < numbers.size(); i++) {
                assertThat(numbers.get(i)).isEqualTo(numbers.get(i - 1) + 1);
            }
        }
    }

    @Test
    @Order(2)
    void typedBytesReachTheVmOnAnotherNode() throws Exception {
        HttpResponse<String> typed = post(front, "/api/v1/vms/counter-1/console", "{\"text\": \"hi\\n\\u00ff\"}", TestNodes.TOKEN);
        assertThat(typed.statusCode()).as(typed.body()).isEqualTo(200);
        JsonNode answer = Json.MAPPER.readTree(typed.body());
        assertThat(answer.path("vm").asText()).isEqualTo("counter-1");
        assertThat(answer.path("host").asText()).isEqualTo("host-2");
        assertThat(answer.path("bytes").asInt()).isEqualTo(4);
        long total = answer.path("consoleInputBytes").asLong();
        assertThat(total).isGreaterThanOrEqualTo(4);
        // The VM counts what it took: one more byte, one more in its count.
        JsonNode again = Json.MAPPER.readTree(post(front, "/api/v1/vms/counter-1/console", "{\"text\": \"x\"}", TestNodes.TOKEN).body());
        assertThat(again.path("consoleInputBytes").asLong()).isEqualTo(total + 1);
    }

    @Test
    @Order(3)
    void refusesWhatIsWrong() throws Exception {
        String path = "/api/v1/vms/counter-1/console";
        assertError(post(front, path, "{\"text\": \"x\"}", null), 401, "bearer token");
        assertError(post(front, path, "{\"text\": \"x\"}", "wrong"), 401, "bearer token");
        try (SseClient noToken = new SseClient(front.apiUrl(), path, "wrong")) {
            assertThat(noToken.status()).isEqualTo(401);
        }
        assertError(post(front, path, "", TestNodes.TOKEN), 400, "needs a JSON body");
        assertError(post(front, path, "typed text", TestNodes.TOKEN), 400, "invalid JSON body");
        assertError(post(front, path, "{}", TestNodes.TOKEN), 400, "text: missing or empty");
        assertError(post(front, path, "{\"text\": \"\"}", TestNodes.TOKEN), 400, "text: missing or empty");
        assertError(post(front, path, "{\"txt\": \"x\"}", TestNodes.TOKEN), 400, "invalid JSON body");
        assertError(post(front, path, "{\"text\": \"\\u20ac\"}", TestNodes.TOKEN), 400, "is not a byte");
        assertError(post(front, "/api/v1/vms/nope-1/console", "{\"text\": \"x\"}", TestNodes.TOKEN), 404, "no VM named nope-1");
        assertError(post(front, "/api/v1/vms/idle-1/console", "{\"text\": \"x\"}", TestNodes.TOKEN), 409, "not running (poweredOff)");
        try (SseClient unknown = new SseClient(front.apiUrl(), "/api/v1/vms/nope-1/console", TestNodes.TOKEN);
             SseClient idle = new SseClient(front.apiUrl(), "/api/v1/vms/idle-1/console", TestNodes.TOKEN)) {
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(idle.status()).isEqualTo(409);
            assertThat(idle.body()).contains("not running (poweredOff)");
        }
    }

    @Test
    @Order(4)
    void followsTheVmThroughASuspendAndResumeAndEndsWhenItDoesNotComeBack() throws Exception {
        try (SseClient far = new SseClient(front.apiUrl(), "/api/v1/vms/counter-1/console", TestNodes.TOKEN);
             SseClient near = new SseClient(back.apiUrl(), "/api/v1/vms/counter-1/console", TestNodes.TOKEN)) {
            await().atMost(WAIT).until(() -> far.numbers().size() >= 3 && near.numbers().size() >= 3);
            // Suspended and resumed: the streams say so and go on with the restored VM.
            assertThat(ask(counter(), VmCommand.Suspend::new)).isEqualTo(new VmReply.Done("counter-1", "suspended"));
            await().atMost(WAIT).until(() -> far.lastIndexOf("detached") > 0);
            long last = far.numbers().get(far.numbers().size() - 1);
            assertThat(far.events().get(far.lastIndexOf("detached")).data().path("host").asText()).isEqualTo("host-2");
            assertThat(powerOn().restoredSeq()).isGreaterThanOrEqualTo(0);
            await().atMost(WAIT).until(() -> far.lastIndexOf("attached") > far.lastIndexOf("detached")
                    && far.numbers(far.lastIndexOf("attached")).size() >= 2);
            // Nothing lost, nothing repeated: the counter goes on where it was suspended.
            assertThat(far.numbers(far.lastIndexOf("attached")).get(0)).isBetween(last + 1, last + 2);

            // The near stream waits 2 s only: suspended for good, its stream ends with an 'end' event.
            await().atMost(WAIT).until(() -> near.ended() || near.lastIndexOf("attached") > 0);
            assertThat(ask(counter(), VmCommand.Suspend::new)).isEqualTo(new VmReply.Done("counter-1", "suspended"));
            await().atMost(WAIT).until(near::ended);
            assertThat(near.types()).endsWith("detached", "end");
            assertThat(far.ended()).isFalse();
            powerOn();
            await().atMost(WAIT).until(() -> far.lastIndexOf("attached") > far.lastIndexOf("detached")
                    && far.lastIndexOf("detached") > 0 && far.types().stream().filter("detached"::equals).count() == 2);
        }
    }

    @Test
    @Order(5)
    void theAttachmentCopiesOutputTypesInputAndDetachesOnCtrlBracket() throws Exception {
        // The first address refuses connections (a node that is down): the client goes on to the next.
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        ApiClient api = new ApiClient(List.of("http://127.0.0.1:" + closedPort, front.apiUrl()), TestNodes.TOKEN);
        ByteArrayOutputStream notes = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PipedOutputStream keys = new PipedOutputStream();
        PipedInputStream stdin = new PipedInputStream(keys);
        ConsoleAttachment attachment = new ConsoleAttachment(api, "counter-1", new PrintStream(notes, true, StandardCharsets.UTF_8));
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
            try {
                return attachment.run(stdin, out);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(WAIT).until(() -> notes.toString(StandardCharsets.UTF_8).contains("[Connected to counter-1 (detach with Ctrl-])]")
                && out.toString(StandardCharsets.ISO_8859_1).matches("(?s).*counter \\d+\n.*counter \\d+\n.*"));
        long before = Json.MAPPER.readTree(post(front, "/api/v1/vms/counter-1/console", "{\"text\": \"x\"}", TestNodes.TOKEN).body())
                .path("consoleInputBytes").asLong();
        keys.write(new byte[] {'l', 's', '\r', ConsoleAttachment.DETACH, 'q'});
        keys.flush();
        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(notes.toString(StandardCharsets.UTF_8)).endsWith("[detached from counter-1]\r\n");
        long after = Json.MAPPER.readTree(post(front, "/api/v1/vms/counter-1/console", "{\"text\": \"x\"}", TestNodes.TOKEN).body())
                .path("consoleInputBytes").asLong();
        assertThat(after).as("x, l, s, CR and x again; nothing after Ctrl-]").isEqualTo(before + 4);
        keys.close();

        ConsoleAttachment unknown = new ConsoleAttachment(api, "nope-1", new PrintStream(notes, true, StandardCharsets.UTF_8));
        assertThat(unknown.run(new ByteArrayInputStream(new byte[0]), out)).isEqualTo(1);
        assertThat(notes.toString(StandardCharsets.UTF_8)).contains("vivarium console: no VM named nope-1");
    }

    private static VmReply ask(ActorRef<VmCommand> vm, Function<ActorRef<VmReply>, VmCommand> command) throws Exception {
        return AskPattern.<VmCommand, VmReply>ask(vm, command::apply, WAIT, back.system().scheduler()).toCompletableFuture().get();
    }
}
