package dev.vivarium.node.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.vivarium.node.HostNode;
import dev.vivarium.node.NodeServices;
import dev.vivarium.node.TestNodes;
import dev.vivarium.node.api.BearerToken;
import dev.vivarium.node.api.Json;
import dev.vivarium.node.config.NodeConfigLoader;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web client's HTTP side against two real nodes of one cluster (no inventory): the page and
 * its libraries, signing in with the token or a login link, the session cookie any node takes,
 * CSRF protection, and the routes the page watches.
 */
class WebClientApiTest {

    @TempDir
    static Path dir;

    static HostNode one;
    static HostNode two;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final String COOKIE = "vivarium-test-lab";
    static final String ONE_URL = "http://one.example:8080";

    @BeforeAll
    static void start() throws Exception {
        // host-1 says where browsers reach it (behind a proxy, say); host-2, on a port of 0, cannot know.
        one = node("host-1", Map.of("vivarium.web.session-cookie", COOKIE, "vivarium.web.public-url", ONE_URL));
        two = node("host-2", Map.of("vivarium.web.session-cookie", COOKIE));
        TestNodes.join(one, one);
        TestNodes.join(two, one);
        await().atMost(Duration.ofSeconds(60)).until(() -> Json.MAPPER.readTree(send(one, "GET", "/api/v1/hosts", null,
                Map.of("Authorization", "Bearer " + TestNodes.TOKEN)).body()).size() == 2);
    }

    private static HostNode node(String name, Map<String, String> settings) throws Exception {
        return HostNode.start(NodeConfigLoader.load(ConfigFactory.parseMap(settings).withFallback(TestNodes.config(dir, name))),
                NodeServices.notBuiltYet());
    }

    @AfterAll
    static void stop() {
        for (HostNode n : new HostNode[] {one, two}) {
            if (n != null) {
                n.close();
            }
        }
    }

