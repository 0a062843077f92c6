package dev.vivarium.node.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import dev.vivarium.node.HostNode;
import dev.vivarium.node.NodeServices;
import dev.vivarium.node.TestNodes;
import dev.vivarium.node.config.NodeConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page in a real browser when things go wrong: no session, a wrong token, an API that
 * answers 501, fault injection outside a lab (403), a session that expires; and two labs on one machine keeping their sessions apart
 * (cookies ignore ports). Two single-node clusters without the inventory, each its own "lab".
 */
class WebClientErrorsBrowserTest {

    @TempDir
    Path dir;

    private HostNode labA;
    private HostNode labB;
    private Browser browser;

    @BeforeEach
    void start() throws Exception {
        Browser.assumeInstalled();
        labA = node(dir.resolve("a"), "host-a", Map.of("vivarium.web.session-cookie", "vivarium-a"));
        // Lab B has its own token and short sessions.
        Files.createDirectories(dir.resolve("b"));
        Files.writeString(dir.resolve("b/api-token"), "lab-b-token-9876543210\n");
        labB = node(dir.resolve("b"), "host-b", Map.of("vivarium.web.session-cookie", "vivarium-b", "vivarium.web.session-ttl", "20s"));
        browser = new Browser(dir.resolve("browser"), Path.of("target", "browser-screenshots", "WebClientErrorsBrowserTest"));
    }

    private static HostNode node(Path dir, String name, Map<String, String> settings) throws Exception {
        Files.createDirectories(dir);
        HostNode node = HostNode.start(NodeConfigLoader.load(ConfigFactory.parseMap(settings).withFallback(TestNodes.config(dir, name))),
                NodeServices.notBuiltYet());
        TestNodes.join(node, node);
        return node;
    }

    @AfterEach
    void stop() throws Exception {
        if (browser != null) {
            try {
                browser.screenshot("at-the-end");
            } finally {
                browser.close();
            }
        }
        for (HostNode n : new HostNode[] {labA, labB}) {
            if (n != null) {
                n.close();
            }
        }
    }

    @Test
    void eachProblemShowsItsMessage() throws Exception {
        browser.open(labA.apiUrl() + "/");
        browser.untilText("#login-message", "not signed in");
        assertThat(browser.visible("#view-inventory")).isFalse();
        browser.screenshot("not-signed-in");

        browser.type("#token", "not-the-token");
        browser.click("#login-form button[type=submit]");
        browser.untilText("#login-message", "wrong token");
        browser.screenshot("wrong-token");

        browser.type("#token", TestNodes.TOKEN);
        browser.click("#login-form button[type=submit]");
        browser.untilText("#hosts", "host-a");
        assertThat(browser.visible("#login")).isFalse();
        // This node runs without the inventory: the page says what it cannot show.
        browser.untilText("#inventory-problems", "not built");
        browser.screenshot("signed-in-without-inventory");

        browser.click("#create-vm");
        browser.type("#name", "web-1");
        browser.click("#confirm-ok");
        browser.untilText("#banner", "501: ");
        assertThat(browser.text("#banner")).contains("create web-1 failed", "not built");
        browser.untilText("#tasks", "create web-1");
        browser.screenshot("api-error-501");

        // Not a lab: the faults view shows the API's 403, and no view offers a fault.
        browser.click("#nav a[data-view='faults']");
        browser.untilText("#faults-problem", "403: fault injection exists only in lab mode");
        assertThat(browser.visible("#fault-inject")).isFalse();
        assertThat(browser.script("return document.querySelectorAll('#hosts [data-fault]').length;").asInt()).isZero();
        browser.screenshot("faults-not-a-lab");

        // Lab B, by its login link: its cookie has its own name, so lab A's session stays.
        browser.open(LoginLinks.link("lab-b-token-9876543210", "host-b", labB.apiUrl()));
        browser.untilText("#hosts", "host-b");
        browser.untilText("#connection", "via host-b");
        browser.until("the link is gone from the address", () -> {
            return !browser.url().contains("login=");
        });
        browser.screenshot("lab-b-by-login-link");
        browser.open(labA.apiUrl() + "/");
        browser.untilText("#hosts", "host-a");
        browser.screenshot("lab-a-still-signed-in");

        // Lab B's session lasts 20 s: then its page asks to sign in again, and says why.
        browser.open(labB.apiUrl() + "/#/events");
        browser.untilText("#login-message", "session expired");
        assertThat(browser.visible("#view-events")).isFalse();
        browser.screenshot("session-expired");
    }
}
