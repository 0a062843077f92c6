package dev.vivarium.node.web;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vivarium.node.api.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's headless Chromium driven through chromedriver, by the W3C WebDriver protocol over
 * java.net.http: what the browser tests need and no more. Every wait is for a condition. Tests
 * that use it skip when Chromium or chromedriver is missing, except under CI=true (then they fail).
 */
final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** Long enough for a loaded 2-core machine running a lab; every wait ends as soon as its condition holds. */
    static final Duration WAIT = Duration.ofSeconds(90);
    private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final Process driver;
    private final URI base;
    private final String session;
    private final Path screenshots;
    private int step;

    /** Skips the calling test (or fails it under CI=true) when the browser is not installed. */
    static void assumeInstalled() {
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(CHROMIUM)) {
            missing.add(CHROMIUM + " (Debian package chromium)");
        }
        if (!Files.isExecutable(CHROMEDRIVER)) {
            missing.add(CHROMEDRIVER + " (Debian package chromium-driver)");
        }
        if (!missing.isEmpty()) {
            String why = "browser tests need " + String.join(" and ", missing);
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("CI=true but " + why);
            }
            Assumptions.abort(why);
        }
    }

    /** Starts chromedriver and a fresh headless Chromium (its own empty profile); screenshots go to {@code screenshots}. */
    Browser(Path profile, Path screenshots) throws Exception {
        this.screenshots = Files.createDirectories(screenshots);
        // An earlier run's screenshots would mix with this run's numbered steps.
        try (var old = Files.newDirectoryStream(screenshots, "*.png")) {
            for (Path png : old) {
                Files.delete(png);
            }
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        driver = new ProcessBuilder(CHROMEDRIVER.toString(), "--port=" + port, "--allowed-ips=127.0.0.1")
                .redirectErrorStream(true).redirectOutput(Files.createDirectories(profile).resolve("chromedriver.log").toFile()).start();
        base = URI.create("http://127.0.0.1:" + port);
        try {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> call("GET", "/status", null).path("value").path("ready").asBoolean());
            ObjectNode options = Json.MAPPER.createObjectNode();
            options.put("binary", CHROMIUM.toString());
            // The flags known to work on these machines: no sandbox as root, no GPU, and no background
            // traffic to hosts the closed network refuses.
            options.set("args", Json.MAPPER.valueToTree(List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--window-size=1400,1000", "--user-data-dir=" + profile.resolve("chromium"))));
            ObjectNode capabilities = Json.MAPPER.createObjectNode();
            capabilities.putObject("capabilities").putObject("alwaysMatch").set("goog:chromeOptions", options);
            JsonNode created = call("POST", "/session", capabilities);
            session = created.path("value").path("sessionId").asText();
            if (session.isEmpty()) {
                throw new IllegalStateException("chromedriver started no session: " + created);
            }
        } catch (Exception e) {
            driver.destroyForcibly();
            throw e;
        }
    }

    void open(String url) throws Exception {
        command("POST", "/url", Map.of("url", url));
    }

    String url() throws Exception {
        return command("GET", "/url", null).asText();
    }

    /** Runs {@code script} (a function body; arguments[0..]) in the page and returns its value as JSON. */
    JsonNode script(String script, Object... args) throws Exception {
        return command("POST", "/execute/sync", Map.of("script", script, "args", List.of(args)));
    }

    /**
     * The text of the first element {@code css} selects, or null when there is none; no-break
     * spaces (the terminal's) read as spaces.
     */
    String text(String css) throws Exception {
        JsonNode v = script("const e = document.querySelector(arguments[0]); return e ? e.innerText.replace(/\u00a0/g, ' ') : null;", css);
        return v.isNull() ? null : v.asText();
    }

    /** What the console's terminal (xterm.js, DOM renderer) shows, line by line. */
    String terminalText(String css) throws Exception {
        return script("return [...document.querySelectorAll(arguments[0] + ' .xterm-rows > div')]"
                + ".map(row => row.textContent.replace(/\u00a0/g, ' ')).join('\\n');", css).asText();
    }

    boolean visible(String css) throws Exception {
        return script("const e = document.querySelector(arguments[0]); return !!e && e.offsetParent !== null "
                + "&& getComputedStyle(e).visibility !== 'hidden';", css).asBoolean();
    }

    /** Waits until {@code css} selects a visible element, then clicks it as a user does (WebDriver's click). */
    void click(String css) throws Exception {
        await().atMost(WAIT).ignoreExceptions().until(() -> {
            String id = find(css);
            command("POST", "/element/" + id + "/click", Map.of());
            return true;
        });
    }

    /** Types into the element {@code css} selects (after clearing it). */
    void type(String css, String text) throws Exception {
        await().atMost(WAIT).ignoreExceptions().until(() -> {
            String id = find(css);
            command("POST", "/element/" + id + "/clear", Map.of());
            command("POST", "/element/" + id + "/value", Map.of("text", text));
            return true;
        });
    }

    /** Waits for {@code condition}, reading the page again and again; the failure names what was awaited. */
    void until(String what, Callable<Boolean> condition) {
        await(what).atMost(WAIT).ignoreExceptions().until(condition);
    }

    /** Waits until the page's text under {@code css} contains {@code text}. */
    void untilText(String css, String text) {
        until(css + " shows '" + text + "'", () -> {
            String t = text(css);
            return t != null && t.contains(text);
        });
    }

    /** Saves a screenshot of the page as the next numbered step. */
    Path screenshot(String name) throws Exception {
        byte[] png = Base64.getDecoder().decode(command("GET", "/screenshot", null).asText());
        Path file = screenshots.resolve(String.format("%02d-%s.png", ++step, name));
        Files.write(file, png);
        return file;
    }

    private String find(String css) throws Exception {
        JsonNode found = command("POST", "/element", Map.of("using", "css selector", "value", css));
        return found.path(ELEMENT).asText();
    }

    private JsonNode command(String method, String path, Object body) throws Exception {
        JsonNode answer = call(method, "/session/" + session + path, body);
        JsonNode value = answer.path("value");
        if (value.isObject() && value.has("error")) {
            throw new IllegalStateException(method + " " + path + ": " + value.path("error").asText() + ": " + value.path("message").asText());
        }
        return value;
    }

    private JsonNode call(String method, String path, Object body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(Json.write(body)))
                .build();
        return Json.MAPPER.readTree(http.send(request, HttpResponse.BodyHandlers.ofString()).body());
    }

    @Override
    public void close() {
        try {
            call("DELETE", "/session/" + session, null);
        } catch (Exception e) {
            // the driver goes below anyway
        } finally {
            // A browser the driver started must not outlive the test, whatever state it is in.
            driver.descendants().forEach(ProcessHandle::destroyForcibly);
            driver.destroy();
            try {
                if (!driver.waitFor(10, TimeUnit.SECONDS)) {
                    driver.destroyForcibly();
                }
            } catch (InterruptedException e) {
                driver.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