    static HttpResponse<String> send(HostNode n, String method, String path, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(n.apiUrl() + path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null && !headers.containsKey("Content-Type")) {
            b.header("Content-Type", "application/json"); // the API reads JSON bodies only
        }
        headers.forEach(b::header);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Signs in on {@code n} with {@code credentials}; the session cookie's value. */
    static String signIn(HostNode n, String credentials) throws Exception {
        HttpResponse<String> r = send(n, "POST", "/api/v1/session", credentials, Map.of("Content-Type", "application/json"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).startsWith(COOKIE + "=").contains("HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=43200");
        return setCookie.substring(COOKIE.length() + 1, setCookie.indexOf(';'));
    }

    static Map<String, String> cookie(String session) {
        return Map.of("Cookie", COOKIE + "=" + session);
    }

    static String error(HttpResponse<String> r) throws Exception {
        return Json.MAPPER.readTree(r.body()).path("error").asText();
    }

    @Test
    void servesThePageAndItsLibrariesWithoutCredentialsAndNothingElse() throws Exception {
        HttpResponse<String> page = send(one, "GET", "/", null, Map.of());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
        assertThat(page.body()).contains("<title>Vivarium</title>", "/webjars/uplot/", "/webjars/xterm/", "/ui/app.js");
        String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertThat(csp).contains("default-src 'self'", "frame-ancestors 'none'");
        for (String path : new String[] {"/ui/app.js", "/ui/app.css", "/webjars/uplot/dist/uPlot.iife.min.js",
                "/webjars/xterm/lib/xterm.js", "/webjars/xterm/css/xterm.css"}) {
            HttpResponse<String> r = send(one, "GET", path, null, Map.of());
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(r.body()).as(path).isNotBlank();
        }
        assertThat(send(one, "GET", "/ui/app.js", null, Map.of()).headers().firstValue("Content-Type").orElseThrow())
                .startsWith("text/javascript");
        // Nothing outside the page's files: traversal, class files, unknown libraries need the token (401).
        for (String path : new String[] {"/ui/../reference.conf", "/ui/%2e%2e/reference.conf", "/webjars/nope/x.js",
                "/ui/Sessions.class", "/reference.conf"}) {
            assertThat(send(one, "GET", path, null, Map.of()).statusCode()).as(path).isIn(401, 404);
        }
    }

    @Test
    void theTokenBuysASessionThatEveryNodeTakesAndTheApiStillTakesTheToken() throws Exception {
        assertThat(error(send(one, "GET", "/api/v1/session", null, Map.of()))).contains("not signed in");
        HttpResponse<String> wrong = send(one, "POST", "/api/v1/session", "{\"token\": \"nope\"}", Map.of());
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(error(wrong)).contains("wrong token");
        assertThat(wrong.headers().firstValue("Set-Cookie")).isEmpty();

        String session = signIn(one, "{\"token\": \"" + TestNodes.TOKEN + "\"}");
        for (HostNode n : new HostNode[] {one, two}) {
            HttpResponse<String> hosts = send(n, "GET", "/api/v1/hosts", null, cookie(session));
            assertThat(hosts.statusCode()).as(hosts.body()).isEqualTo(200);
            JsonNode info = Json.MAPPER.readTree(send(n, "GET", "/api/v1/session", null, cookie(session)).body());
            assertThat(info.path("csrf").asText()).isNotEmpty();
            assertThat(info.path("node").asText()).isEqualTo(n.settings().name());
        }
        assertThat(send(two, "GET", "/api/v1/hosts", null, Map.of("Authorization", "Bearer " + TestNodes.TOKEN)).statusCode()).isEqualTo(200);
        assertThat(error(send(two, "GET", "/api/v1/hosts", null, Map.of()))).contains("bearer token");
    }

    @Test
    void aChangeWithTheCookieNeedsTheSessionsCsrfToken() throws Exception {
        String session = signIn(one, "{\"token\": \"" + TestNodes.TOKEN + "\"}");
        String csrf = Json.MAPPER.readTree(send(two, "GET", "/api/v1/session", null, cookie(session)).body()).path("csrf").asText();
        String vm = "{\"name\": \"web-1\", \"image\": \"counter\", \"memoryMiB\": 16}";

        HttpResponse<String> forged = send(one, "POST", "/api/v1/vms", vm, cookie(session));
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(error(forged)).contains(WebAccess.CSRF_HEADER);
        Map<String, String> wrongToken = Map.of("Cookie", COOKIE + "=" + session, WebAccess.CSRF_HEADER, csrf + "x");
        assertThat(send(one, "POST", "/api/v1/vms", vm, wrongToken).statusCode()).isEqualTo(403);
        // With the token the request passes (and this node, without the inventory, answers 501).
        Map<String, String> withToken = Map.of("Cookie", COOKIE + "=" + session, WebAccess.CSRF_HEADER, csrf);
        HttpResponse<String> accepted = send(two, "POST", "/api/v1/vms", vm, withToken);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(501);
        // The bearer token needs none: no browser sends it by itself.
        assertThat(send(one, "POST", "/api/v1/vms", vm, Map.of("Authorization", "Bearer " + TestNodes.TOKEN)).statusCode()).isEqualTo(501);
        // Signing out needs it too, and clears the cookie.
        assertThat(send(one, "DELETE", "/api/v1/session", null, cookie(session)).statusCode()).isEqualTo(403);
        HttpResponse<String> out = send(one, "DELETE", "/api/v1/session", null, withToken);
        assertThat(out.statusCode()).isEqualTo(200);
        assertThat(out.headers().firstValue("Set-Cookie").orElseThrow()).startsWith(COOKIE + "=;").contains("Max-Age=0");
    }

    @Test
    void aLoginLinkWorksOnceOnItsNodeAndSessionsOfAnotherLabOrExpiredOnesAreRefusedWithTheirReason() throws Exception {
        String token = TestNodes.TOKEN;
        String link = LoginLinks.link(token, "host-1", one.apiUrl());
        assertThat(link).startsWith(one.apiUrl() + "/#login=");
        String ticket = link.substring(link.indexOf("#login=") + 7);

        HttpResponse<String> elsewhere = send(two, "POST", "/api/v1/session", "{\"ticket\": \"" + ticket + "\"}", Map.of());
        assertThat(error(elsewhere)).contains("for host-1, not host-2");
        String session = signIn(one, "{\"ticket\": \"" + ticket + "\"}");
        assertThat(send(two, "GET", "/api/v1/hosts", null, cookie(session)).statusCode()).isEqualTo(200);
        assertThat(error(send(one, "POST", "/api/v1/session", "{\"ticket\": \"" + ticket + "\"}", Map.of()))).contains("used already");

        String otherLab = new Sessions(new BearerToken("another-lab's-token"), Clock.systemUTC()).issue(Duration.ofHours(1));
        HttpResponse<String> foreign = send(one, "GET", "/api/v1/hosts", null, cookie(otherLab));
        assertThat(foreign.statusCode()).isEqualTo(401);
        assertThat(error(foreign)).contains("not valid for this lab");
        String otherTicket = LoginLinks.link("another-lab's-token", "host-1", one.apiUrl());
        assertThat(error(send(one, "POST", "/api/v1/session", "{\"ticket\": \"" + otherTicket.substring(otherTicket.indexOf('=') + 1) + "\"}",
                Map.of()))).contains("not valid for this lab");

        Clock yesterday = Clock.offset(Clock.systemUTC(), Duration.ofDays(-1));
        String expired = new Sessions(new BearerToken(token), yesterday).issue(Duration.ofHours(1));
        HttpResponse<String> old = send(one, "GET", "/api/v1/hosts", null, cookie(expired));
        assertThat(old.statusCode()).isEqualTo(401);
        assertThat(error(old)).contains("session expired");
        String oldTicket = new Sessions(new BearerToken(token), yesterday).loginTicket("host-1", LoginLinks.TTL);
        assertThat(error(send(one, "POST", "/api/v1/session", "{\"ticket\": \"" + oldTicket + "\"}", Map.of()))).contains("expired");
        assertThat(error(send(one, "GET", "/api/v1/hosts", null, cookie(session.substring(1))))).contains("not valid for this lab");
    }

    @Test
    void theInventoryComesWholeAndLiveWithWhatCouldNotBeRead() throws Exception {
        Map<String, String> auth = Map.of("Authorization", "Bearer " + TestNodes.TOKEN);
        JsonNode inventory = Json.MAPPER.readTree(send(one, "GET", "/api/v1/inventory", null, auth).body());
        assertThat(inventory.path("hosts").findValuesAsText("name")).containsExactly("host-1", "host-2");
        assertThat(inventory.path("vms").size()).isZero();
        // Without the inventory (vcenter) the VMs and alarms cannot be read: said, not hidden.
        assertThat(inventory.path("problems").toString()).contains("VMs: ", "alarms: ");
        assertThat(error(send(one, "GET", "/api/v1/alarms", null, auth))).contains("not built");
        await().atMost(Duration.ofSeconds(30)).until(() -> Json.MAPPER.readTree(send(one, "GET", "/api/v1/history", null, auth).body())
                .path("samples").size() > 0);

        HttpRequest stream = HttpRequest.newBuilder(URI.create(two.apiUrl() + "/api/v1/inventory"))
                .header("Authorization", "Bearer " + TestNodes.TOKEN).header("Accept", "text/event-stream").build();
        HttpResponse<InputStream> r = HTTP.send(stream, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            assertThat(lines.readLine()).isEqualTo("event: inventory");
            String data = lines.readLine();
            assertThat(data).startsWith("data: ");
            assertThat(Json.MAPPER.readTree(data.substring(6)).path("hosts").size()).isEqualTo(2);
        }
    }

    @Test
    void theSessionNamesTheNodesAPageCanMoveToAndThePageMayReachThem() throws Exception {
        String session = signIn(two, "{\"token\": \"" + TestNodes.TOKEN + "\"}");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode nodes = Json.MAPPER.readTree(send(two, "GET", "/api/v1/session", null, cookie(session)).body()).path("nodes");
            assertThat(nodes.size()).as(nodes.toString()).isEqualTo(1);
            assertThat(nodes.get(0).path("host").asText()).isEqualTo("host-1");
            assertThat(nodes.get(0).path("url").asText()).isEqualTo(ONE_URL);
            assertThat(nodes.get(0).path("self").asBoolean()).isFalse();
        });
        assertThat(send(two, "GET", "/", null, Map.of()).headers().firstValue("Content-Security-Policy").orElseThrow())
                .contains("connect-src 'self' " + ONE_URL + ";");
    }
}
