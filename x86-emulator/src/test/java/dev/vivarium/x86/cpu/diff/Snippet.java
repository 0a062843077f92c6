package dev.vivarium.x86.cpu.diff;

import java.util.List;

/**
 * A short instruction sequence (Intel syntax, lines separated by newlines) with how to shape its
 * random inputs, how many cases to run, and what of its outcome is defined.
 */
record Snippet(String family, String asm, int cases, Shaper shaper, Defined defined) {

    /** The source on one line, for reports. */
    String oneLine() {
        return String.join(" ; ", asm.split("\n"));
    }

    /** Builds a family's snippets with shared defaults. */
    static final class Builder {
        private final String family;
        private final java.util.ArrayList<Snippet> list = new java.util.ArrayList<>();

        Builder(String family) {
            this.family = family;
        }

        Builder add(String asm, int cases, Defined defined, Shaper shaper) {
            list.add(new Snippet(family, asm, cases, shaper, defined));
            return this;
        }

        Builder add(String asm, int cases, Defined defined) {
            return add(asm, cases, defined, Shaper.NOTHING);
        }

        List<Snippet> build() {
            return List.copyOf(list);
        }
    }
}
