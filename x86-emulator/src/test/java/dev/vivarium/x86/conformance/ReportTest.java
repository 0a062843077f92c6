package dev.vivarium.x86.conformance;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ReportTest {

    private static final RunResult RESULT = new RunResult(List.of(
            new FormTally("40", 10, 0, 1, List.of()),
            new FormTally("F7.6", 997, 3, 0, List.of(new FailureReport(
                    Fixtures.test(0xF7, 0xF3), List.of(new Mismatch("ax", "0001", "0002"))))),
            new FormTally("FF.0", 5, 2, 4, List.of())),
            Map.of("LOCK_NOT_LOCKABLE", 5));

    @Test
    void summaryListsFailingFormsAndEndsWithOneTotalsLine() {
        StringWriter s = new StringWriter();
        Report.summary(RESULT, new PrintWriter(s));
        assertThat(s.toString().lines()).containsExactly(
                "F7.6: 3 failed of 1000",
                "FF.0: 2 failed of 7",
                "1012 passed, 5 failed, 5 skipped");
    }

    @Test
    void jsonHasTheTotalsAndOnlyTheFailingForms() throws IOException {
        StringWriter s = new StringWriter();
        Report.json(RESULT, s);
        assertThat(s.toString()).isEqualTo("{\"passed\":1012,\"failed\":5,\"skipped\":5,\"forms\":["
                + "{\"form\":\"F7.6\",\"failed\":3,\"total\":1000},{\"form\":\"FF.0\",\"failed\":2,\"total\":7}]}");
        List<String> fields = new ArrayList<>();
        try (JsonParser p = new JsonFactory().createParser(s.toString())) {
            while (p.nextToken() != null) {
                if (p.currentToken() == JsonToken.FIELD_NAME) {
                    fields.add(p.currentName());
                }
            }
        }
        assertThat(fields).containsExactly("passed", "failed", "skipped", "forms",
                "form", "failed", "total", "form", "failed", "total");
    }

    @Test
    void failureDetailsNameTheTestItsBytesAndEachDifference() {
        StringWriter s = new StringWriter();
        Report.failures(RESULT, new PrintWriter(s));
        assertThat(s.toString().lines()).containsExactly(
                "F7.6 #0 hand-made [F7 F3 F4] hash h",
                "    initial ax=0000 bx=0000 cx=0000 dx=0000 cs=0000 ss=0000 ds=0000 es=0000 sp=0000"
                        + " bp=0000 si=0000 di=0000 ip=0000 flags=0002",
                "    ax: expected 0001, got 0002");
    }

    @Test
    void skippedCountsCarryTheirReason() {
        StringWriter s = new StringWriter();
        Report.skipped(RESULT, new PrintWriter(s));
        assertThat(s.toString()).startsWith("skipped 5: LOCK_NOT_LOCKABLE (LOCK (F0)");
    }

    @Test
    void passRateCountsOnlyPassedAndFailed() {
        assertThat(RESULT.passRate()).isCloseTo(1012 * 100.0 / 1017, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(RESULT.meets(99.5)).isTrue();
        assertThat(RESULT.meets(99.6)).isFalse();
        assertThat(new RunResult(List.of(), Map.of()).meets(100)).isTrue();
    }
}
