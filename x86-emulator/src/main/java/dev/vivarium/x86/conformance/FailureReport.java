package dev.vivarium.x86.conformance;

import java.util.List;

/** A failed test and what differed, for the debugging output. */
public record FailureReport(TestCase test, List<Mismatch> mismatches) {

    public FailureReport {
        mismatches = List.copyOf(mismatches);
    }

    /** The test's bytes as hex, e.g. {@code F6 F3 F4}. */
    public String codeHex() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < test.codeLength(); i++) {
            sb.append(i == 0 ? "" : " ").append(Mismatch.hex(test.codeByte(i), 2));
        }
        return sb.toString();
    }

    /** The registers before the test, as loaded (FLAGS with bits 12-15 cleared). */
    public String initialRegisters() {
        StringBuilder sb = new StringBuilder();
        for (Register r : Register.values()) {
            sb.append(r.ordinal() == 0 ? "" : " ").append(r.jsonName()).append('=')
                    .append(Mismatch.hex(test.initial(r), 4));
        }
        return sb.toString();
    }
}
