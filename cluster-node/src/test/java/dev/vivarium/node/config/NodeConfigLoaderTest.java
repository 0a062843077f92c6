package dev.vivarium.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.vivarium.node.TestNodes;
import dev.vivarium.node.lab.LabDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeConfigLoaderTest {

    @TempDir
    Path dir;

    private Config valid() throws IOException {
        return TestNodes.config(dir, "host-1");
    }

    private static Config with(Config base, String hocon) {
        return ConfigFactory.parseString(hocon).withFallback(base);
    }

    private void assertProblem(Config config, String key, String text) {
        assertThatThrownBy(() -> NodeConfigLoader.load(config))
                .isInstanceOf(ConfigProblem.class)
                .hasMessageStartingWith(key + ":")
                .hasMessageContaining(text)
                .extracting(e -> ((ConfigProblem) e).key()).isEqualTo(key);
    }

    @Test
    void derivesPekkoSettingsFromTheNodeSettings() throws IOException {
        NodeConfigLoader.Loaded loaded = NodeConfigLoader.load(with(valid(),
                "vivarium.node { port = 25520, seed-nodes = [\"127.0.0.1:25520\", \"10.0.0.2:25521\"] }"));

        assertThat(loaded.settings().name()).isEqualTo("host-1");
        Config c = loaded.config();
        assertThat(c.getInt("pekko.remote.artery.canonical.port")).isEqualTo(25520);
        assertThat(c.getString("pekko.remote.artery.canonical.hostname")).isEqualTo("127.0.0.1");
        assertThat(c.getStringList("pekko.cluster.seed-nodes"))
                .containsExactly("pekko://vivarium@127.0.0.1:25520", "pekko://vivarium@10.0.0.2:25521");
        assertThat(c.getStringList("pekko.cluster.roles")).containsExactlyInAnyOrder("host", "host-name:host-1");
        assertThat(c.getString("pekko.cluster.downing-provider-class"))
                .isEqualTo("org.apache.pekko.cluster.sbr.SplitBrainResolverProvider");
        assertThat(c.getString("pekko.actor.provider")).isEqualTo("cluster");
        assertThat(c.getString("vivarium.vm-dispatcher.type")).isEqualTo("Dispatcher");
    }

    @Test
    void aMissingNameIsNamed() throws IOException {
        assertProblem(valid().withoutPath("vivarium.node.name"), "vivarium.node.name", "required");
    }

    @Test
    void aWrongValueIsNamed() throws IOException {
        assertProblem(with(valid(), "vivarium.node.port = 70000"), "vivarium.node.port", "outside 0..65535");
        assertProblem(with(valid(), "vivarium.api.port = many"), "vivarium.api.port", "");
        assertProblem(with(valid(), "vivarium.node.name = Host_1"), "vivarium.node.name", "not a host name");
        assertProblem(with(valid(), "vivarium.api.request-timeout = 0s"), "vivarium.api.request-timeout", "positive");
        assertProblem(with(valid(), "vivarium.node.seed-nodes = [\"127.0.0.1:1\", \"nohost\"]"),
                "vivarium.node.seed-nodes[1]", "not host:port");
    }

    @Test
    void aMisspeltKeyIsRefused() throws IOException {
        assertProblem(with(valid(), "vivarium.node.seeds = []"), "vivarium.node.seeds", "not a setting");
    }

    @Test
    void anUnreadableTokenFileIsNamed() throws IOException {
        assertProblem(with(valid(), "vivarium.api.token-file = \"" + dir.resolve("nothing") + "\""),
                "vivarium.api.token-file", "cannot read");
    }

    @Test
    void splitBrainSettingsAreChecked() throws IOException {
        assertProblem(with(valid(), "pekko.cluster.downing-provider-class = \"\""), "pekko.cluster.downing-provider-class", "empty");
        assertProblem(with(valid(), "pekko.cluster.split-brain-resolver.active-strategy = keep-most"),
                "pekko.cluster.split-brain-resolver.active-strategy", "keep-most");
        assertProblem(with(valid(), "pekko.cluster.split-brain-resolver.stable-after = 2s"),
                "pekko.cluster.split-brain-resolver.stable-after", "shorter than the failure detector");
    }

    @Test
    void aMissingOrBrokenFileIsReported() throws IOException {
        assertThatThrownBy(() -> NodeConfigLoader.load(dir.resolve("none.conf")))
                .isInstanceOf(ConfigProblem.class).hasMessageContaining("no such file");
        Path broken = Files.writeString(dir.resolve("broken.conf"), "vivarium.node {\n name = \"x\"\n");
        assertThatThrownBy(() -> NodeConfigLoader.load(broken))
                .isInstanceOf(ConfigProblem.class).hasMessageContaining("broken.conf");
    }

    @Test
    void theLabProfileLoadsWithItsFastTimings() throws IOException {
        Path node = Files.writeString(dir.resolve("host-1.conf"),
                "include required(file(\"" + LabDir.repositoryRoot().resolve("config/lab.conf") + "\"))\n"
                        + "vivarium.node.name = host-1\n"
                        + "vivarium.api.token-file = \"" + dir.resolve("api-token") + "\"\n");
        valid(); // writes the token file

        Config c = NodeConfigLoader.load(node).config();

        assertThat(c.getDuration("pekko.cluster.split-brain-resolver.stable-after")).isEqualTo(Duration.ofSeconds(7));
        assertThat(c.getDuration("pekko.cluster.failure-detector.acceptable-heartbeat-pause")).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void theMultiMachineProfileAsShippedAsksForWhatOnlyTheUserKnows() throws IOException {
        Path node = Files.writeString(dir.resolve("m.conf"),
                "include required(file(\"" + LabDir.repositoryRoot().resolve("config/multi-machine.conf") + "\"))\n");

        assertThatThrownBy(() -> NodeConfigLoader.load(node))
                .isInstanceOf(ConfigProblem.class).hasMessageStartingWith("vivarium.node.name: is required");

        Files.writeString(node, "\nvivarium.node { name = esx-01, host = \"10.0.0.11\" }\n", java.nio.file.StandardOpenOption.APPEND);
        assertThatThrownBy(() -> NodeConfigLoader.load(node))
                .isInstanceOf(ConfigProblem.class).hasMessageStartingWith("vivarium.api.token-file: cannot read");
    }
}
