package dev.vivarium.node.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The page's files, read from the jar: the page itself under {@code /} and {@code /ui/}, and the
 * libraries it uses from their WebJars under {@code /webjars/NAME/PATH} (without the version,
 * which the WebJar on the class path says, so an upgrade in the pom needs no change here).
 */
final class StaticFiles {

    /** A file to send. */
    record File(byte[] bytes, String contentType, String cacheControl) {
    }

    private static final String PAGE = "webclient/";
    private static final String WEBJARS = "META-INF/resources/webjars/";
    /** Names and paths as they appear in the page: no "..", no empty segment, nothing hidden. */
    private static final Pattern SAFE_PATH = Pattern.compile("([A-Za-z0-9_-][A-Za-z0-9._-]*/)*[A-Za-z0-9_-][A-Za-z0-9._-]*");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=UTF-8",
            "js", "text/javascript; charset=UTF-8",
            "css", "text/css; charset=UTF-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "json", "application/json");

    private final ClassLoader loader = StaticFiles.class.getClassLoader();
    /** Files found (only those: paths that are none must not fill it). */
    private final Map<String, File> cache = new ConcurrentHashMap<>();

    /** The file for a request's path, if it is one of the page's. */
    Optional<File> find(String path) {
        File cached = cache.get(path);
        if (cached != null) {
            return Optional.of(cached);
        }
        Optional<File> file = load(path);
        file.ifPresent(f -> cache.put(path, f));
        return file;
    }

    private Optional<File> load(String path) {
        if (path.equals("/") || path.equals("/index.html")) {
            return read(PAGE + "index.html", "no-cache");
        }
        if (path.startsWith("/ui/") && SAFE_PATH.matcher(path.substring(4)).matches()) {
            return read(PAGE + path.substring(4), "no-cache");
        }
        if (path.startsWith("/webjars/") && SAFE_PATH.matcher(path.substring(9)).matches()) {
            String rest = path.substring(9);
            int slash = rest.indexOf('/');
            if (slash < 0) {
                return Optional.empty();
            }
            String name = rest.substring(0, slash);
            // A WebJar's files never change for its version: let the browser keep them a day.
            return webjarVersion(name).flatMap(v -> read(WEBJARS + name + "/" + v + rest.substring(slash), "max-age=86400"));
        }
        return Optional.empty();
    }

    /** The version of an npm WebJar on the class path, from the pom.properties Maven puts in every jar. */
    private Optional<String> webjarVersion(String name) {
        try (InputStream in = loader.getResourceAsStream("META-INF/maven/org.webjars.npm/" + name + "/pom.properties")) {
            if (in == null) {
                return Optional.empty();
            }
            Properties p = new Properties();
            p.load(in);
            return Optional.ofNullable(p.getProperty("version"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Optional<File> read(String resource, String cacheControl) {
        String extension = resource.substring(resource.lastIndexOf('.') + 1);
        String type = TYPES.get(extension);
        if (type == null) {
            return Optional.empty();
        }
        try (InputStream in = loader.getResourceAsStream(resource)) {
            return in == null ? Optional.empty() : Optional.of(new File(in.readAllBytes(), type, cacheControl));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
