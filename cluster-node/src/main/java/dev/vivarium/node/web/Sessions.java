package dev.vivarium.node.web;

import dev.vivarium.node.api.BearerToken;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The web client's sessions and one-time login links, signed with a key every node of the
 * cluster derives from the API token. Nothing is stored per session: any node verifies a
 * session another node issued, so the page carries on through another node when the one
 * serving it dies. A session is {@code base64url("session|ID|EXPIRES").MAC}; a login link's
 * ticket {@code base64url("login|HOST|NONCE|EXPIRES").MAC} is redeemed once, on the host it
 * names (that host remembers the nonces it took until they expire).
 */
public final class Sessions {

    private static final String KEY_PURPOSE = "vivarium web sessions v1";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A verified session: its id, when it ends, and the CSRF token its mutating requests carry. */
    public record Session(String id, Instant expires, String csrf) {
    }

    /** What a presented session is. */
    public sealed interface Verdict {
        record Valid(Session session) implements Verdict {
        }

        record Expired(Instant at) implements Verdict {
        }

        /** Not signed with this cluster's key (another lab's, an old token's) or not a session at all. */
        record Invalid() implements Verdict {
        }
    }

    private final byte[] key;
    private final Clock clock;
    private final Map<String, Instant> redeemed = new ConcurrentHashMap<>();

    public Sessions(BearerToken token, Clock clock) {
        this.key = token.deriveKey(KEY_PURPOSE);
        this.clock = clock;
    }

    /** A new session's cookie value, valid for {@code ttl}. */
    public String issue(Duration ttl) {
        return sign("session|" + random() + "|" + clock.instant().plus(ttl).getEpochSecond());
    }

    public Verdict verify(String value) {
        Optional<String[]> fields = open(value, "session", 3);
        if (fields.isEmpty()) {
            return new Verdict.Invalid();
        }
        Instant expires = Instant.ofEpochSecond(Long.parseLong(fields.get()[2]));
        if (!clock.instant().isBefore(expires)) {
            return new Verdict.Expired(expires);
        }
        String id = fields.get()[1];
        return new Verdict.Valid(new Session(id, expires, mac("csrf|" + id)));
    }

    /** A ticket for a login link that {@code host} redeems once within {@code ttl}. */
    public String loginTicket(String host, Duration ttl) {
        return sign("login|" + host + "|" + random() + "|" + clock.instant().plus(ttl).getEpochSecond());
    }

    /**
     * Redeems a login link's ticket on {@code host}: empty when it is good (and now spent),
     * otherwise why not.
     */
    public Optional<String> redeem(String ticket, String host) {
        Optional<String[]> fields = open(ticket, "login", 4);
        if (fields.isEmpty()) {
            return Optional.of("this login link is not valid for this lab (made for another lab, or before the API token changed)");
        }
        String[] f = fields.get();
        Instant expires = Instant.ofEpochSecond(Long.parseLong(f[3]));
        Instant now = clock.instant();
        redeemed.values().removeIf(at -> !now.isBefore(at));
        if (!f[1].equals(host)) {
            return Optional.of("this login link is for " + f[1] + ", not " + host + ": open it at the address it was printed with");
        }
        if (!now.isBefore(expires)) {
            return Optional.of("this login link expired at " + expires + ": get a new one with ./vivarium lab login");
        }
        if (redeemed.putIfAbsent(f[2], expires) != null) {
            return Optional.of("this login link was used already (each works once): get a new one with ./vivarium lab login");
        }
        return Optional.empty();
    }

    private String sign(String payload) {
        return B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + mac(payload);
    }

    /** The fields of a signed value of {@code kind}, if its signature is this cluster's. */
    private Optional<String[]> open(String value, String kind, int count) {
        int dot = value.indexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        String payload;
        try {
            payload = new String(B64D.decode(value.substring(0, dot)), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        byte[] presented = value.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(presented, mac(payload).getBytes(StandardCharsets.US_ASCII))) {
            return Optional.empty();
        }
        String[] fields = payload.split("\\|", -1);
        if (fields.length != count || !fields[0].equals(kind) || !fields[count - 1].matches("[0-9]{1,12}")) {
            return Optional.empty();
        }
        return Optional.of(fields);
    }

    private String mac(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return B64.encodeToString(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static String random() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return B64.encodeToString(bytes);
    }
}
