package dev.vivarium.x86.cpu.diff;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The snippets as one assembly file for a reference to link (a table of start and end addresses,
 * each snippet followed by the reference's own way back), and the reading of the code listing
 * ("dump") every reference prints in the same format.
 */
final class SnippetAssembly {

    private SnippetAssembly() {
    }

    /** The assembly source: each snippet between its start and end labels, {@code epilogue} after each end. */
    static String source(List<Snippet> snippets, String epilogue) {
        StringBuilder s = new StringBuilder("        .intel_syntax noprefix\n        .text\n");
        for (int k = 0; k < snippets.size(); k++) {
            s.append("snip_start_").append(k).append(":\n");
            for (String line : snippets.get(k).asm().split("\n")) {
                s.append("        ").append(line).append('\n');
            }
            s.append("snip_end_").append(k).append(":\n        ").append(epilogue).append('\n');
        }
        s.append("        .section .rodata\n        .globl snip_table, snip_count\n        .p2align 2\nsnip_table:\n");
        for (int k = 0; k < snippets.size(); k++) {
            s.append("        .long snip_start_").append(k).append(", snip_end_").append(k).append('\n');
        }
        s.append("snip_count:\n        .long ").append(snippets.size()).append('\n');
        s.append("        .section .note.GNU-stack,\"\",@progbits\n");
        return s.toString();
    }

    /** Reads "snippets N BUF_ADDR BUF_SIZE" and then "K ADDR HEXBYTES" per snippet (N and K decimal), checking the buffer's layout. */
    static List<SnippetCode> parseDump(String dump, Reference reference) {
        String[] lines = dump.split("\n");
        String[] header = lines[0].split(" ");
        if (header.length != 4 || !header[0].equals("snippets")) {
            throw new IllegalStateException(reference + " printed no code listing: " + lines[0]);
        }
        if (Integer.parseInt(header[2], 16) != Layout.BUFFER || Integer.parseInt(header[3], 16) != Layout.BUFFER_SIZE) {
            throw new IllegalStateException(reference + " has another buffer layout: " + lines[0]);
        }
        List<SnippetCode> code = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split(" ");
            code.add(new SnippetCode(Integer.parseUnsignedInt(f[1], 16), f.length > 2 ? HexFormat.of().parseHex(f[2]) : new byte[0]));
        }
        if (code.size() != Integer.parseInt(header[1])) {
            throw new IllegalStateException(reference + " listed " + code.size() + " of " + header[1] + " snippets");
        }
        return code;
    }

    /** The outcome lines of a run, which must be one per case. */
    static List<Outcome> parseOutcomes(List<String> lines, int cases, Reference reference, String diagnostics) {
        List<Outcome> out = new ArrayList<>(cases);
        for (String line : lines) {
            if (!line.isEmpty()) {
                out.add(Outcome.parse(line));
            }
        }
        if (out.size() != cases) {
            throw new IllegalStateException(reference + " answered " + out.size() + " of " + cases + " cases: " + diagnostics);
        }
        return out;
    }
}
