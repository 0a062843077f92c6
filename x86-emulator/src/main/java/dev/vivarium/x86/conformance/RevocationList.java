package dev.vivarium.x86.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/** {@code revocation_list.txt}: hashes of tests found to be bad, one a line; {@code #} starts a comment. */
public final class RevocationList {

    public static final RevocationList EMPTY = new RevocationList(Set.of());

    private final Set<String> hashes;

    private RevocationList(Set<String> hashes) {
        this.hashes = hashes;
    }

    public boolean revokes(String hash) {
        return !hashes.isEmpty() && hashes.contains(hash.toLowerCase(Locale.ROOT));
    }

    public int size() {
        return hashes.size();
    }

    public static RevocationList read(Path file) {
        try {
            Set<String> hashes = new HashSet<>();
            for (String line : Files.readAllLines(file)) {
                String s = line.strip();
                if (!s.isEmpty() && !s.startsWith("#")) {
                    hashes.add(s.toLowerCase(Locale.ROOT));
                }
            }
            return new RevocationList(Set.copyOf(hashes));
        } catch (IOException e) {
            throw new ConformanceInputException(file + ": cannot read: " + e, e);
        }
    }
}
