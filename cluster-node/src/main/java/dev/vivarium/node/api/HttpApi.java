package dev.vivarium.node.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.scaladsl.model.EntityStreamException;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.util.ByteStringBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of the API: checks the credentials, routes, reads the body, and turns what an
 * endpoint answers (or throws) into a response with a JSON body; counts every request.
 */
public final class HttpApi implements Function<HttpRequest, CompletionStage<HttpResponse>> {

    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    /** The metrics label of requests refused before routing, so a scan of random paths adds no labels. */
    private static final String UNROUTED = "unrouted";
    /**
     * The largest request body the API reads (413 above it). Requests are small JSON documents:
     * a VM's specification, a rule, console input.
     */
    public static final long MAX_BODY_BYTES = 1 << 20;

    private final Router router;
    private final RequestAuth auth;
    private final ApiMetrics metrics;
    private final Materializer materializer;
    private final Duration bodyTimeout;

    public HttpApi(Router router, RequestAuth auth, ApiMetrics metrics, Materializer materializer, Duration bodyTimeout) {
        this.router = router;
        this.auth = auth;
        this.metrics = metrics;
        this.materializer = materializer;
        this.bodyTimeout = bodyTimeout;
    }

    @Override
    public CompletionStage<HttpResponse> apply(HttpRequest request) {
        long start = System.nanoTime();
        String method = request.method().value();
        String path = request.getUri().path();
        String[] route = {UNROUTED};
        CompletionStage<ApiResponse> answer;
        Instant[] validUntil = {Instant.MAX};
        try {
            validUntil[0] = auth.check(request);
            Router.Match match = router.route(method, path);
            route[0] = match.template();
            boolean eventStream = request.getHeader("Accept").map(h -> h.value().contains("text/event-stream")).orElse(false);
            requireJson(request);
            answer = readBody(request, bodyTimeout, materializer)
                    .thenCompose(body -> match.endpoint().handle(new ApiRequest(method, path, match.params(),
                            request.getUri().query().toMap(), eventStream, body)));
        } catch (RuntimeException e) {
            request.discardEntityBytes(materializer);
            answer = CompletableFuture.failedFuture(e);
        }
        return answer.handle((response, failure) -> {
            HttpResponse http = failure == null ? toHttp(response, validUntil[0]) : error(failure, method, path);
            metrics.recordRequest(method, route[0], http.status().intValue(), Duration.ofNanos(System.nanoTime() - start));
            return http;
        });
    }

    /**
     * The body as text; over {@link #MAX_BODY_BYTES} a 413, but only once the client has sent it
     * all (what is over the limit is read and dropped): a server that answers while the client is
     * still sending resets the connection, and the client never reads the answer. The HTTP
     * server's own limit ({@code pekko.http.server.parsing.max-content-length}, set in
     * vivarium-node-pekko.conf) bounds what is drained.
     */
    public static CompletionStage<String> readBody(HttpRequest request, Duration timeout, Materializer materializer) {
        return request.entity().getDataBytes().completionTimeout(timeout)
                .runFold(new BodyBuffer(), BodyBuffer::add, materializer)
                .thenApply(BodyBuffer::text);
    }

    /** What has come of a body: its bytes up to the limit, and how many there were. */
    private static final class BodyBuffer {
        private final ByteStringBuilder kept = new ByteStringBuilder();
        private long total;

        BodyBuffer add(ByteString chunk) {
            total += chunk.size();
            if (total <= MAX_BODY_BYTES) {
                kept.append(chunk);
            }
            return this;
        }

        String text() {
            if (total > MAX_BODY_BYTES) {
                throw tooLarge();
            }
            return kept.result().utf8String();
        }
    }

    private static ApiException tooLarge() {
        return new ApiException(413, "the request body is larger than the API's limit of " + MAX_BODY_BYTES + " bytes");
    }

    /** A request with a body must say it is JSON: the API reads nothing else (415 otherwise). */
    private static void requireJson(HttpRequest request) {
        if (request.entity().isKnownEmpty()) {
            return;
        }
        var type = request.entity().getContentType();
        if (!type.mediaType().equals(MediaTypes.APPLICATION_JSON)) {
            throw new ApiException(415, "the request body must be JSON (Content-Type: application/json), not " + type);
        }
    }

    private static HttpResponse toHttp(ApiResponse response, Instant validUntil) {
        if (response instanceof ApiResponse.JsonBody json) {
            HttpResponse http = HttpResponse.create().withStatus(json.status())
                    .withEntity(ContentTypes.APPLICATION_JSON, Json.write(json.value()));
            for (Map.Entry<String, String> h : json.headers().entrySet()) {
                http = http.addHeader(RawHeader.create(h.getKey(), h.getValue()));
            }
            return http;
        }
        if (response instanceof ApiResponse.Text text) {
            return HttpResponse.create().withStatus(text.status())
                    .withEntity(HttpEntities.create(ContentTypes.parse(text.contentType()), ByteString.fromString(text.text())));
        }
        ApiResponse.EventStream stream = (ApiResponse.EventStream) response;
        // A stream ends when the credentials it was opened with expire (a browser's session).
        var events = validUntil.equals(Instant.MAX) ? stream.events()
                : stream.events().takeWithin(Duration.between(Instant.now(), validUntil));
        return HttpResponse.create().withStatus(200)
                .addHeader(RawHeader.create("Cache-Control", "no-cache"))
                .withEntity(HttpEntities.create(ContentTypes.create(MediaTypes.TEXT_EVENT_STREAM), events));
    }

    private static HttpResponse error(Throwable failure, String method, String path) {
        Throwable cause = Failures.cause(failure);
        int status;
        String message;
        if (cause instanceof ApiException api) {
            status = api.status();
            message = api.getMessage();
        } else if (cause instanceof EntityStreamSizeException
                || cause instanceof EntityStreamException e && String.valueOf(e.getMessage()).contains("too large")) {
            // The HTTP server's own parsing limit (pekko.http.server.parsing.max-content-length) failed the body's stream.
            status = 413;
            message = tooLarge().getMessage();
        } else if (cause instanceof EntityStreamException e) {
            status = 400;
            message = "the request body could not be read: " + e.getMessage();
        } else {
            status = 500;
            message = "internal error: " + cause;
            LOG.error("{} {} failed", method, path, cause);
        }
        HttpResponse http = HttpResponse.create().withStatus(status)
                .withEntity(ContentTypes.APPLICATION_JSON, Json.write(Map.of("error", message)));
        return status == 401 ? http.addHeader(RawHeader.create("WWW-Authenticate", "Bearer")) : http;
    }
}
