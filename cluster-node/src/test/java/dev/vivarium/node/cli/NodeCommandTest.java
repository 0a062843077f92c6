package dev.vivarium.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vivarium.node.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `vivarium node` as a process: a wrong or missing setting stops it at once, naming the key. */
class NodeCommandTest {

    @TempDir
    Path dir;

    @Test
    void aMissingFileExits2() throws Exception {
        Cli.Result r = new Cli(dir).run("node", "--config", dir.resolve("none.conf").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("vivarium node: configuration error", "--config: no such file");
    }

    @Test
    void aMissingSettingExits2NamingIt() throws Exception {
        Path conf = Files.writeString(dir.resolve("n.conf"), "vivarium.node.name = host-1\n");
        Cli.Result r = new Cli(dir).run("node", "--config", conf.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("vivarium.api.token-file: is required and not set");
    }

    @Test
    void aBusyApiPortExits1() throws Exception {
        Path token = Files.writeString(dir.resolve("api-token"), "t\n");
        try (var busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Path conf = Files.writeString(dir.resolve("n.conf"), "vivarium.node.name = host-1\n"
                    + "vivarium.api.token-file = \"" + token + "\"\nvivarium.api.port = " + busy.getLocalPort() + "\n"
                    // The node opens its datastore and the inventory's database before it binds the API: keep them here.
                    + "vivarium.datastore.path = \"" + dir.resolve("datastore") + "\"\n"
                    + "pekko-persistence-jdbc.shared-databases.slick.db.url = \"jdbc:h2:file:" + dir.resolve("inventory") + "\"\n");
            Cli.Result r = new Cli(dir).run("node", "--config", conf.toString());
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).contains("cannot bind the API at 127.0.0.1:" + busy.getLocalPort());
        }
    }
}
