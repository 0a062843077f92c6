package dev.vivarium.node.web;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.vivarium.node.config.ConfigProblem;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The web client's settings ({@code vivarium.web.*}, see reference.conf).
 *
 * @param sessionCookie  the session cookie's name: cookies ignore ports, so two labs on one
 *                       machine need two names
 * @param sessionTtl     how long a session lasts
 * @param publicUrl      how a browser reaches this node's API, told to pages of other nodes so
 *                       they carry on here when their node dies; empty when unknown
 * @param inventoryPush  how often the live inventory is sent (when it changed)
 * @param history        how far back the load charts reach
 * @param historySample  how often the hosts' load is sampled for them
 */
public record WebSettings(String sessionCookie, Duration sessionTtl, Optional<String> publicUrl,
                          Duration inventoryPush, Duration history, Duration historySample) {

    /** A cookie name (RFC 6265's token) that also reads well. */
    private static final Pattern COOKIE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** Reads {@code vivarium.web} of a node's whole configuration. */
    public static WebSettings fromConfig(Config config) {
        try {
            return read(config);
        } catch (ConfigException e) {
            throw new ConfigProblem(e.origin() != null ? e.origin().description() : "vivarium.web", e.getMessage());
        }
    }

    private static WebSettings read(Config config) {
        Config w = config.getConfig("vivarium.web");
        String cookie = w.getString("session-cookie");
        if (!COOKIE_NAME.matcher(cookie).matches()) {
            throw new ConfigProblem("vivarium.web.session-cookie", "'" + cookie + "' is not a cookie name (letters, digits, '.', '_', '-')");
        }
        Optional<String> url = w.getIsNull("public-url") ? defaultUrl(config) : Optional.of(w.getString("public-url"));
        return new WebSettings(cookie, positive(w, "session-ttl"), url.map(WebSettings::trimmed),
                positive(w, "inventory-push"), positive(w, "history"), positive(w, "history-sample"));
    }

    /** The API's own address when it binds a fixed port on a concrete address; a port of 0 is known only once bound. */
    private static Optional<String> defaultUrl(Config config) {
        String host = config.getString("vivarium.api.host");
        int port = config.getInt("vivarium.api.port");
        if (port == 0 || host.equals("0.0.0.0") || host.equals("::")) {
            return Optional.empty();
        }
        return Optional.of("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port);
    }

    private static String trimmed(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static Duration positive(Config w, String key) {
        Duration d = w.getDuration(key);
        if (d.isZero() || d.isNegative()) {
            throw new ConfigProblem("vivarium.web." + key, "must be positive, not " + d);
        }
        return d;
    }
}
