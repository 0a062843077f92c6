package dev.vivarium.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.vivarium.node.HostNode;
import dev.vivarium.node.NodeServices;
import dev.vivarium.node.TestNodes;
import dev.vivarium.node.config.NodeConfigLoader;
import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The multi-machine profile's TLS switch (config/multi-machine.conf): with Artery's tls-tcp
 * transport and a key store per node, two nodes form a cluster, and the cluster port speaks TLS
 * with mutual authentication (a TLS client holding the cluster's key completes a handshake there).
 */
class TlsClusterTest {

    private static final String PASSWORD = "changeit-vivarium";

    @TempDir
    Path dir;

    private final List<HostNode> nodes = new ArrayList<>();

    @AfterEach
    void stopAll() {
        nodes.forEach(HostNode::close);
    }

    @Test
    void twoNodesFormAClusterOverTlsWithMutualAuthentication() throws Exception {
        Path store = keyStore();
        HostNode first = start("host-1", store);
        HostNode second = start("host-2", store);
        TestNodes.join(first, first);
        TestNodes.join(second, first);

        for (HostNode n : nodes) {
            await().atMost(Duration.ofSeconds(60)).until(() -> upMembers(n) == 2);
        }
        assertThat(first.system().settings().config().getString("pekko.remote.artery.transport")).isEqualTo("tls-tcp");

        int port = Cluster.get(first.system()).selfMember().address().getPort().get();
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keyManagers(store), trustManagers(store), null);
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.startHandshake(); // throws when the port does not speak TLS or refuses our certificate
            assertThat(socket.getSession().getPeerCertificates()).isNotEmpty();
        }
    }

    private HostNode start(String name, Path store) throws Exception {
        Config tls = ConfigFactory.parseMap(Map.of(
                "pekko.remote.artery.transport", "tls-tcp",
                "pekko.remote.artery.ssl.config-ssl-engine.key-store", store.toString(),
                "pekko.remote.artery.ssl.config-ssl-engine.trust-store", store.toString(),
                "pekko.remote.artery.ssl.config-ssl-engine.key-store-password", PASSWORD,
                "pekko.remote.artery.ssl.config-ssl-engine.key-password", PASSWORD,
                "pekko.remote.artery.ssl.config-ssl-engine.trust-store-password", PASSWORD,
                "pekko.remote.artery.ssl.config-ssl-engine.require-mutual-authentication", "on",
                // one self-signed certificate for the whole test cluster, named for no host
                "pekko.remote.artery.ssl.config-ssl-engine.hostname-verification", "off"));
        HostNode node = HostNode.start(NodeConfigLoader.load(tls.withFallback(TestNodes.config(dir, name))),
                NodeServices.notBuiltYet());
        nodes.add(node);
        return node;
    }

    private static int upMembers(HostNode n) {
        int up = 0;
        for (var m : Cluster.get(n.system()).state().getMembers()) {
            if (m.status() == org.apache.pekko.cluster.MemberStatus.up()) {
                up++;
            }
        }
        return up;
    }

    /** A PKCS12 store with one self-signed key, made by the JDK's keytool as an operator would. */
    private Path keyStore() throws Exception {
        Path store = dir.resolve("cluster.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "node", "-keyalg", "RSA",
                "-keysize", "2048", "-validity", "2", "-dname", "CN=vivarium-test-cluster", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true).redirectOutput(dir.resolve("keytool.log").toFile()).start();
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
            assertThat(p.exitValue()).as("keytool exit status").isZero();
        } finally {
            p.destroyForcibly();
        }
        return store;
    }

    private static javax.net.ssl.KeyManager[] keyManagers(Path store) throws Exception {
        KeyManagerFactory f = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        f.init(load(store), PASSWORD.toCharArray());
        return f.getKeyManagers();
    }

    private static javax.net.ssl.TrustManager[] trustManagers(Path store) throws Exception {
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init(load(store));
        return f.getTrustManagers();
    }

    private static KeyStore load(Path store) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(store.toFile())) {
            ks.load(in, PASSWORD.toCharArray());
        }
        return ks;
    }
}
