package dev.vivarium.x86.cpu.diff;

import static dev.vivarium.x86.cpu.diff.Inputs.ECX;
import static dev.vivarium.x86.cpu.diff.Inputs.EDI;
import static dev.vivarium.x86.cpu.diff.Inputs.ESI;

import java.util.List;

/** MOVS/STOS/LODS/CMPS/SCAS in three widths, alone and with REP/REPE/REPNE, both directions, overlapping buffers. */
final class StringSnippets {

    private static final int CASES = 24;

    private StringSnippets() {
    }

    static List<Snippet> all() {
        Snippet.Builder b = new Snippet.Builder("string");
        // Counts up to 40 elements of up to 4 bytes stay inside the data window in either direction.
        Shaper pointers = Shaper.pointer(ESI).then(Shaper.pointer(EDI)).then(in -> {
            in.set(ECX, in.random.nextInt(6) == 0 ? 0 : in.random.nextInt(41));
            switch (in.random.nextInt(4)) {
                case 0 -> in.set(EDI, in.get(ESI)); // CMPS compares equal bytes all the way
                case 1 -> in.set(EDI, in.get(ESI) + in.random.nextInt(9) - 4); // overlapping moves
                default -> { }
            }
        });
        for (String w : new String[] {"b", "w", "d"}) {
            b.add("movs" + w, CASES, Defined.NONE_AFFECTED, pointers)
                    .add("rep movs" + w, CASES * 2, Defined.NONE_AFFECTED, pointers)
                    .add("stos" + w, CASES, Defined.NONE_AFFECTED, pointers)
                    .add("rep stos" + w, CASES * 2, Defined.NONE_AFFECTED, pointers)
                    .add("lods" + w, CASES, Defined.NONE_AFFECTED, pointers)
                    .add("rep lods" + w, CASES, Defined.NONE_AFFECTED, pointers)
                    .add("cmps" + w, CASES, Defined.ARITHMETIC, pointers)
                    .add("repe cmps" + w, CASES * 2, Defined.ARITHMETIC, pointers)
                    .add("repne cmps" + w, CASES * 2, Defined.ARITHMETIC, pointers)
                    .add("scas" + w, CASES, Defined.ARITHMETIC, pointers)
                    .add("repe scas" + w, CASES, Defined.ARITHMETIC, pointers)
                    .add("repne scas" + w, CASES, Defined.ARITHMETIC, pointers)
                    // Fill with the accumulator, then scan it back: REPE runs to the end of the count.
                    .add("push edi\npush ecx\nrep stos" + w + "\npop ecx\npop edi\nrepe scas" + w, CASES, Defined.ARITHMETIC, pointers)
                    .add("push edi\npush ecx\nrep stos" + w + "\npop ecx\npop edi\nnot eax\nrepne scas" + w, CASES,
                            Defined.ARITHMETIC, pointers);
        }
        // Segment overrides on the source (ES: and SS:; DS is flat as well), and the rarely seen REP before an override.
        b.add(".byte 0x26\nmovsd", CASES / 2, Defined.NONE_AFFECTED, pointers)
                .add(".byte 0xf3, 0x36, 0xa4", CASES / 2, Defined.NONE_AFFECTED, pointers)
                .add(".byte 0x36, 0xf3, 0xa6", CASES / 2, Defined.ARITHMETIC, pointers)
                .add(".byte 0x66, 0xf3, 0xa5", CASES / 2, Defined.NONE_AFFECTED, pointers);
        return b.build();
    }
}
