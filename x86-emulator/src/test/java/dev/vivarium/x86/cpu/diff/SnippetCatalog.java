package dev.vivarium.x86.cpu.diff;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/** Every snippet family, and the deterministic generation of their cases from a seed. */
final class SnippetCatalog {

    private static final List<Supplier<List<Snippet>>> FAMILIES = List.of(
            AluSnippets::all, ShiftSnippets::all, MulDivSnippets::all, BitSnippets::all, DataSnippets::all,
            BcdSnippets::all, AddressingSnippets::all, StringSnippets::all, StackSnippets::all,
            BranchSnippets::all, FaultSnippets::all, EncodingSnippets::all, SegmentSnippets::all, ChainSnippets::all);

    private SnippetCatalog() {
    }

    /** All snippets whose source contains {@code filter} (everything for an empty filter). */
    static List<Snippet> snippets(String filter) {
        List<Snippet> all = new ArrayList<>();
        for (Supplier<List<Snippet>> family : FAMILIES) {
            for (Snippet s : family.get()) {
                if (s.oneLine().contains(filter)) {
                    all.add(s);
                }
            }
        }
        return all;
    }

    /**
     * The cases of every snippet: each snippet draws from its own generator, seeded by the run's
     * seed and its source text, so adding a snippet does not change the others' cases.
     */
    static List<CaseInput> cases(List<Snippet> snippets, long seed, int scale) {
        List<CaseInput> cases = new ArrayList<>();
        for (int k = 0; k < snippets.size(); k++) {
            Snippet s = snippets.get(k);
            Random random = new Random(seed ^ s.asm().hashCode() * 0x9E3779B97F4A7C15L);
            for (int i = 0; i < s.cases() * scale; i++) {
                Inputs in = new Inputs(random);
                s.shaper().shape(in);
                cases.add(in.build(k, random.nextInt()));
            }
        }
        return cases;
    }
}
