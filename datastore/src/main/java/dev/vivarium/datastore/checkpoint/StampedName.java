package dev.vivarium.datastore.checkpoint;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sequence number and epoch that every file a VM's owner writes carries in its name
 * ({@code <seq>-e<epoch>}), so readers can judge a file without opening it.
 */
record StampedName(long seq, long epoch) {
    private static final Pattern STAMP = Pattern.compile("(\\d{1,19})-e(\\d{1,19})");

    String format() {
        return String.format("%019d-e%019d", seq, epoch);
    }

    static Optional<StampedName> parse(String stamp) {
        Matcher m = STAMP.matcher(stamp);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new StampedName(Long.parseLong(m.group(1)), Long.parseLong(m.group(2))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
