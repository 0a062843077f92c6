package dev.vivarium.node.web;

import dev.vivarium.node.api.Failures;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vivarium.node.api.ApiException;
import dev.vivarium.node.api.BearerToken;
import dev.vivarium.node.api.HttpApi;
import dev.vivarium.node.api.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.stream.Materializer;

/**
 * What a node's HTTP server answers before the API: the web client's page and libraries, and
 * {@code /api/v1/session} (sign in with the token or a login link, the session's CSRF token and
 * the nodes a page can move to, sign out). Everything else goes to the API, which takes the
 * session cookie as well as the bearer token ({@link WebAccess}).
 */
public final class WebFront implements Function<HttpRequest, CompletionStage<HttpResponse>> {

    public static final String SESSION_PATH = "/api/v1/session";
    private static final List<HttpHeader> PAGE_HEADERS = List.of(
            RawHeader.create("X-Content-Type-Options", "nosniff"),
            RawHeader.create("Referrer-Policy", "no-referrer"));

    /** What the front needs of its node. */
    public record Parts(String hostName, BearerToken token, Sessions sessions, WebSettings settings,
                        Supplier<List<WebPeers.Peer>> peers, Materializer materializer, Duration bodyTimeout) {
    }

    private final Parts parts;
    private final Function<HttpRequest, CompletionStage<HttpResponse>> api;
    private final StaticFiles files = new StaticFiles();

    public WebFront(Parts parts, Function<HttpRequest, CompletionStage<HttpResponse>> api) {
        this.parts = parts;
        this.api = api;
    }

    @Override
    public CompletionStage<HttpResponse> apply(HttpRequest request) {
        String path = request.getUri().path();
        String method = request.method().value();
        if (path.equals(SESSION_PATH)) {
            return session(request, method);
        }
        if (method.equals("GET") || method.equals("HEAD")) {
            Optional<StaticFiles.File> file = files.find(path);
            if (file.isPresent()) {
                request.discardEntityBytes(parts.materializer());
                StaticFiles.File f = file.get();
                return CompletableFuture.completedFuture(HttpResponse.create().withStatus(200)
                        .withEntity(HttpEntities.create(ContentTypes.parse(f.contentType()), f.bytes()))
                        .addHeaders(PAGE_HEADERS).addHeader(RawHeader.create("Cache-Control", f.cacheControl()))
                        .addHeader(RawHeader.create("Content-Security-Policy", contentSecurityPolicy())));
            }
        }
        return api.apply(request);
    }

    /**
     * The page may use its own files only and never runs inside another site's frame; it may
     * reach the other nodes (to see which is up when its own dies), nothing else.
     */
    private String contentSecurityPolicy() {
        StringBuilder connect = new StringBuilder("'self'");
        for (WebPeers.Peer peer : parts.peers().get()) {
            connect.append(' ').append(peer.url());
        }
        return "default-src 'self'; connect-src " + connect + "; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
    }

    private CompletionStage<HttpResponse> session(HttpRequest request, String method) {
        // Read as the API reads bodies: at most HttpApi.MAX_BODY_BYTES, 413 above.
        return HttpApi.readBody(request, parts.bodyTimeout(), parts.materializer())
                .thenApply(body -> switch (method) {
                    case "POST" -> signIn(body);
                    case "GET" -> {
                        Sessions.Session s = current(request);
                        yield json(200, info(s), List.of());
                    }
                    case "DELETE" -> signOut(request);
                    default -> throw new ApiException(405, method + " is not allowed on " + SESSION_PATH + "; allowed: DELETE, GET, POST");
                })
                .exceptionally(WebFront::error);
    }

    /** {"token": API token} or {"ticket": a login link's}: a new session in a cookie. */
    private HttpResponse signIn(String body) {
        JsonNode credentials;
        try {
            credentials = Json.MAPPER.readTree(body.isBlank() ? "{}" : body);
        } catch (IOException e) {
            throw ApiException.badRequest("invalid JSON body: send {\"token\": \"...\"} or {\"ticket\": \"...\"}");
        }
        if (credentials.hasNonNull("token")) {
            if (!parts.token().accepts(Optional.of("Bearer " + credentials.get("token").asText()))) {
                throw new ApiException(401, "wrong token: use the lab's API token (its api-token file), "
                        + "or the link ./vivarium lab login prints");
            }
        } else if (credentials.hasNonNull("ticket")) {
            parts.sessions().redeem(credentials.get("ticket").asText(), parts.hostName()).ifPresent(why -> {
                throw new ApiException(401, why);
            });
        } else {
            throw ApiException.badRequest("send {\"token\": \"...\"} (the API token) or {\"ticket\": \"...\"} (a login link's)");
        }
        String cookie = parts.sessions().issue(parts.settings().sessionTtl());
        Sessions.Session session = ((Sessions.Verdict.Valid) parts.sessions().verify(cookie)).session();
        return json(200, info(session), List.of(RawHeader.create("Set-Cookie", setCookie(cookie, parts.settings().sessionTtl()))));
    }

    private HttpResponse signOut(HttpRequest request) {
        Sessions.Session s = current(request);
        String presented = request.getHeader(WebAccess.CSRF_HEADER).map(HttpHeader::value).orElse("");
        if (!presented.equals(s.csrf())) {
            throw new ApiException(403, "missing or wrong " + WebAccess.CSRF_HEADER + " header");
        }
        return json(200, Map.of("signedOut", true), List.of(RawHeader.create("Set-Cookie", setCookie("", Duration.ZERO))));
    }

    private Sessions.Session current(HttpRequest request) {
        String cookie = WebAccess.cookie(request, parts.settings().sessionCookie())
                .orElseThrow(() -> new ApiException(401, "not signed in: open the link ./vivarium lab login prints, or enter the API token"));
        return WebAccess.session(parts.sessions(), cookie);
    }

    private Map<String, Object> info(Sessions.Session s) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("node", parts.hostName());
        info.put("expires", s.expires().toString());
        info.put("csrfHeader", WebAccess.CSRF_HEADER);
        info.put("csrf", s.csrf());
        info.put("nodes", parts.peers().get());
        return info;
    }

    /** HTTP-only (the page's scripts never see it), same-site only, for every path of this host. */
    private String setCookie(String value, Duration ttl) {
        boolean https = parts.settings().publicUrl().map(u -> u.startsWith("https:")).orElse(false);
        return parts.settings().sessionCookie() + "=" + value + "; Path=/; Max-Age=" + ttl.toSeconds()
                + "; HttpOnly; SameSite=Strict" + (https ? "; Secure" : "");
    }

    private static HttpResponse json(int status, Object body, List<HttpHeader> headers) {
        return HttpResponse.create().withStatus(status).withEntity(ContentTypes.APPLICATION_JSON, Json.write(body))
                .addHeaders(headers).addHeader(RawHeader.create("Cache-Control", "no-store"));
    }

    private static HttpResponse error(Throwable failure) {
        Throwable cause = Failures.cause(failure);
        if (cause instanceof ApiException api) {
            return json(api.status(), Map.of("error", api.getMessage()), List.of());
        }
        return json(500, Map.of("error", "internal error: " + cause), List.of());
    }
}
