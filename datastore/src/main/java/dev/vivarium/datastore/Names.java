package dev.vivarium.datastore;

import java.util.regex.Pattern;

/** VM, host and snapshot names become file names, so they are kept to a portable alphabet. */
public final class Names {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private Names() {
    }

    public static boolean isValid(String name) {
        return name != null && VALID.matcher(name).matches();
    }

    /** Returns {@code name}, or throws a clear error naming what it was meant to be. */
    public static String require(String what, String name) {
        if (!isValid(name)) {
            throw new IllegalArgumentException(what + " name " + (name == null ? "null" : "'" + name + "'")
                    + " is invalid: use 1-64 of A-Z a-z 0-9 _ . - starting with a letter or digit");
        }
        return name;
    }
}
