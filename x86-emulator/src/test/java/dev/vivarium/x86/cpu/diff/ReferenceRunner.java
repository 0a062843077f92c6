package dev.vivarium.x86.cpu.diff;

import java.io.IOException;
import java.util.List;

/** One built reference: where it placed the snippets' code, and what it makes of cases. */
interface ReferenceRunner {

    /** The machine code of every snippet and its address in the reference, which the emulator copies. */
    List<SnippetCode> code() throws IOException, InterruptedException;

    /** Every case's outcome, in order. */
    List<Outcome> run(List<CaseInput> cases) throws IOException, InterruptedException;
}
