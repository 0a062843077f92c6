package dev.vivarium.node.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A lab's secret in a file: random, readable by its owner only (mode 0600). The API token and
 * the inventory database's password are two.
 */
public final class SecretFile {

    private static final int BYTES = 32;

    private SecretFile() {
    }

    /** Creates the secret unless it exists; an existing one is kept (scripts holding the token go on working). */
    public static void ensure(Path file) throws IOException {
        if (Files.exists(file)) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            return;
        }
        byte[] secret = new byte[BYTES];
        new SecureRandom().nextBytes(secret);
        // Created with its final mode: the secret is never readable by others, not even briefly.
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, Base64.getUrlEncoder().withoutPadding().encodeToString(secret) + "\n", StandardCharsets.UTF_8);
    }

    /** Writes {@code content} to a file only its owner can read (created so, or set so first). */
    public static void writePrivate(Path file, String content) throws IOException {
        if (Files.exists(file)) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } else {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    public static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8).strip();
    }
}
