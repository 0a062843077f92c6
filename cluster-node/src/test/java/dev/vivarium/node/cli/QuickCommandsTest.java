package dev.vivarium.node.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vivarium.node.HostNode;
import dev.vivarium.node.NodeServices;
import dev.vivarium.node.TestNodes;
import dev.vivarium.node.lab.LabManifest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quick path of vm list, host list and events answers exactly as picocli's does, and leaves
 * every other command line to picocli. Against a real node (without the inventory, so vm list
 * fails with the API's 501: the error path is compared too).
 */
class QuickCommandsTest {

    @TempDir
    static Path dir;

    static HostNode node;

    @BeforeAll
    static void start() throws Exception {
        node = TestNodes.start(dir, "host-1", NodeServices.notBuiltYet());
        TestNodes.join(node, node);
        new LabManifest(List.of(new LabManifest.Node("host-1", node.apiUrl(), "", ProcessHandle.current().pid(), "")))
                .write(dir.resolve("lab.json"));
        // The events to list: the node's own membership events.
        await().atMost(Duration.ofSeconds(30)).until(() -> !node.events().recent(10).isEmpty());
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
    }

    record Output(Optional<Integer> exit, String out, String err) {
    }

    /** Runs {@code command} with System.out and System.err captured. */
    static synchronized Output capture(Supplier<Optional<Integer>> command) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            Optional<Integer> exit = command.get();
            return new Output(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void theQuickFormsAnswerAsPicocliDoes() {
        String lab = dir.toString();
        List<String[]> lines = List.of(
                new String[] {"host", "list", "--dir", lab},
                new String[] {"host", "list", "--json", "--dir=" + lab},
                new String[] {"vm", "list", "--dir", lab},
                new String[] {"vm", "list", "--dir", lab, "--json"},
                new String[] {"events", "--dir", lab, "--limit", "3"},
                new String[] {"events", "--json", "--dir", lab},
                new String[] {"--version"});
        for (String[] line : lines) {
            Output quick = capture(() -> QuickCommands.run(line));
            Output picocli = capture(() -> Optional.of(VivariumCommand.newCommandLine(line).execute(line)));
            assertThat(quick.exit()).as(String.join(" ", line)).isPresent();
            assertThat(quick).as(String.join(" ", line)).isEqualTo(picocli);
        }
        Output hosts = capture(() -> QuickCommands.run(new String[] {"host", "list", "--dir", lab}));
        assertThat(hosts.exit()).hasValue(0);
        assertThat(hosts.out()).contains("NAME", "host-1", "Up");
        Output vms = capture(() -> QuickCommands.run(new String[] {"vm", "list", "--dir", lab}));
        assertThat(vms.exit()).hasValue(1);
        assertThat(vms.err()).contains("vivarium vm list: ", "not built");
        Output events = capture(() -> QuickCommands.run(new String[] {"events", "--limit", "1", "--dir", lab}));
        assertThat(events.out().lines().count()).isEqualTo(2);
    }

    @Test
    void everyOtherLineIsPicoclis() {
        for (String[] line : List.of(new String[] {"vm", "list", "--help"}, new String[] {"vm", "list", "--bogus"},
                new String[] {"host", "list", "--json", "--json"}, new String[] {"events", "--limit", "many"},
                new String[] {"events", "--dir"}, new String[] {"vm", "get", "x"}, new String[] {"--version", "--help"},
                new String[] {"events", "-f", "--follow"}, new String[] {}, new String[] {"vm"})) {
            assertThat(QuickCommands.run(line)).as(String.join(" ", line)).isEmpty();
        }
    }
}
