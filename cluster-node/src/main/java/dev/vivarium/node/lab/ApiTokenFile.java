package dev.vivarium.node.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/** The lab's API token: random, readable by its owner only (mode 0600). */
public final class ApiTokenFile {

    private static final int BYTES = 32;

    private ApiTokenFile() {
    }

    /** Creates the token file unless it exists; an existing one is kept so scripts holding it go on working. */
    public static void ensure(Path file) throws IOException {
        if (Files.exists(file)) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            return;
        }
        byte[] secret = new byte[BYTES];
        new SecureRandom().nextBytes(secret);
        // Created with its final mode: the token is never readable by others, not even briefly.
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, Base64.getUrlEncoder().withoutPadding().encodeToString(secret) + "\n", StandardCharsets.UTF_8);
    }

    public static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8).strip();
    }
}
