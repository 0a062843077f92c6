package dev.vivarium.node.api;

import java.time.Instant;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;

/** Who may use the API: checks a request's credentials before it is routed. */
@FunctionalInterface
public interface RequestAuth {

    /** The message of a request without credentials: every client reads it. */
    String MISSING = "missing or wrong bearer token (send 'Authorization: Bearer <token>'; the lab keeps it in its api-token file)";

    /**
     * Until when the request's credentials hold ({@link Instant#MAX} for ones that do not
     * expire): an event stream opened with them ends then.
     *
     * @throws ApiException 401 when the request carries no valid credentials, 403 when they do
     *                      not allow this request
     */
    Instant check(HttpRequest request);

    /** Only the bearer token. */
    static RequestAuth bearer(BearerToken token) {
        return request -> {
            if (!token.accepts(request.getHeader("Authorization").map(HttpHeader::value))) {
                throw new ApiException(401, MISSING);
            }
            return Instant.MAX;
        };
    }
}
