package dev.vivarium.x86.guests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One line of guests/tests/cases.txt: a workload, its command line, and what it must print and return. */
public record GuestCase(String name, String workload, String cmdline, int exitCode, String where) {

    public static List<GuestCase> all(Path guests) {
        try {
            List<GuestCase> cases = new ArrayList<>();
            for (String line : Files.readAllLines(guests.resolve("tests/cases.txt"))) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\\|", -1);
                cases.add(new GuestCase(f[0].trim(), f[1].trim(), f[2].trim(), Integer.parseInt(f[3].trim()),
                        f.length > 4 ? f[4].trim() : "both"));
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
