package dev.vivarium.node.web;

import dev.vivarium.node.api.ApiException;
import dev.vivarium.node.api.BearerToken;
import dev.vivarium.node.api.RequestAuth;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.Cookie;
import org.apache.pekko.http.javadsl.model.headers.HttpCookiePair;

/**
 * The API's credentials: the bearer token (scripts, the CLI) or a web client's session cookie.
 * A request with the cookie that changes something must also carry the session's CSRF token in
 * {@value #CSRF_HEADER}: a page of another site, or of another port on this machine (cookies
 * ignore ports), sends the cookie but cannot read the token, and a browser does not send a
 * custom header across origins without asking (CORS), which this API never allows.
 */
public final class WebAccess implements RequestAuth {

    public static final String CSRF_HEADER = "X-Vivarium-CSRF";
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

    private final BearerToken token;
    private final Sessions sessions;
    private final String cookieName;

    public WebAccess(BearerToken token, Sessions sessions, String cookieName) {
        this.token = token;
        this.sessions = sessions;
        this.cookieName = cookieName;
    }

    @Override
    public Instant check(HttpRequest request) {
        Optional<String> authorization = request.getHeader("Authorization").map(HttpHeader::value);
        if (authorization.isPresent()) {
            if (!token.accepts(authorization)) {
                throw new ApiException(401, MISSING);
            }
            return Instant.MAX;
        }
        Optional<String> cookie = cookie(request, cookieName);
        if (cookie.isEmpty()) {
            throw new ApiException(401, MISSING + ", or sign in to the web client");
        }
        Sessions.Session session = session(sessions, cookie.get());
        if (!SAFE.contains(request.method().value())) {
            String presented = request.getHeader(CSRF_HEADER).map(HttpHeader::value).orElse("");
            if (!MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), session.csrf().getBytes(StandardCharsets.UTF_8))) {
                throw new ApiException(403, "missing or wrong " + CSRF_HEADER + " header: a request that changes something "
                        + "must carry the token GET /api/v1/session gives (reload the page)");
            }
        }
        return session.expires();
    }

    /** The session the cookie holds; 401 with why when it is none. */
    static Sessions.Session session(Sessions sessions, String cookie) {
        Sessions.Verdict verdict = sessions.verify(cookie);
        if (verdict instanceof Sessions.Verdict.Valid valid) {
            return valid.session();
        }
        if (verdict instanceof Sessions.Verdict.Expired expired) {
            throw new ApiException(401, "your session expired at " + expired.at() + ": sign in again");
        }
        throw new ApiException(401, "your session is not valid for this lab (signed for another lab, or before its "
                + "API token changed): sign in again");
    }

    static Optional<String> cookie(HttpRequest request, String name) {
        for (HttpHeader header : request.getHeaders()) {
            if (header instanceof Cookie c) {
                for (HttpCookiePair pair : c.getCookies()) {
                    if (pair.name().equals(name)) {
                        return Optional.of(pair.value());
                    }
                }
            }
        }
        return Optional.empty();
    }
}
