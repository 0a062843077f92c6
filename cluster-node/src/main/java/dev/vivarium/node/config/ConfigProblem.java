package dev.vivarium.node.config;

/** A setting that is missing or wrong; the message always starts with the key it is about. */
public final class ConfigProblem extends RuntimeException {

    private final String key;

    public ConfigProblem(String key, String problem) {
        super(key + ": " + problem);
        this.key = key;
    }

    /** The full path of the offending setting, e.g. {@code vivarium.node.name}. */
    public String key() {
        return key;
    }
}
