package dev.vivarium.node.web;

import dev.vivarium.node.api.BearerToken;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;

/** What a lab tells its user about the web client: its cookie's name and one-time login links. */
public final class LoginLinks {

    /** A link works this long (and once). */
    public static final Duration TTL = Duration.ofMinutes(15);

    private LoginLinks() {
    }

    /**
     * A link that signs a browser in once on {@code host}, whose API is at {@code apiUrl}: the
     * ticket rides in the fragment, which browsers never send to a server or put in a Referer.
     */
    public static String link(String token, String host, String apiUrl) {
        return apiUrl + "/#login=" + new Sessions(new BearerToken(token), Clock.systemUTC()).loginTicket(host, TTL);
    }

    /**
     * The session cookie's name for the lab in {@code folder}: its folder's name and a hash of its
     * path, so two labs on one machine (cookies ignore ports) keep their sessions apart.
     */
    public static String cookieName(Path folder) {
        Path absolute = folder.toAbsolutePath().normalize();
        String name = absolute.getFileName() == null ? "lab" : absolute.getFileName().toString();
        name = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (name.isEmpty()) {
            name = "lab";
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(absolute.toString().getBytes(StandardCharsets.UTF_8));
            return "vivarium-" + (name.length() > 32 ? name.substring(0, 32) : name) + "-" + HexFormat.of().formatHex(hash, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
