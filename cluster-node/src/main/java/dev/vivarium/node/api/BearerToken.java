package dev.vivarium.node.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** The API's shared secret; every request must present it as {@code Authorization: Bearer <token>}. */
public final class BearerToken {

    private final byte[] token;

    public BearerToken(String token) {
        if (token.isBlank()) {
            throw new IllegalArgumentException("the API token is empty");
        }
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    /** Reads the token from its file (surrounding white space ignored). */
    public static BearerToken read(Path file) throws IOException {
        return new BearerToken(Files.readString(file, StandardCharsets.UTF_8).strip());
    }

    /** Whether the Authorization header carries this token; compared in constant time. */
    public boolean accepts(Optional<String> authorization) {
        if (authorization.isEmpty() || !authorization.get().regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        byte[] presented = authorization.get().substring(7).strip().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(presented, token);
    }

    /**
     * A key for {@code purpose} derived from the token (HMAC-SHA256 keyed by it): every node that
     * holds the token derives the same key, and the key does not give the token away.
     */
    public byte[] deriveKey(String purpose) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(token, "HmacSHA256"));
            return mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
