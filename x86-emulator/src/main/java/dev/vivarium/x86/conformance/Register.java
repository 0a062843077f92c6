package dev.vivarium.x86.conformance;

/** The sixteen-bit registers a SingleStepTests record names, in the order the runner stores them. */
public enum Register {
    AX("ax"), BX("bx"), CX("cx"), DX("dx"),
    CS("cs"), SS("ss"), DS("ds"), ES("es"),
    SP("sp"), BP("bp"), SI("si"), DI("di"),
    IP("ip"), FLAGS("flags");

    private static final Register[] ALL = values();

    private final String jsonName;

    Register(String jsonName) {
        this.jsonName = jsonName;
    }

    public String jsonName() {
        return jsonName;
    }

    /** The register a JSON key names, or null for a key this format does not define. */
    public static Register byJsonName(String name) {
        for (Register r : ALL) {
            if (r.jsonName.equals(name)) {
                return r;
            }
        }
        return null;
    }

    static Register at(int ordinal) {
        return ALL[ordinal];
    }

    static int count() {
        return ALL.length;
    }
}
